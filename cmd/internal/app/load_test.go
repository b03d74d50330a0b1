package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/workflow"
)

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	return ports
}

// TestLoadOverReplicasSharingSandboxes runs the load generator's stories
// over two replicas that share one database and one sandbox process (the
// parties, WeChat and the courier company reached over HTTP by their
// manifest), and finds its correctness check clean: every case ended as
// it should and every side effect reached the sandboxes once.
func TestLoadOverReplicasSharingSandboxes(t *testing.T) {
	ctx := context.Background()
	sb, targets, env := startReplicas(t, 2)
	hooks, closeHooks, err := openRemoteHooks(ctx, sb.base, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer closeHooks()
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &loadRun{out: &out, addrs: targets, hooks: hooks, hc: &http.Client{Timeout: 30 * time.Second}, cal: cal,
		stats: newLoadStats(), retry: &loadRetry{addrs: targets, attempts: 20}, tag: rand.IntN(1_000_000), stories: 10, workers: 3}
	if err := r.playStories(ctx); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"10 of 10 (closed 9, revoked 1)", "✓ clean", "POST /api/v1/staff/cases/:id/claim", "p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	effects := sb.effects()
	issued := 0
	for _, e := range effects {
		issued += e.Licences
	}
	if issued != 10 {
		t.Errorf("the shared e-license sandbox issued %d licences, want 10 (one per case)", issued)
	}
	if n := len(sb.parties.channels.wechat.Notifications()); n < 10 {
		t.Errorf("the shared WeChat sandbox sent %d payment notifications, want at least 10", n)
	}
}

// startReplicas starts one shared sandbox process and n replicas using it
// (one on SQLite, whose file is one server's), and returns the sandboxes,
// the replicas' URLs and the settings an operator would give the demo or
// the load generator to play against them.
func startReplicas(t *testing.T, n int) (*sharedSandboxes, []string, map[string]string) {
	t.Helper()
	ports := freePorts(t, n)
	var targets []string
	for _, p := range ports {
		targets = append(targets, "http://127.0.0.1:"+p)
	}
	depts, err := configs.LoadDepartments("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := startSharedSandboxes(context.Background(), "127.0.0.1:0", targets, depts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.close() })
	dir := t.TempDir()
	catalogue := filepath.Join(dir, "catalogue.yaml")
	if err := os.WriteFile(catalogue, demoCatalogue(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"ZEROVISIT_DATABASE_URL": testDatabaseURL(t), "ZEROVISIT_PARTY_SANDBOX_URL": sb.base,
		"ZEROVISIT_CATALOGUE_PATH": catalogue, "ZEROVISIT_BLOB_DIR": filepath.Join(dir, "blobs"),
		"ZEROVISIT_REDIS_URL":               os.Getenv("TEST_REDIS_URL"),
		"ZEROVISIT_COURIER_PICKUP_PROVIDER": "sf", "ZEROVISIT_COURIER_DELIVERY_PROVIDER": "sf",
		"ZEROVISIT_COURIER_SWEEP_INTERVAL": "100ms", "ZEROVISIT_WORKER_TIMER_INTERVAL": "200ms",
		"ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB": "1024", "ZEROVISIT_STAFF_PASSWORD_TIME": "1",
	}
	if !strings.HasPrefix(env["ZEROVISIT_DATABASE_URL"], "postgres") {
		targets = targets[:1]
	}
	for i := range targets {
		own := map[string]string{"ZEROVISIT_ADDR": "127.0.0.1:" + ports[i], "ZEROVISIT_CITIZEN_PUBLIC_URL": targets[i],
			"ZEROVISIT_COURIER_PUBLIC_URL": targets[i]}
		for k, v := range env {
			own[k] = v
		}
		app := openTestApp(t, nil, own)
		if app.parties.sandboxes != nil || app.remoteSandbox == nil {
			t.Fatal("a replica with ZEROVISIT_PARTY_SANDBOX_URL started its own sandboxes")
		}
	}
	for k, v := range testKeys {
		env[k] = v
	}
	return sb, targets, env
}

// TestDemoAgainstReplicas: `zerovisit demo --addr` plays the three stories
// against a server that uses the shared sandboxes, given the same settings.
func TestDemoAgainstReplicas(t *testing.T) {
	_, targets, env := startReplicas(t, 1)
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--addr", targets[0]}, envOf(env), &out, &errs); err != nil {
		t.Fatalf("demo --addr: %v\n%s\n%s", err, out.String(), errs.String())
	}
	if got := len(demoOutcome.FindAllStringSubmatch(out.String(), -1)); got != 3 || strings.Contains(out.String(), "✗") {
		t.Errorf("demo against the replica: %d outcome lines, want 3 all passed:\n%s", got, out.String())
	}
	delete(env, "ZEROVISIT_DATABASE_URL")
	err := run(context.Background(), []string{"demo", "--addr", targets[0]}, envOf(env), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZEROVISIT_DATABASE_URL") {
		t.Errorf("demo --addr without the database setting = %v, want a message naming it", err)
	}
}

// TestSandboxHooksRefuseBadInput: the shared sandbox process's hooks
// answer malformed or unknown input with a structured error.
func TestSandboxHooksRefuseBadInput(t *testing.T) {
	depts, err := configs.LoadDepartments("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := startSharedSandboxes(context.Background(), "127.0.0.1:0", []string{"http://127.0.0.1:1"}, depts)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.close()
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/_sandbox/people", `{"id_number":"330106198503121230","name":"张三"}`, 400, "invalid_person"},
		{"POST", "/_sandbox/people", `{"id_number":"330106198503121231","name":"张三","x":1}`, 400, "invalid_json"},
		{"POST", "/_sandbox/people", `not json`, 400, "invalid_json"},
		{"POST", "/_sandbox/wechat/phone-code", `{"phone":"12345"}`, 400, "invalid_phone"},
		{"POST", "/_sandbox/wechat/login-code", `{"open_id":""}`, 400, "invalid_open_id"},
		{"POST", "/_sandbox/wechat/pay", `{"out_trade_no":"nope"}`, 404, "unknown_order"},
		{"POST", "/_sandbox/sf/advance", `{"waybill":"SF0000","op_code":"50"}`, 404, "unknown_waybill"},
		{"POST", "/_sandbox/credit/blacklist", `{"subject_id":"","list":"x"}`, 400, "invalid_subject"},
		{"GET", "/_sandbox/nothing", ``, 404, "not_found"},
	} {
		req, _ := http.NewRequest(tc.method, sb.base+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), `"code":"`+tc.code+`"`) {
			t.Errorf("%s %s %s = %d %s, want %d %s", tc.method, tc.path, tc.body, resp.StatusCode, b, tc.status, tc.code)
		}
	}
	// A person added through the hook is known to the population library.
	resp, err := http.Post(sb.base+"/_sandbox/people", "application/json", strings.NewReader(`{"id_number":"330106198503121231","name":"张三"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("add person = %d, want 204", resp.StatusCode)
	}
	m, err := fetchManifest(context.Background(), sb.base, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Parties["basedata"].URL != sb.base+"/basedata" || m.Courier.SFURL != sb.base+"/sf" || m.WeChat.MerchantKey == "" {
		t.Errorf("manifest = %+v", m)
	}
}

// TestReplicaRefusesRemoteSandboxes: sandbox credentials never travel, so
// a shared sandbox process must be on loopback.
func TestReplicaRefusesRemoteSandboxes(t *testing.T) {
	cfg, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db"),
		"ZEROVISIT_PARTY_SANDBOX_URL": "http://10.1.2.3:9100"}))
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(cfg, discardLogger())
	defer app.Close()
	err = app.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("open with a remote sandbox URL = %v, want a refusal naming loopback", err)
	}
	if _, err := configs.Load(envOf(map[string]string{"ZEROVISIT_PARTY_SANDBOX_URL": "ftp://x"})); err == nil {
		t.Error("a sandbox URL that is not http(s) was accepted")
	}
}

// TestFailoverSendsToTheNextReplica: a callback for a replica that does
// not answer reaches the next one, body and all; other hosts pass through.
func TestFailoverSendsToTheNextReplica(t *testing.T) {
	var got []string
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.URL.Path+" "+string(b))
	}))
	defer live.Close()
	dead := freePorts(t, 1)[0]
	liveHost := strings.TrimPrefix(live.URL, "http://")
	hc := &http.Client{Transport: &failover{hosts: []string{"127.0.0.1:" + dead, liveHost}, next: http.DefaultTransport}}
	resp, err := hc.Post("http://127.0.0.1:"+dead+"/notify", "text/plain", strings.NewReader("paid"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 1 || got[0] != "/notify paid" {
		t.Errorf("the live replica got %q, want the notification once", got)
	}
	if _, err := hc.Get("http://127.0.0.1:" + freePorts(t, 1)[0] + "/x"); err == nil {
		t.Error("a host outside the replicas was sent elsewhere instead of failing")
	}
}

// TestLoadCheckFindsWhatWentWrong: the correctness check fails on a story
// that went wrong, a doubled licence, a second parcel too many and a
// missing false-commitment record, naming each case.
func TestLoadCheckFindsWhatWentWrong(t *testing.T) {
	fx := fakeEffects{
		"ZV1": {Licences: 1, Parcels: 2},
		"ZV2": {Licences: 2, Parcels: 2},
		"ZV3": {Licences: 1, Parcels: 3},
		"ZV4": {Licences: 1, Parcels: 2},
		"ZV5": {Licences: 1, Parcels: 2, CreditRecords: 1},
	}
	results := []storyResult{
		{i: 0, number: "ZV1", status: "closed"},
		{i: 1, number: "ZV2", status: "closed"},
		{i: 2, number: "ZV3", status: "closed"},
		{i: 3, number: "ZV4", status: "revoked", p: demoPerson{recordsFalseness: true}},
		{i: 4, number: "ZV5", status: "revoked", p: demoPerson{recordsFalseness: true}},
		{i: 5, number: "ZV6", err: errors.New("submit: 503")},
	}
	var out bytes.Buffer
	r := &loadRun{out: &out, hooks: fx}
	err := r.check(context.Background(), results)
	if err == nil || !strings.Contains(err.Error(), "4 problems") {
		t.Fatalf("check = %v, want 4 problems\n%s", err, out.String())
	}
	for _, want := range []string{"case ZV2: 2 licences", "case ZV3: 1 licences, 3 parcels", "case ZV4: 1 licences, 2 parcels, 0 credit records; want 1, 2, 1",
		"story 5 (ZV6): submit: 503"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the check does not report %q:\n%s", want, out.String())
		}
	}
	for _, clean := range []string{"case ZV1", "case ZV5"} {
		if strings.Contains(out.String(), clean) {
			t.Errorf("the check reports %s, which is as it should be:\n%s", clean, out.String())
		}
	}
}

// fakeEffects are sandbox effects a test sets.
type fakeEffects map[string]*caseEffects

func (f fakeEffects) effects(context.Context) (map[string]*caseEffects, error) { return f, nil }
func (fakeEffects) outbox(context.Context) (map[workflow.OutboxState]int64, error) {
	return map[workflow.OutboxState]int64{}, nil
}
func (fakeEffects) loginCode(context.Context, string) (string, error)          { return "", nil }
func (fakeEffects) phoneCode(context.Context, string) (string, error)          { return "", nil }
func (fakeEffects) pay(context.Context, string) error                          { return nil }
func (fakeEffects) advance(context.Context, string, string) error              { return nil }
func (fakeEffects) blacklist(context.Context, string, string) error            { return nil }
func (fakeEffects) falseCommitments(context.Context, string) ([]string, error) { return nil, nil }
func (fakeEffects) addPerson(context.Context, string, string) error            { return nil }
func (fakeEffects) addClerk(context.Context, string, string, string) (string, error) {
	return "", nil
}
func (fakeEffects) addCourier(context.Context, string, string) (string, error) { return "", nil }

// TestLoadStatistics: requests group by endpoint with ids replaced, and
// percentiles are the nearest rank.
func TestLoadStatistics(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/citizen/cases/3f2a9c1e-0b4d-4e7a-9a51-2c8f6d3e1b70/submit": "/api/v1/citizen/cases/:id/submit",
		"/api/v1/citizen/items/demo-gaj-jszhz/prefill":                      "/api/v1/citizen/items/demo-gaj-jszhz/prefill",
		"/api/v1/courier/legs?limit=100&cursor=":                            "/api/v1/courier/legs",
	} {
		if got := routeOf(in); got != want {
			t.Errorf("routeOf(%s) = %s, want %s", in, got, want)
		}
	}
	// Percentiles to the histogram's three significant digits.
	h := newLatencies()
	for i := 1; i <= 100; i++ {
		_ = h.RecordValue(int64(i) * 1000)
	}
	near := func(got, want time.Duration) bool { return got >= want && got <= want+want/500 }
	if !near(percentile(h, 50), 50*time.Millisecond) || !near(percentile(h, 99), 99*time.Millisecond) || !near(percentile(h, 100), 100*time.Millisecond) {
		t.Errorf("percentiles of 1..100 ms = %v %v %v", percentile(h, 50), percentile(h, 99), percentile(h, 100))
	}
	s := newLoadStats()
	s.observe("GET", "/a/12345678", 200, time.Millisecond, nil)
	s.observe("GET", "/a/87654321", 503, time.Millisecond, nil)
	s.observe("POST", "/b", 0, time.Millisecond, &net.OpError{Op: "dial", Err: errors.New("connect: connection refused")})
	if n := s.summary("GET ").TotalCount(); n != 2 || s.errors["503 GET /a/:id"] != 1 || s.errors["transport: dial: connection refused"] != 1 {
		t.Errorf("stats = %d GET, errors %v", s.summary("GET ").TotalCount(), s.errors)
	}
}

// TestLoadCommand runs `zerovisit load` as a person would, in both of its
// modes against a server it starts: the stories end with a clean check,
// and the write-only mode submits every application.
func TestLoadCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"load", "--stories", "6", "--concurrency", "2"}, demoTestEnv(t), &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"6 stories in", "stories/s", "6 of 6", "✓ clean"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("load output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	args := []string{"load", "--mode", "write", "--stories", "12", "--concurrency", "3", "--citizens", "4"}
	if err := run(context.Background(), args, demoTestEnv(t), &out, io.Discard); err != nil {
		t.Fatalf("load --mode write: %v\n%s", err, out.String())
	}
	for _, want := range []string{`12 applications in`, `60 state-changing calls`, `POST /api/v1/citizen/cases/:id/submit\s+12\s`, `errors: none`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("write-mode output lacks %q:\n%s", want, out.String())
		}
	}
	for _, bad := range [][]string{{"load", "--mode", "nope"}, {"load", "--stories", "0"}, {"load", "--mode", "baseline"}} {
		if err := run(context.Background(), bad, demoTestEnv(t), io.Discard, io.Discard); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}

// TestHookRetries: a payment or push no replica took (502) is retried, as
// the channel would; any other refusal is final at once.
func TestHookRetries(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch {
		case r.URL.Path == "/_sandbox/wechat/pay" && calls < 3:
			hookError(w, http.StatusBadGateway, "notify_failed", "no replica answered")
		case r.URL.Path == "/_sandbox/wechat/pay":
			hookJSON(w, map[string]int{"notify_status": 204})
		default:
			hookError(w, http.StatusNotFound, "unknown_waybill", "no such waybill")
		}
	}))
	defer srv.Close()
	h := &remoteHooks{base: srv.URL, hc: srv.Client()}
	if err := h.pay(context.Background(), "T1"); err != nil || calls != 3 {
		t.Errorf("pay = %v after %d calls, want success on the third", err, calls)
	}
	calls = 0
	err := h.advance(context.Background(), "SF1", "50")
	var refusal *hookRefusal
	if !errors.As(err, &refusal) || refusal.status != http.StatusNotFound || calls != 1 {
		t.Errorf("advance of an unknown waybill = %v after %d calls, want one 404", err, calls)
	}
}
