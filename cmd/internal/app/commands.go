package app

import "zerovisit/cmd/internal/cli"

// Commands are the service's own subcommands: serve it, migrate it, and the
// operator's tools that work on its stores.
func Commands() []cli.Command {
	return []cli.Command{
		{Name: "serve", Usage: "serve [--no-migrate]", Summary: "run the HTTP service and the background workers (the default)",
			Description: "Serves the API, the console and the courier page, and runs the outbox, timers and courier sweep.\n" +
				"With no settings it keeps its data under ./data (SQLite) and plays every external party as a sandbox.",
			Example: "ZEROVISIT_ADDR=:8080 zerovisit serve", FlagArgs: []string{"-h"}, Run: runServe},
		{Name: "migrate", Usage: "migrate", Summary: "apply pending schema migrations and exit (once per release)",
			Example: "ZEROVISIT_DATABASE_URL=postgres://zerovisit@db/zerovisit zerovisit migrate", Run: runMigrate},
		{Name: "audit", Usage: "audit verify [--quiet] [--checkpoint SEQ] | audit checkpoint | audit rechain", Summary: "verify the keyed audit trail and name the first broken link, or write a checkpoint of it",
			Description: "verify walks every case's HMAC-SM3 event chain and staff log chain, replays each history against its case row, and checks them against the checkpoints' witnesses; it exits 1 when anything is broken, so a scheduled check can alert on it. checkpoint witnesses every chain head now, as the server does every ZEROVISIT_AUDIT_CHECKPOINT_INTERVAL. rechain re-keys, once and with the servers stopped, the chains written before the audit key, refusing any a keyed server could not have seen. All need the server's ZEROVISIT_AUDIT_KEY.",
			Example:     "zerovisit audit verify --quiet", FlagArgs: []string{"verify", "-h"}, Run: runAudit},
		{Name: "backup", Usage: "backup [--out FILE]", Summary: "take a consistent online backup of the embedded SQLite store",
			Description: "Checks the copy's integrity and audit trail before calling it good. PostgreSQL is backed up with its own tools (docs/deploy.md).",
			Example:     "zerovisit backup --out /var/backups/zerovisit.db", FlagArgs: []string{"-h"}, Run: runBackup},
		{Name: "reconcile", Usage: "reconcile province [--dry-run]", Summary: "re-send to the provincial platform what it lacks or holds at an older version",
			Example: "zerovisit reconcile province --dry-run", FlagArgs: []string{"province", "-h"}, Run: runReconcile},
		{Name: "courier", Usage: "courier add --name N --phone P [--company C] [--provider sf|kuaidi100] | courier disable|enable --phone P",
			Summary:     "add a courier account (printing its one-time password), or stop or restore one",
			Description: "Disabling an account revokes its tokens at once. With a provider, the courier sees and takes only that provider's legs.",
			Example:     "zerovisit courier add --name 赵师傅 --phone 13900003333 --company 顺丰速运 --provider sf",
			FlagArgs:    []string{"add", "-h"}, Run: runCourier},
		{Name: "staff", Usage: "staff add --username U --name N --roles R[,R] [--department D] [--password-file F]",
			Summary:     "open a staff account: the first administrator, who opens the others in the console",
			Description: "The password comes from a file, or is generated and printed once.",
			Example:     "zerovisit staff add --username admin --name 王管理员 --roles administrator",
			FlagArgs:    []string{"add", "-h"}, Run: runStaff},
	}
}

// SupportCommands are the tools beside the service: the shared sandbox
// process and the container health check.
func SupportCommands() []cli.Command {
	return []cli.Command{
		{Name: "sandboxes", Usage: "sandboxes [--addr 127.0.0.1:9100] --callbacks URL[,URL...]",
			Summary:     "serve every external party's sandbox from one process, for several replicas to share",
			Description: "A manifest of every URL and credential is at /_sandbox/manifest, the hooks under /_sandbox/. Loopback only.",
			Example:     "zerovisit sandboxes --addr 127.0.0.1:9100 --callbacks http://127.0.0.1:8081,http://127.0.0.1:8082",
			FlagArgs:    []string{"-h"}, Run: runSandboxes},
		{Name: "probe", Usage: "probe URL", Summary: "exit 0 if URL answers 200 (the container health check)",
			Example: "zerovisit probe http://127.0.0.1:8080/healthz", Run: runProbe},
	}
}
