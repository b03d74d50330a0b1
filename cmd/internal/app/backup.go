package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/models"
)

// runBackup takes a consistent online backup of the embedded SQLite store
// while the server keeps serving, and checks the copy's integrity and audit
// trail before saying it is good.
func runBackup(ctx context.Context, env cli.Env) error {
	args, getenv, stdout := env.Args, env.Getenv, env.Stdout
	fs := cli.NewFlags("backup", env)
	out := fs.String("out", "", "file to write the backup to (default: data/backups/zerovisit-<time>.db beside the database)")
	if err := fs.Parse(args); err != nil {
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
	if db.Dialect() != models.DialectSQLite {
		return models.ErrBackupUnsupported
	}
	path := *out
	if path == "" {
		dir := filepath.Join(filepath.Dir(models.SQLitePath(cfg.DatabaseURL)), "backups")
		path = filepath.Join(dir, "zerovisit-"+time.Now().UTC().Format("20060102T150405Z")+".db")
	}
	start := time.Now()
	if err := db.Backup(ctx, path); err != nil {
		return err
	}
	key, err := auditKey(cfg)
	if err != nil {
		return err
	}
	copyDB, err := models.Open(ctx, path, models.Options{AuditKey: key})
	if err != nil {
		return err
	}
	defer copyDB.Close()
	report, err := models.VerifyAudit(ctx, copyDB, nil)
	if err != nil {
		return fmt.Errorf("verify backup audit trail: %w", err)
	}
	if !report.OK() {
		return errors.Join(errAuditBroken, fmt.Errorf("backup %s: first broken link: %s", path, report.Problems[0]))
	}
	fmt.Fprintf(stdout, "backup written to %s in %v: %d cases, %d events, audit trail intact\n",
		path, time.Since(start).Round(time.Millisecond), report.Cases, report.Events)
	fmt.Fprintln(stdout, "the personal-data and audit keys (secrets.json beside the database) are not in the backup: keep a copy of them apart")
	return nil
}
