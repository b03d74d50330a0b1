package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
)

func runServe(ctx context.Context, env cli.Env) error {
	args, getenv, stdout := env.Args, env.Getenv, env.Stdout
	fs := cli.NewFlags("serve", env)
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start (run `zerovisit migrate` once per release instead)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	if *noMigrate {
		cfg.MigrateOnStart = false
	}
	log := newLogger(cfg.Log, stdout)
	log.Info("starting zerovisit", "version", env.Version, "config", cfg.Fields())

	app := NewApp(cfg, log)
	app.version = env.Version
	if err := app.Open(ctx); err != nil {
		_ = app.Close()
		return err
	}
	fmt.Fprintf(stdout, "zerovisit %s serving on http://%s (database: %s, redis: %s)\n",
		env.Version, app.DisplayAddr(), app.DatabaseKind(), app.RedisKind())

	select {
	case <-ctx.Done():
		log.Info("shutting down: draining requests and workers")
	case err := <-app.Errors():
		log.Error("server stopped", "err", err)
		_ = app.Close()
		return err
	}
	return app.Close()
}

func runMigrate(ctx context.Context, env cli.Env) error {
	args, getenv, stdout := env.Args, env.Getenv, env.Stdout
	fs := cli.NewFlags("migrate", env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	return nil
}

// newLogger builds the process logger. Handlers and workers log opaque IDs
// only; personal data never reaches a log line.
func newLogger(c configs.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
