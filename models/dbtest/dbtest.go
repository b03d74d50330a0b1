// Package dbtest gives tests a fresh, migrated database on every backend the
// product supports: a temporary SQLite file always, and a throw-away schema
// in the PostgreSQL database named by TEST_DATABASE_URL when it is set.
// It is an ordinary package so that tests of other packages can use it.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zerovisit/models"
)

// EnvDatabaseURL names the variable that points tests at PostgreSQL.
const EnvDatabaseURL = "TEST_DATABASE_URL"

// AuditKey keys the audit trail of every database these helpers open.
var AuditKey = []byte("dbtest audit key, not a secret")

// Each runs fn as two subtests, "sqlite" and "postgres", each with its own
// fresh migrated database. The postgres subtest is skipped when
// TEST_DATABASE_URL is unset, except in CI (CI=true), where it fails.
func Each(t *testing.T, fn func(t *testing.T, db *models.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a fresh file under tb.TempDir,
// closed when the test ends.
func SQLite(tb testing.TB) *models.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, filepath.Join(tb.TempDir(), "zerovisit.db"), models.Options{AuditKey: AuditKey})
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// Postgres returns a migrated database in a fresh, randomly named schema of
// the TEST_DATABASE_URL database, dropped when the test ends. Without
// TEST_DATABASE_URL it skips the test, or fails it when CI is "true".
func Postgres(tb testing.TB) *models.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, PostgresURL(tb), models.Options{MaxOpenConns: 8, MaxIdleConns: 8, AuditKey: AuditKey})
	if err != nil {
		tb.Fatalf("open postgres schema: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate postgres schema: %v", err)
	}
	return db
}

// PostgresURL creates a fresh, empty, randomly named schema in the
// TEST_DATABASE_URL database and returns a URL whose connections use it, for
// tests that open the database themselves (the binary's own start-up, say).
// The schema is dropped when the test ends. Without TEST_DATABASE_URL it
// skips the test, or fails it when CI is "true".
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal(EnvDatabaseURL + " must be set in CI")
		}
		tb.Skip(EnvDatabaseURL + " is not set")
	}
	ctx := context.Background()
	admin, err := models.Open(ctx, base, models.Options{MaxOpenConns: 2})
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { _ = admin.Close() })

	schema := "zvtest_" + randomHex(tb, 8)
	if err := admin.Gorm().WithContext(ctx).Exec(`CREATE SCHEMA ` + schema).Error; err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	// Cleanups run last-in first-out: the test's pools close before the drop.
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.Gorm().WithContext(ctx).Exec(`DROP SCHEMA ` + schema + ` CASCADE`).Error; err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown URL parameters as run-time parameters
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random schema name: %v", err)
	}
	return hex.EncodeToString(b)
}
