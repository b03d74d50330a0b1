package seed

import "zerovisit/cmd/internal/cli"

// Command is `zerovisit seed`.
func Command() cli.Command {
	return cli.Command{Name: "seed", Usage: "seed --cases N [--months 12] [--seed S] [--append]",
		Summary: "fill the configured database with a generated history, for scale tests",
		Description: "Every case is driven through the real workflow engine and written in bulk with its hash-chained events,\n" +
			"so `zerovisit audit verify` stays clean. Refuses a database that already holds cases unless --append.",
		Example:  "ZEROVISIT_DATABASE_URL=postgres://postgres@127.0.0.1/zv_scale zerovisit seed --cases 1000000",
		FlagArgs: []string{"-h"}, Run: runSeed}
}
