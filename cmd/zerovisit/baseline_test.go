package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"zerovisit/models/dbtest"
)

// TestBaseline: the yardstick is measured on PostgreSQL only; there it
// inserts one row per call and refuses a malformed body, and `load --mode
// baseline` drives it.
func TestBaseline(t *testing.T) {
	err := run(context.Background(), []string{"baseline"}, envOf(map[string]string{"ZEROVISIT_DATABASE_URL": "x.db"}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Errorf("baseline on SQLite = %v, want refused", err)
	}
	if os.Getenv(dbtest.EnvDatabaseURL) == "" && os.Getenv("CI") != "true" {
		t.Skip("the baseline's inserts need TEST_DATABASE_URL") // in CI, PostgresURL fails instead
	}
	env := envOf(map[string]string{"ZEROVISIT_DATABASE_URL": dbtest.PostgresURL(t)})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"baseline", "--addr", addr}, env, io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("baseline: %v", err)
		}
	}()
	post := func(body string) int {
		resp, err := http.Post("http://"+addr+"/baseline/rows", "application/json", strings.NewReader(body))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	eventually(t, 10*time.Second, "the baseline serving", func() bool { return post(`{"ref":"probe"}`) == http.StatusCreated })
	for body, want := range map[string]int{`{"ref":"r1","payload":"x"}`: 201, `{"payload":"x"}`: 400, `not json`: 400,
		`{"ref":"` + strings.Repeat("r", 65) + `"}`: 400, `{"ref":"big","payload":"` + strings.Repeat("x", 20<<10) + `"}`: 400} {
		if got := post(body); got != want {
			t.Errorf("POST %.40s = %d, want %d", body, got, want)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"load", "--mode", "baseline", "--addr", "http://" + addr, "--stories", "200", "--concurrency", "4"},
		env, &out, io.Discard); err != nil {
		t.Fatalf("load --mode baseline: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "baseline: 200 inserts in") {
		t.Errorf("load --mode baseline printed %q", out.String())
	}
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
