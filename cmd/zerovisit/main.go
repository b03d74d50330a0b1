// Command zerovisit is the one binary of the service: it serves the API and
// console, migrates the schema, and carries the operator's tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "zerovisit:", err)
		os.Exit(1)
	}
}

const usage = `zerovisit — 零上门政务服务后端

Usage:
  zerovisit [serve]        run the HTTP service and background workers (default)
  zerovisit migrate        apply pending schema migrations and exit
  zerovisit audit verify   walk every case's hash chain; name the first broken link
  zerovisit backup [--out FILE]
                           consistent online backup of the embedded SQLite store
  zerovisit reconcile province [--dry-run]
                           re-send to the provincial platform what it lacks
  zerovisit courier add --name NAME --phone PHONE [--company C]
                           add a courier account; prints its one-time password
  zerovisit courier disable|enable --phone PHONE
                           stop or restore a courier account
  zerovisit staff add --username U --name N --roles administrator [--department D] [--password-file F]
                           add a staff account (the first administrator); prints a generated password
  zerovisit demo [--addr URL] [--write-catalogue FILE]
                           play the zero-visit story (three applicants) over HTTP against a
                           server started in this process with the sandboxes, or against one
                           using the shared sandboxes (ZEROVISIT_PARTY_SANDBOX_URL)
  zerovisit sandboxes [--addr 127.0.0.1:9100] --callbacks URL[,URL...]
                           serve every external party's sandbox for several replicas to share
  zerovisit load [--addr URL[,URL...]] [--stories N] [--concurrency C] [--mode stories|write|baseline]
                           the load generator: N stories with latencies, errors and a correctness check
  zerovisit baseline [--addr 127.0.0.1:8090]
                           a bare gin+gorm one-row insert on PostgreSQL, to measure against
  zerovisit seed --cases N [--months 12] [--seed S] [--append]
                           fill the database with a generated history (scale tests)
  zerovisit version        print the version
  zerovisit probe URL      exit 0 if URL answers 200 (the container health check)

Configuration comes from ZEROVISIT_* environment variables; see README.md.
`

// run is main without the process: it takes its arguments, environment and
// output streams explicitly so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, getenv, stdout, stderr)
	case "reconcile":
		return runReconcile(ctx, args, getenv, stdout, stderr)
	case "courier":
		return runCourier(ctx, args, getenv, stdout, stderr)
	case "staff":
		return runStaff(ctx, args, getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, args, getenv, stdout, stderr)
	case "probe":
		return runProbe(ctx, args, stdout)
	case "seed":
		return runSeed(ctx, args, getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, getenv, stdout, stderr)
	case "sandboxes":
		return runSandboxes(ctx, args, getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, args, getenv, stdout, stderr)
	case "baseline":
		return runBaseline(ctx, args, getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "zerovisit", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
