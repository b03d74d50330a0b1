package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
)

// TestProfilerOnlyOnItsLoopbackAddress: with ZEROVISIT_DEBUG_ADDR the
// profiler answers there and not on the API's port; a public address is
// refused at start.
func TestProfilerOnlyOnItsLoopbackAddress(t *testing.T) {
	port := freePorts(t, 1)[0]
	app := openTestApp(t, nil, map[string]string{"ZEROVISIT_DEBUG_ADDR": "127.0.0.1:" + port})
	resp, err := http.Get("http://127.0.0.1:" + port + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("profiler heap = %d, want 200", resp.StatusCode)
	}
	resp, err = http.Get("http://" + app.DisplayAddr() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the API port serves the profiler: %d", resp.StatusCode)
	}
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "10.0.0.1:6060", "127.0.0.1"} {
		_, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "x.db"), "ZEROVISIT_DEBUG_ADDR": addr}))
		if err == nil || !strings.Contains(err.Error(), "DEBUG_ADDR") {
			t.Errorf("DEBUG_ADDR %s: %v, want refused", addr, err)
		}
	}
}

// TestMetricsNotPublic: on the API's listener /metrics answers only with
// ZEROVISIT_METRICS_TOKEN as a bearer token (without one set, nobody), with
// the error shape otherwise; the debug listener, on loopback, serves it.
func TestMetricsNotPublic(t *testing.T) {
	const token = "metrics-token-for-tests-0123456789abcdef"
	get := func(url, authorization string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	refusedWith := func(what string, status int, body, code string) {
		t.Helper()
		var e apiErrorBody
		if err := json.Unmarshal([]byte(body), &e); status != http.StatusUnauthorized || err != nil || e.Error.Code != code || e.Error.Message == "" {
			t.Errorf("%s = %d %.200s, want 401 %s in the error shape", what, status, body, code)
		}
	}

	port := freePorts(t, 1)[0]
	app := openTestApp(t, nil, map[string]string{"ZEROVISIT_DEBUG_ADDR": "127.0.0.1:" + port, "ZEROVISIT_METRICS_TOKEN": token})
	api := "http://" + app.DisplayAddr() + "/metrics"
	st, body := get(api, "")
	refusedWith("/metrics without a token", st, body, "unauthorized")
	st, body = get(api, "Bearer not-the-metrics-token-0123456789abcdef")
	refusedWith("/metrics with a wrong token", st, body, "unauthorized")
	if st, body := get(api, "Bearer "+token); st != http.StatusOK || !strings.Contains(body, "zerovisit_http_requests_total") {
		t.Errorf("/metrics with the token = %d %.200s", st, body)
	}
	if st, body := get("http://127.0.0.1:"+port+"/metrics", ""); st != http.StatusOK || !strings.Contains(body, "zerovisit_outbox_entries") {
		t.Errorf("/metrics on the debug listener = %d %.200s", st, body)
	}

	open := openTestApp(t, nil, nil)
	st, body = get("http://"+open.DisplayAddr()+"/metrics", "")
	refusedWith("/metrics with no token configured", st, body, "metrics_disabled")
	if _, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL": "x.db", "ZEROVISIT_METRICS_TOKEN": "short"})); err == nil ||
		!strings.Contains(err.Error(), "METRICS_TOKEN") {
		t.Errorf("a short metrics token = %v, want refused", err)
	}
}

// TestOutboxRetention: the hourly sweep deletes delivered effects older
// than ZEROVISIT_WORKER_OUTBOX_RETENTION, never pending or dead ones, and
// keeps them all when it is 0.
func TestOutboxRetention(t *testing.T) {
	for _, tc := range []struct {
		retention string
		purges    bool
	}{{"1h", true}, {"0", false}} {
		app := openTestApp(t, mapHolders{testCitizen.ID: {ID: elicensesb.ZhangSanID, Name: "张三"}},
			map[string]string{"ZEROVISIT_WORKER_OUTBOX_RETENTION": tc.retention})
		submitCase(t, app, "ret-1", "scjgj-spjyxk", true)
		ctx := context.Background()
		// Settled: all delivered but the notification, which retries for
		// ever here (the test applicant has no mini-program account).
		eventually(t, 10*time.Second, "the case's effects settled", func() bool {
			counts, err := app.repo.OutboxCounts(ctx)
			pending, err2 := app.repo.List(ctx, workflow.OutboxPending, 0, 10)
			return err == nil && err2 == nil && counts[workflow.OutboxDone] > 0 && len(pending) == 1 &&
				pending[0].Kind == workflow.KindNotifyApplicant
		})
		if n := app.purgeOutbox(ctx, time.Now().Add(30*time.Minute)); n != 0 {
			t.Errorf("retention %s: %d entries delivered under 30 minutes before were purged", tc.retention, n)
		}
		before, _ := app.repo.OutboxCounts(ctx)
		n := app.purgeOutbox(ctx, time.Now().Add(2*time.Hour))
		after, _ := app.repo.OutboxCounts(ctx)
		switch {
		case tc.purges && (n == 0 || n != before[workflow.OutboxDone] || after[workflow.OutboxDone] != 0):
			t.Errorf("retention %s: purged %d of %d delivered entries two hours later (%d left)", tc.retention, n,
				before[workflow.OutboxDone], after[workflow.OutboxDone])
		case !tc.purges && n != 0:
			t.Errorf("retention 0 purged %d entries", n)
		}
		if after[workflow.OutboxDead] < before[workflow.OutboxDead] || after[workflow.OutboxPending]+after[workflow.OutboxDone]+after[workflow.OutboxDead] <
			before[workflow.OutboxPending]+before[workflow.OutboxDead] {
			t.Errorf("retention %s: pending or dead entries went: %v → %v", tc.retention, before, after)
		}
	}
	if _, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL": "x.db", "ZEROVISIT_WORKER_OUTBOX_RETENTION": "5m"})); err == nil ||
		!strings.Contains(err.Error(), "OUTBOX_RETENTION") {
		t.Errorf("a 5-minute retention = %v, want refused", err)
	}
}

// TestPostgresNeedsAnExplicitSandboxSetting: with a PostgreSQL database the
// server does not start on the sandboxes by default, a production deploy
// that forgot ZEROVISIT_PARTY_SANDBOX would talk to fake parties; the
// refusal names the setting. Given either way, it goes on (here to a
// database that is not there). The embedded default keeps the sandboxes on.
func TestPostgresNeedsAnExplicitSandboxSetting(t *testing.T) {
	pg := map[string]string{
		"ZEROVISIT_ADDR":          "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL":  "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1",
		"ZEROVISIT_TOKEN_SECRET":  strings.Repeat("t", 32),
		"ZEROVISIT_PII_KEY":       strings.Repeat("a", 32),
		"ZEROVISIT_PII_INDEX_KEY": strings.Repeat("b", 32),
		"ZEROVISIT_LOG_LEVEL":     "error",
	}
	err := run(context.Background(), []string{"serve"}, envOf(pg), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZEROVISIT_PARTY_SANDBOX") {
		t.Errorf("serve on PostgreSQL without ZEROVISIT_PARTY_SANDBOX = %v, want a refusal naming it", err)
	}
	pg["ZEROVISIT_PARTY_SANDBOX"] = "true"
	err = run(context.Background(), []string{"serve"}, envOf(pg), io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "ZEROVISIT_PARTY_SANDBOX") {
		t.Errorf("serve on PostgreSQL with ZEROVISIT_PARTY_SANDBOX=true = %v, want the missing database", err)
	}

	cfg, err := configs.Load(envOf(map[string]string{"ZEROVISIT_ADDR": "127.0.0.1:0", "ZEROVISIT_LOG_LEVEL": "error",
		"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db")}))
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(cfg, discardLogger())
	defer app.Close()
	if err := app.Open(context.Background()); err != nil || app.parties.sandboxes == nil {
		t.Errorf("the embedded default with no sandbox setting: %v, sandboxes %v; want it serving on the sandboxes", err, app.parties.sandboxes != nil)
	}
}
