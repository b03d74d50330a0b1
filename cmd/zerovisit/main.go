// Command zerovisit is the one binary of the service: it serves the API and
// console, migrates the schema, and carries the operator's tools. It only
// dispatches: each command lives in a package of its own under cmd/internal.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/baseline"
	"zerovisit/cmd/internal/cli"
	"zerovisit/cmd/internal/drive"
	"zerovisit/cmd/internal/seed"
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

// run is main without the process: it takes its arguments, environment and
// output streams explicitly so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return cli.Dispatch(ctx, "zerovisit — 零上门政务服务后端", commands(),
		cli.Env{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr, Version: version})
}

// commands are every subcommand of the binary, in the order help lists them.
func commands() []cli.Command {
	cmds := append(app.Commands(), drive.Commands()...)
	return append(append(cmds, app.SupportCommands()...), seed.Command(), baseline.Command())
}
