// Package drive plays the product through its API as its users would: the
// demo's four stories (`zerovisit demo`) and the load generator that runs
// them, or their parts, many at a time (`zerovisit load`). What no user can
// do over the API (a WeChat login code, a payment, a parcel moving, an
// operator opening accounts) it asks of the server's hooks, app.Hooks.
package drive

import "zerovisit/cmd/internal/cli"

// Commands are `zerovisit demo` and `zerovisit load`.
func Commands() []cli.Command {
	return []cli.Command{
		{Name: "demo", Usage: "demo [--addr URL] [--write-catalogue FILE]",
			Summary: "play the zero-visit story over real HTTP: three applicants, a clerk and a courier",
			Description: "Without --addr it starts a server in this process (temporary SQLite, sandboxes, fast workers). With --addr it plays\n" +
				"against servers started with ZEROVISIT_PARTY_SANDBOX_URL, given their settings. Exits 1 if any story ends otherwise.",
			Example: "zerovisit demo", FlagArgs: []string{"-h"}, Run: runDemo},
		{Name: "load", Usage: "load [--addr URL[,URL...]] [--stories N] [--concurrency C] [--mode stories|write|baseline]",
			Summary: "the load generator: N demo stories at C at a time, with latencies, errors and a correctness check",
			Description: "Every claim is raced by a second clerk. Ends with a check of each case's final state and of every side effect,\n" +
				"and exits 1 if it is not clean.",
			Example: "zerovisit load --stories 200 --concurrency 16", FlagArgs: []string{"-h"}, Run: runLoad},
	}
}
