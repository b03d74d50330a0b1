package models

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrationTable is the table that records applied schema versions.
const MigrationTable = "schema_migrations"

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// Migration describes one versioned schema change and whether it is applied.
type Migration struct {
	Version   int64
	Name      string // file name, e.g. "00001_cases.sql"
	Applied   bool
	AppliedAt time.Time // zero when pending
}

// provider builds a goose provider over the dialect's migration files. On
// PostgreSQL an advisory session lock makes replicas that start together
// apply each migration once; SQLite's single connection serialises itself.
func (db *DB) provider() (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	opts := []goose.ProviderOption{
		goose.WithTableName(MigrationTable),
		goose.WithDisableGlobalRegistry(true),
	}
	if db.isPostgres() {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.sql, fsys, opts...)
}

// Migrate applies pending migrations in version order, each in its own
// transaction, and returns the names of those it applied (none when the
// schema is current).
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.dialect, err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.dialect, err)
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, filepath.Base(r.Source.Path))
	}
	return applied, nil
}

// MigrationStatus lists every known migration, oldest first, with whether
// it has been applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("migration status %s: %w", db.dialect, err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status %s: %w", db.dialect, err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		m := Migration{
			Version: s.Source.Version,
			Name:    filepath.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied,
		}
		if m.Applied {
			m.AppliedAt = s.AppliedAt.UTC()
		}
		out = append(out, m)
	}
	return out, nil
}
