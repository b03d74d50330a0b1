// Package models keeps zerovisit's durable state: cases, their tamper-evident
// history, the outbox of side effects and idempotency records. It implements
// workflow.Store and workflow.Outbox on PostgreSQL (production) and on
// pure-Go SQLite (the embedded default) behind one Repo.
package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zerovisit/workflow"
)

// Dialect names returned by (*DB).Dialect.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// Options tunes the connection pool. Zero values pick defaults. They apply to
// PostgreSQL only: SQLite always runs on exactly one connection, because a
// pool of writers on one file gives "database is locked".
type Options struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	// AuditKey keys the audit trail's HMAC-SM3 chains and checkpoints
	// (hashchain.go). It applies to both dialects, and must be the same for
	// every process writing or verifying one database.
	AuditKey []byte
}

// sqliteBusyTimeout is how long a SQLite statement waits for another process
// (a CLI run beside the server) to release the file.
const sqliteBusyTimeout = 5000 * time.Millisecond

// DB is an open database: a gorm handle plus the dialect it speaks.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect string
	// dsn is the PostgreSQL URL, for connections outside the pool (the
	// outbox listener's).
	dsn string
	// heads are recent case heads, shared by every store over the database
	// that reads or writes cases (the Repo, the courier store).
	heads *headCache
	// audit computes the audit trail's MACs under Options.AuditKey.
	audit *auditKey
}

// Open connects to rawURL. postgres:// and postgresql:// URLs open PostgreSQL
// through pgx; anything else is a SQLite file path, optionally prefixed by
// sqlite:// or file:, whose parent directory is created if missing.
func Open(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, fmt.Errorf("open database: %w: empty url", workflow.ErrInvalidInput)
	}
	var (
		db  *DB
		err error
	)
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		db, err = openPostgres(rawURL, opts)
	} else {
		db, err = openSQLite(rawURL)
	}
	if err != nil {
		return nil, err
	}
	db.audit = newAuditKey(opts.AuditKey)
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		// The service logs for itself; SQL may carry personal data and is never logged.
		Logger: logger.Discard,
		// Repo opens its own transactions where it needs them.
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	g, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %s: %w", redactURL(dsn), err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB.SetMaxOpenConns(orDefault(opts.MaxOpenConns, 20))
	sqlDB.SetMaxIdleConns(orDefault(opts.MaxIdleConns, 10))
	sqlDB.SetConnMaxLifetime(orDefault(opts.ConnMaxLifetime, 30*time.Minute))
	return &DB{gorm: g, sql: sqlDB, dialect: DialectPostgres, dsn: dsn, heads: newHeadCache(headCacheSize)}, nil
}

func openSQLite(raw string) (*DB, error) {
	path := SQLitePath(raw)
	if dir := filepath.Dir(path); dir != "" && path != ":memory:" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite %s: create directory: %w", path, err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Write transactions take the write lock at BEGIN, so two processes on
	// one file wait on busy_timeout instead of failing to upgrade a read lock.
	q.Set("_txlock", "immediate")
	g, err := gorm.Open(sqlite.Open(path+"?"+q.Encode()), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	return &DB{gorm: g, sql: sqlDB, dialect: DialectSQLite, heads: newHeadCache(headCacheSize)}, nil
}

// SQLitePath strips the optional sqlite:// or file: prefix (and any query)
// from a SQLite URL, leaving the file path.
func SQLitePath(raw string) string {
	p := raw
	switch {
	case strings.HasPrefix(p, "sqlite://"):
		p = strings.TrimPrefix(p, "sqlite://")
	case strings.HasPrefix(p, "sqlite:"):
		p = strings.TrimPrefix(p, "sqlite:")
	case strings.HasPrefix(p, "file:"):
		p = strings.TrimPrefix(p, "file:")
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// redactURL drops the password from a connection URL for error messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable url>"
	}
	return u.Redacted()
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Gorm returns the gorm handle, for callers that need a query Repo lacks.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Dialect returns DialectPostgres or DialectSQLite.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w: %w", db.dialect, workflow.ErrUnavailable, err)
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.dialect, err)
	}
	return nil
}

func (db *DB) isPostgres() bool { return db.dialect == DialectPostgres }
