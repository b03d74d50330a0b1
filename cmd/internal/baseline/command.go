package baseline

import "zerovisit/cmd/internal/cli"

// Command is `zerovisit baseline`.
func Command() cli.Command {
	return cli.Command{Name: "baseline", Usage: "baseline [--addr 127.0.0.1:8090]",
		Summary: "serve a bare gin+gorm one-row insert on PostgreSQL, the yardstick the performance figures are quoted against",
		Description: "It uses the product's pool size and none of its work (no authentication, events, outbox or idempotency rows).\n" +
			"`zerovisit load --mode baseline` drives it.",
		Example:  "ZEROVISIT_DATABASE_URL=postgres://postgres@127.0.0.1/zv zerovisit baseline --addr 127.0.0.1:8090",
		FlagArgs: []string{"-h"}, Run: runBaseline}
}
