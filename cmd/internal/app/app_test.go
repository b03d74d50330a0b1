package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/cmd/internal/cli"
	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/workflowtest"
)

// syncBuffer is an io.Writer safe to read while run writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var envOf = cmdtest.EnvOf

var servingLine = regexp.MustCompile(`serving on (http://[0-9.:]+)`)

// startServe runs `zerovisit serve` as main would, and returns its base URL
// and a stop function that sends the shutdown and returns run's error.
func startServe(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), out, io.Discard) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited before serving: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestServeEmbeddedDefaultKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"ZEROVISIT_ADDR":         "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL": filepath.Join(dir, "data", "zerovisit.db"),
		"ZEROVISIT_LOG_LEVEL":    "warn",
	}
	base, out, stop := startServe(t, env)
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz = %d", code)
	}
	code, body := get(t, base+"/readyz")
	if code != http.StatusOK {
		t.Fatalf("/readyz = %d %v", code, body)
	}
	if !strings.Contains(out.String(), "database: sqlite") || !strings.Contains(out.String(), "redis: in-process") {
		t.Errorf("start-up line does not say what it runs on:\n%s", out)
	}
	code, body = get(t, base+"/no/such/route")
	if errBody, _ := body["error"].(map[string]any); code != http.StatusNotFound || errBody["code"] != "route_not_found" {
		t.Errorf("unknown route = %d %v, want 404 route_not_found", code, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v on shutdown", err)
	}

	// Restart on the same file: the schema is there, nothing is migrated again.
	db, err := models.Open(context.Background(), env["ZEROVISIT_DATABASE_URL"], models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	status, err := db.MigrationStatus(context.Background())
	db.Close()
	if err != nil || len(status) == 0 || !status[0].Applied {
		t.Fatalf("migration status after first run = %+v, %v", status, err)
	}
	base, out, stop = startServe(t, env)
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz after restart = %d", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "migration applied") {
		t.Errorf("second start applied migrations again:\n%s", out)
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"ZEROVISIT_HTTP_READ_TIMEOUT": "soon"}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZEROVISIT_HTTP_READ_TIMEOUT") {
		t.Fatalf("err = %v, want it to name ZEROVISIT_HTTP_READ_TIMEOUT", err)
	}
}

func TestServeRefusesTakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(context.Background(), []string{"serve"}, envOf(map[string]string{
		"ZEROVISIT_ADDR":         ln.Addr().String(),
		"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db"),
	}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("err = %v, want a listen error", err)
	}
}

func TestMigrateAndServeOnPostgresAndRedis(t *testing.T) {
	dbURL := dbtest.PostgresURL(t)
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_REDIS_URL must be set in CI")
		}
		t.Skip("TEST_REDIS_URL is not set")
	}
	env := map[string]string{"ZEROVISIT_DATABASE_URL": dbURL, "ZEROVISIT_REDIS_URL": redisURL, "ZEROVISIT_ADDR": "127.0.0.1:0", "ZEROVISIT_LOG_LEVEL": "warn",
		"ZEROVISIT_PARTY_SANDBOX": "true"}
	err := run(context.Background(), []string{"serve"}, envOf(env), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZEROVISIT_PII_KEY") {
		t.Fatalf("serve on PostgreSQL without keys: err = %v, want it to ask for ZEROVISIT_PII_KEY", err)
	}
	for k, v := range testKeys {
		env[k] = v
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, envOf(env), &out, io.Discard); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.Contains(out.String(), "applied 00001") {
		t.Errorf("migrate output %q does not list the applied migration", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, envOf(env), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), "schema is up to date"; got != want {
		t.Errorf("second migrate said %q, want %q", got, want)
	}

	env["ZEROVISIT_MIGRATE_ON_START"] = "false"
	base, startOut, stop := startServe(t, env)
	defer stop()
	if !strings.Contains(startOut.String(), "database: postgres") || !strings.Contains(startOut.String(), "redis: redis") {
		t.Errorf("start-up line: %s", startOut)
	}
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz on PostgreSQL and Redis = %d %v", code, body)
	}
}

// redisServer is a redis-server of the test's own, so the test can stop
// and restart it without disturbing the shared one.
type redisServer struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, port int) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server must be installed in CI")
		}
		t.Skip("redis-server is not installed")
	}
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &redisServer{t: t, port: port, cmd: cmd}
	t.Cleanup(r.stop)
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("redis-server did not start")
	}
	return r
}

func (r *redisServer) stop() {
	if r.cmd.Process != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

func waitForStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		code, body := get(t, url)
		if code == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s stayed %d %v, want %d within %v", url, code, body, want, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReadyzFollowsRedis stops Redis under a running server: readiness
// turns 503 within seconds and returns to 200 when Redis is back, without
// a restart.
func TestReadyzFollowsRedis(t *testing.T) {
	rs := startRedis(t, 0)
	base, _, stop := startServe(t, map[string]string{
		"ZEROVISIT_ADDR":         "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db"),
		"ZEROVISIT_REDIS_URL":    fmt.Sprintf("redis://127.0.0.1:%d/0", rs.port),
		"ZEROVISIT_LOG_LEVEL":    "error",
	})
	defer stop()
	waitForStatus(t, base+"/readyz", http.StatusOK, 5*time.Second)

	rs.stop()
	waitForStatus(t, base+"/readyz", http.StatusServiceUnavailable, 5*time.Second)
	_, body := get(t, base+"/readyz")
	if checks, _ := body["checks"].(map[string]any); checks["redis"] != "down" || checks["database"] != "ok" {
		t.Errorf("readyz checks = %v, want redis down and database ok", body["checks"])
	}
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d while Redis is down, want 200 (liveness does not depend on Redis)", code)
	}

	startRedis(t, rs.port)
	waitForStatus(t, base+"/readyz", http.StatusOK, 10*time.Second)
}

// TestAuditVerifyNamesTamperedEvent alters one stored event and expects
// `zerovisit audit verify` to fail and name it.
func TestAuditVerifyNamesTamperedEvent(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "zv.db")
	env := map[string]string{"ZEROVISIT_DATABASE_URL": dbPath}
	cfg, err := configs.Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Workers.Enabled = false
	app := NewApp(cfg, discardLogger())
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-1"}
	for _, id := range []string{"case-a", "case-b"} {
		if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV-" + id, ItemCode: "gaj-hjzmkj", ApplicantID: "u-1", Channel: workflow.ChannelWeChat, Actor: citizen}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := app.svc.Do(ctx, id, workflow.Withdraw{Meta: workflow.Meta{Actor: citizen}, Reason: "不再需要"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "verify", "--quiet"}, envOf(env), &out, io.Discard); err != nil {
		t.Fatalf("audit verify on an untouched store: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "intact: 2 cases, 4 events") {
		t.Errorf("audit output = %q", out.String())
	}

	db, err := models.Open(ctx, dbPath, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm().Exec(`UPDATE case_events SET reason = ? WHERE case_id = ? AND seq = 2`, "篡改", "case-b").Error; err != nil {
		t.Fatal(err)
	}
	db.Close()

	out.Reset()
	err = run(ctx, []string{"audit", "verify", "--quiet"}, envOf(env), &out, io.Discard)
	if !errors.Is(err, errAuditBroken) {
		t.Fatalf("audit verify after tampering: err = %v, want errAuditBroken\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "first broken link: case case-b seq 2") {
		t.Errorf("audit output does not name the altered event:\n%s", out.String())
	}
}

// TestDeadEffectsVisibleAndRedriven runs the real dispatcher with no
// integration configured: the effects are parked as dead, show in the
// operator API and metrics, and a redrive makes them pending again.
func TestDeadEffectsVisibleAndRedriven(t *testing.T) {
	const token = "admin-token-for-tests-0123456789abcdef"
	env := map[string]string{
		"ZEROVISIT_ADDR":                       "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL":               filepath.Join(t.TempDir(), "zv.db"),
		"ZEROVISIT_ADMIN_TOKEN":                token,
		"ZEROVISIT_METRICS_TOKEN":              token,
		"ZEROVISIT_WORKER_OUTBOX_INTERVAL":     "20ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS": "1",
		"ZEROVISIT_LOG_LEVEL":                  "error",
	}
	cfg, err := configs.Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(cfg, discardLogger())
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	base := "http://" + app.Addr()
	ctx := context.Background()
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-9"}
	if _, err := app.svc.Create(ctx, workflow.Draft{ID: "case-x", Number: "ZV-X", ItemCode: "gaj-hjzmkj", ApplicantID: "u-9", Channel: workflow.ChannelAlipay, Actor: citizen}, nil); err != nil {
		t.Fatal(err)
	}
	it, err := app.svc.Engine().Catalogue().Lookup("gaj-hjzmkj")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.svc.Do(ctx, "case-x", workflowtest.Submit(it, citizen, false, time.Now()), nil); err != nil {
		t.Fatal(err)
	}

	authGet := func(path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	var page struct {
		Items []struct {
			ID        int64  `json:"id"`
			CaseID    string `json:"case_id"`
			LastError string `json:"last_error"`
		} `json:"items"`
	}
	deadline := time.Now().Add(10 * time.Second)
	notifyDead := func() bool {
		for _, e := range page.Items {
			if e.CaseID == "case-x" && strings.Contains(e.LastError, "no integration configured") {
				return true
			}
		}
		return false
	}
	for !notifyDead() {
		if time.Now().After(deadline) {
			t.Fatal("no dead outbox entry appeared")
		}
		time.Sleep(50 * time.Millisecond)
		code, b := authGet("/api/v1/admin/outbox?state=dead")
		if code != http.StatusOK {
			t.Fatalf("list dead = %d %s", code, b)
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
	}
	// The notification has no channel configured (the provincial rows,
	// whose applicant the directory does not know, may be dead beside it).
	if code, b := authGet("/metrics"); code != http.StatusOK || !strings.Contains(string(b), `zerovisit_outbox_entries{state="dead"}`) ||
		!strings.Contains(string(b), `zerovisit_outbox_attempts_total{kind="notify_applicant",outcome="dead"}`) {
		t.Errorf("metrics lack the outbox series:\n%s", b)
	}

	body := fmt.Sprintf(`{"ids":[%d]}`, page.Items[0].ID)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/admin/outbox/redrive", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), fmt.Sprintf(`"redriven":[%d]`, page.Items[0].ID)) {
		t.Fatalf("redrive = %d %s", resp.StatusCode, b)
	}

	code, b := authGet("/api/v1/admin/cases/case-x/events")
	if code != http.StatusOK || !strings.Contains(string(b), `"to":"submitted"`) {
		t.Errorf("case history = %d %s", code, b)
	}
	if code, _ := authGet("/api/v1/admin/cases/nope"); code != http.StatusNotFound {
		t.Errorf("unknown case = %d, want 404", code)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testKeys are the keys a test gives a server on PostgreSQL, where they are
// never generated.
var testKeys = map[string]string{
	"ZEROVISIT_TOKEN_SECRET":  "test-token-secret-0123456789abcdef0123456789",
	"ZEROVISIT_PII_KEY":       "00112233445566778899aabbccddeeff",
	"ZEROVISIT_PII_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
	"ZEROVISIT_AUDIT_KEY":     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
}

// TestMain runs the package's tests from a scratch folder.
func TestMain(m *testing.M) { cmdtest.RunInScratchDir(m) }

// run dispatches the app's own commands as the binary would.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return cli.Dispatch(ctx, "zerovisit", append(Commands(), SupportCommands()...), cli.Env{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr, Version: "test"})
}

// TestAuditVerifyCatchesRowEditsAndDeletions tampers as someone with write
// access to the database but without the audit key would, and expects
// `zerovisit audit verify` to fail: a case's status changed on its row,
// and a case deleted with its events after a checkpoint witnessed it.
func TestAuditVerifyCatchesRowEditsAndDeletions(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "zv.db")
	env := map[string]string{"ZEROVISIT_DATABASE_URL": dbPath}
	cfg, err := configs.Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Workers.Enabled = false
	app := NewApp(cfg, discardLogger())
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-1"}
	for _, id := range []string{"case-a", "case-b"} {
		if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV-" + id, ItemCode: "gaj-hjzmkj", ApplicantID: "u-1", Channel: workflow.ChannelWeChat, Actor: citizen}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_ = run(ctx, []string{"audit", "checkpoint"}, envOf(env), &out, io.Discard)
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--quiet"}, envOf(env), &out, io.Discard); err != nil {
		t.Fatalf("audit verify on an untouched store: %v\n%s", err, out.String())
	}
	// A checkpoint the service log recorded, newer than the store's newest: a rollback.
	out.Reset()
	err = run(ctx, []string{"audit", "verify", "--quiet", "--checkpoint", "2"}, envOf(env), &out, io.Discard)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out.String(), "checkpoint 2 was recorded") {
		t.Errorf("audit verify --checkpoint 2 after one checkpoint = %v, want errAuditBroken naming the rollback\n%s", err, out.String())
	}
	// The checkpoint recorded with its MAC: the store's is that one, or it
	// was removed and written again.
	var cp1 string
	if db, err := models.Open(ctx, dbPath, models.Options{}); err != nil {
		t.Fatal(err)
	} else {
		err = db.Gorm().Raw(`SELECT mac FROM audit_checkpoints WHERE seq = 1`).Row().Scan(&cp1)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--quiet", "--checkpoint", "1:" + cp1}, envOf(env), &out, io.Discard); err != nil {
		t.Errorf("audit verify --checkpoint 1:MAC of the store's checkpoint = %v\n%s", err, out.String())
	}
	out.Reset()
	err = run(ctx, []string{"audit", "verify", "--quiet", "--checkpoint", "1:" + strings.Repeat("0", 64)}, envOf(env), &out, io.Discard)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out.String(), "written again") {
		t.Errorf("audit verify --checkpoint 1:another MAC = %v, want errAuditBroken\n%s", err, out.String())
	}
	if err := run(ctx, []string{"audit", "verify", "--checkpoint", "1:short"}, envOf(env), io.Discard, io.Discard); err == nil || errors.Is(err, errAuditBroken) {
		t.Errorf("audit verify --checkpoint 1:short = %v, want a usage error", err)
	}
	tamper := func(sql string) {
		t.Helper()
		db, err := models.Open(ctx, dbPath, models.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Gorm().Exec(sql).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, sql, want string }{
		{"ChangedStatus", `UPDATE cases SET status = 'approved' WHERE id = 'case-b'`, "case case-b seq 0: case_mismatch"},
		{"DeletedCase", `DELETE FROM case_events WHERE case_id = 'case-a'; DELETE FROM cases WHERE id = 'case-a'`, "case case-a seq 1: deleted_case"},
	} {
		tamper(tc.sql)
		out.Reset()
		err := run(ctx, []string{"audit", "verify", "--quiet"}, envOf(env), &out, io.Discard)
		if !errors.Is(err, errAuditBroken) || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: audit verify = %v, want errAuditBroken naming %q\n%s", tc.name, err, tc.want, out.String())
		}
	}
}
