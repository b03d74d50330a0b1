package models_test

import (
	"os"
	"path/filepath"
	"testing"

	"zerovisit/models"
	"zerovisit/models/dbtest"
)

func TestSQLitePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"data/zerovisit.db", "data/zerovisit.db"},
		{"sqlite://data/zerovisit.db", "data/zerovisit.db"},
		{"sqlite:///var/lib/zv.db", "/var/lib/zv.db"},
		{"file:data/zv.db?cache=shared", "data/zv.db"},
	} {
		if got := models.SQLitePath(tc.in); got != tc.want {
			t.Errorf("SQLitePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	ctx := ctxT(t)
	path := filepath.Join(t.TempDir(), "nested", "dir", "zv.db")
	db, err := models.Open(ctx, "sqlite://"+path, models.Options{MaxOpenConns: 50})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	if got, want := db.Dialect(), models.DialectSQLite; got != want {
		t.Errorf("Dialect() = %q, want %q", got, want)
	}
	sqlDB, err := db.Gorm().DB()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sqlDB.Stats().MaxOpenConnections, 1; got != want {
		t.Errorf("MaxOpenConnections = %d, want %d (one writer)", got, want)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000",
	} {
		var got string
		if err := db.Gorm().Raw("PRAGMA " + pragma).Row().Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestOpenPostgresDialect(t *testing.T) {
	db := dbtest.Postgres(t)
	if got, want := db.Dialect(), models.DialectPostgres; got != want {
		t.Errorf("Dialect() = %q, want %q", got, want)
	}
}

func TestMigrateFreshSQLite(t *testing.T) {
	ctx := ctxT(t)
	db, err := models.Open(ctx, filepath.Join(t.TempDir(), "zv.db"), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus before: %v", err)
	}
	if len(st) == 0 || st[0].Applied {
		t.Fatalf("MigrationStatus before = %+v, want pending migrations", st)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if len(applied) != len(st) || applied[0] != "00001_cases.sql" {
		t.Errorf("Migrate applied %v, want all of %d starting with 00001_cases.sql", applied, len(st))
	}
}

func TestMigrate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		if len(applied) != 0 {
			t.Errorf("Migrate again applied %v, want nothing", applied)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatalf("MigrationStatus: %v", err)
		}
		for _, m := range st {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("migration %s (v%d) not recorded as applied: %+v", m.Name, m.Version, m)
			}
		}
		if got, want := count(t, db, "SELECT count(*) FROM "+models.MigrationTable+" WHERE version_id > 0 AND is_applied"), int64(len(st)); got != want {
			t.Errorf("%s rows = %d, want %d", models.MigrationTable, got, want)
		}
		for _, table := range []string{"cases", "case_events", "outbox", "idempotency_keys"} {
			count(t, db, "SELECT count(*) FROM "+table)
		}
	})
}
