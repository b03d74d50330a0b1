package drive

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/cli"
	"zerovisit/configs"
)

// TestDemoLeavesAnIntactAuditTrail plays the four stories (citizens,
// clerks' claims and decisions, couriers, timers) and runs `zerovisit
// audit verify` on what they left: every history replays to its case, and
// the server's checkpoints witness it.
func TestDemoLeavesAnIntactAuditTrail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	getenv := demoTestEnv(t)
	srv, err := app.StartDemoServer(ctx, dir, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{out: io.Discard, hc: http.DefaultClient, base: "http://" + srv.DisplayAddr(), hooks: srv.Hooks(), cal: cal, people: demoPeople()}
	if err := d.play(ctx); err != nil {
		t.Fatal(err)
	}
	_ = srv.Close() // the sandboxes may be slow to stop; the store is closed either way
	env := func(k string) string {
		if v := getenv(k); v != "" || k != "ZEROVISIT_DATABASE_URL" {
			return v
		}
		return filepath.Join(dir, "zerovisit.db")
	}
	auditCmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := cli.Dispatch(ctx, "zerovisit", app.Commands(), cli.Env{Args: append([]string{"audit"}, args...), Getenv: env,
			Stdout: &out, Stderr: io.Discard, Version: "test"})
		return out.String(), err
	}
	if out, err := auditCmd("checkpoint"); err != nil {
		t.Fatalf("audit checkpoint: %v\n%s", err, out)
	}
	out, err := auditCmd("verify", "--quiet")
	if err != nil || !strings.Contains(out, "audit trail intact: 4 cases") || strings.Contains(out, "newer than the newest checkpoint") {
		t.Fatalf("audit verify after the demo: %v\n%s", err, out)
	}
	t.Log(out)
	if strings.Contains(out, " 0 staff log entries") {
		t.Errorf("the clerks' claims left no staff log:\n%s", out)
	}
}
