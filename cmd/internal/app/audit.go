package app

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/models"
)

// errAuditBroken is returned when the history has been altered; the
// command's exit status says so to scripts.
var errAuditBroken = errors.New("audit trail is broken")

// runAudit walks every case's SM3 hash chain and names the first broken link.
func runAudit(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: zerovisit audit verify")
	}
	fs := cli.NewFlags("audit verify", env)
	quiet := fs.Bool("quiet", false, "print only the result")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	progress := func(n int) {
		if !*quiet {
			fmt.Fprintf(stderr, "\rverified %d events", n)
		}
	}
	report, err := models.VerifyAudit(ctx, db, progress)
	if !*quiet {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("verify audit trail: %w", err)
	}
	if report.OK() {
		fmt.Fprintf(stdout, "audit trail intact: %d cases, %d events\n", report.Cases, report.Events)
		return nil
	}
	fmt.Fprintf(stdout, "audit trail BROKEN: %d cases, %d events checked\n", report.Cases, report.Events)
	fmt.Fprintf(stdout, "first broken link: %s\n", report.Problems[0])
	for _, p := range report.Problems[1:] {
		fmt.Fprintf(stdout, "also: %s\n", p)
	}
	if report.Truncated {
		fmt.Fprintln(stdout, "(more problems not listed)")
	}
	return errAuditBroken
}
