package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
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

// Replicas are servers sharing one sandbox process, for the tests of the
// commands that play against them (package app_test).
type Replicas struct {
	// SandboxURL is the shared sandbox process; Targets are the replicas'
	// URLs; Env the settings an operator gives the demo or the load
	// generator to play against them.
	SandboxURL string
	Targets    []string
	Env        map[string]string
	sb         *sharedSandboxes
}

// StartReplicas is startReplicas for the tests outside the package.
func StartReplicas(t *testing.T, n int) *Replicas {
	sb, targets, env := startReplicas(t, n)
	return &Replicas{SandboxURL: sb.base, Targets: targets, Env: env, sb: sb}
}

// Effects counts what the shared sandboxes received, per case.
func (r *Replicas) Effects() map[string]*CaseEffects { return r.sb.effects() }

// PaymentNotifications counts the notifications the WeChat sandbox sent.
func (r *Replicas) PaymentNotifications() int {
	return len(r.sb.parties.channels.wechat.Notifications())
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
	if err := os.WriteFile(catalogue, DemoCatalogue(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"ZEROVISIT_DATABASE_URL": testDatabaseURL(t), "ZEROVISIT_PARTY_SANDBOX": "true", "ZEROVISIT_PARTY_SANDBOX_URL": sb.base,
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
		{"POST", "/_sandbox/wechat/face-check", `{"open_id":"o","name":"张三","id_number":"330106198503121231","outcome":"maybe"}`, 400, "invalid_face_check"},
		{"POST", "/_sandbox/wechat/face-check", `{"open_id":"","name":"张三","id_number":"330106198503121231","outcome":"passed"}`, 400, "invalid_face_check"},
		{"POST", "/_sandbox/alipay/certify", `{"certify_id":"nope","outcome":"passed"}`, 404, "unknown_certify_id"},
		{"POST", "/_sandbox/alipay/certify", `{"certify_id":"nope","outcome":"maybe"}`, 400, "invalid_outcome"},
		{"POST", "/_sandbox/sf/advance", `{"waybill":"SF0000","op_code":"50"}`, 404, "unknown_waybill"},
		{"POST", "/_sandbox/credit/blacklist", `{"subject_id":"","list":"x"}`, 400, "invalid_subject"},
		{"POST", "/_sandbox/credit/repair", `{"subject_id":"330106198503121230"}`, 400, "invalid_subject"},
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
	// A credit repair recorded through the hook is on the subject's standing.
	resp, err = http.Post(sb.base+"/_sandbox/credit/repair", "application/json", strings.NewReader(`{"subject_id":"330106198503121231"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"record_id":"CR`) || !strings.Contains(string(b), `"completed_at"`) {
		t.Errorf("repair = %d %s, want the repair record", resp.StatusCode, b)
	}
	if st := sb.parties.credit.Standing("330106198503121231"); st.Repair == nil {
		t.Errorf("standing after the repair hook = %+v, want the repair", st)
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
	if err := h.Pay(context.Background(), "T1"); err != nil || calls != 3 {
		t.Errorf("pay = %v after %d calls, want success on the third", err, calls)
	}
	calls = 0
	err := h.Advance(context.Background(), "SF1", "50")
	var refusal *hookRefusal
	if !errors.As(err, &refusal) || refusal.status != http.StatusNotFound || calls != 1 {
		t.Errorf("advance of an unknown waybill = %v after %d calls, want one 404", err, calls)
	}
}
