package app_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/cli"
	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/cmd/internal/drive"
)

// runDrive runs `zerovisit demo` or `zerovisit load` as a person would.
func runDrive(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return cli.Dispatch(ctx, "zerovisit", drive.Commands(), cli.Env{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr, Version: "test"})
}

var demoOutcome = regexp.MustCompile(`(?m)^  ([✓✗]) (\S+ \S+?)：.*办件 ((?:ZV|[0-9A-Z]{31})\d+)\s+最终状态 final state: (\w+)`)

// TestLoadOverReplicasSharingSandboxes runs the load generator's stories
// over two replicas that share one database and one sandbox process (the
// parties, WeChat and the courier company reached over HTTP by their
// manifest), and finds its correctness check clean: every case ended as
// it should and every side effect reached the sandboxes once.
func TestLoadOverReplicasSharingSandboxes(t *testing.T) {
	rs := app.StartReplicas(t, 2)
	var out bytes.Buffer
	args := []string{"load", "--addr", strings.Join(rs.Targets, ","), "--stories", "10", "--concurrency", "3"}
	if err := runDrive(context.Background(), args, cmdtest.EnvOf(rs.Env), &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"10 of 10 (closed 9, revoked 1)", "✓ clean", "POST /api/v1/staff/cases/:id/claim", "p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	effects := rs.Effects()
	issued := 0
	for _, e := range effects {
		issued += e.Licences
	}
	if issued != 10 {
		t.Errorf("the shared e-license sandbox issued %d licences, want 10 (one per case)", issued)
	}
	if n := rs.PaymentNotifications(); n < 10 {
		t.Errorf("the shared WeChat sandbox sent %d payment notifications, want at least 10", n)
	}
}

// TestDemoAgainstReplicas: `zerovisit demo --addr` plays the four stories
// against a server that uses the shared sandboxes, given the same settings.
func TestDemoAgainstReplicas(t *testing.T) {
	rs := app.StartReplicas(t, 1)
	targets, env := rs.Targets, rs.Env
	var out, errs bytes.Buffer
	if err := runDrive(context.Background(), []string{"demo", "--addr", targets[0]}, cmdtest.EnvOf(env), &out, &errs); err != nil {
		t.Fatalf("demo --addr: %v\n%s\n%s", err, out.String(), errs.String())
	}
	if got := len(demoOutcome.FindAllStringSubmatch(out.String(), -1)); got != 4 || strings.Contains(out.String(), "✗") {
		t.Errorf("demo against the replica: %d outcome lines, want 4 all passed:\n%s", got, out.String())
	}
	delete(env, "ZEROVISIT_DATABASE_URL")
	err := runDrive(context.Background(), []string{"demo", "--addr", targets[0]}, cmdtest.EnvOf(env), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZEROVISIT_DATABASE_URL") {
		t.Errorf("demo --addr without the database setting = %v, want a message naming it", err)
	}
}

// TestRoundTripBudget plays the demo's stories through the real API on
// PostgreSQL and Redis and holds the busiest state-changing endpoints to
// the round-trip budget (budget_test.go).
func TestRoundTripBudget(t *testing.T) { app.RoundTripBudget(t, drive.Play) }

// TestReconcileProvinceCommand runs `zerovisit reconcile province` as an
// operator would, against a replica's database and the shared sandboxes,
// after the demo: it checks every case's status and the rows of every
// record kind, and finds them all on the platform.
func TestReconcileProvinceCommand(t *testing.T) {
	rs := app.StartReplicas(t, 1)
	env := rs.Env
	if err := runDrive(context.Background(), []string{"demo", "--addr", rs.Targets[0]}, cmdtest.EnvOf(env), io.Discard, io.Discard); err != nil {
		t.Fatalf("demo: %v", err)
	}
	reconcile := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		err := cli.Dispatch(context.Background(), "zerovisit", app.Commands(),
			cli.Env{Args: append([]string{"reconcile", "province"}, args...), Getenv: cmdtest.EnvOf(env), Stdout: &out, Stderr: &errs, Version: "test"})
		if err != nil {
			t.Fatalf("reconcile province: %v\n%s\n%s", err, out.String(), errs.String())
		}
		return out.String()
	}
	// The outbox may still be delivering the last reports: a pass re-sends
	// what has not arrived, and the next pass finds nothing.
	reconcile()
	out := reconcile("--dry-run")
	for _, want := range []string{"checked 4, missing 0, stale 0", "up_pro_accept: rows 4, missing 0, stale 0",
		"up_pro_process: rows", "up_pro_result: rows 4, missing 0, stale 0", "up_pro_material: rows", "cases whose rows were resent 0, failed 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("reconcile output lacks %q:\n%s", want, out)
		}
	}
}
