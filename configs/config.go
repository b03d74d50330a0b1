// Package configs holds the service's typed configuration and the data files
// it ships with (service catalogue, working-day calendar). Only cmd imports it;
// everything else receives the sections it needs by value.
package configs

import (
	"fmt"
	"sort"
	"time"
)

// Config is the whole configuration of one zerovisit process.
// Every field can be set from an environment variable named ZEROVISIT_<env tag>;
// fields tagged secret may instead be read from the file named by ZEROVISIT_<env tag>_FILE.
type Config struct {
	// Addr is the address the HTTP server listens on.
	Addr string `env:"ADDR"`
	// DatabaseURL is a postgres:// URL, or a path to an SQLite file (the embedded default).
	DatabaseURL string `env:"DATABASE_URL" secret:"url"`
	// RedisURL is a redis:// URL (or a Cluster / Sentinel form); empty means in-process.
	RedisURL string `env:"REDIS_URL" secret:"url"`
	// MigrateOnStart applies pending schema migrations when serve starts.
	MigrateOnStart bool `env:"MIGRATE_ON_START"`
	// AdminToken is the bearer token of the operator API (/api/v1/admin/…);
	// empty disables that API.
	AdminToken string `env:"ADMIN_TOKEN" secret:"true"`
	// CataloguePath replaces the embedded service catalogue when set.
	CataloguePath string `env:"CATALOGUE_PATH"`
	// CalendarPath replaces the embedded working-day calendar when set.
	CalendarPath string `env:"CALENDAR_PATH"`

	HTTP    HTTP    `envPrefix:"HTTP_"`
	DB      DB      `envPrefix:"DB_"`
	Log     Log     `envPrefix:"LOG_"`
	Workers Workers `envPrefix:"WORKER_"`
}

// HTTP configures the HTTP server.
type HTTP struct {
	ReadHeaderTimeout time.Duration `env:"READ_HEADER_TIMEOUT"`
	ReadTimeout       time.Duration `env:"READ_TIMEOUT"`
	WriteTimeout      time.Duration `env:"WRITE_TIMEOUT"`
	IdleTimeout       time.Duration `env:"IDLE_TIMEOUT"`
	// ShutdownTimeout bounds how long in-flight requests may take to finish on SIGTERM.
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT"`
	// MaxBodyBytes is the largest request body accepted (uploads have their own limit).
	MaxBodyBytes int64 `env:"MAX_BODY_BYTES"`
}

// DB configures the database pool (PostgreSQL; SQLite always keeps one connection).
type DB struct {
	MaxOpenConns    int           `env:"MAX_OPEN_CONNS"`
	MaxIdleConns    int           `env:"MAX_IDLE_CONNS"`
	ConnMaxLifetime time.Duration `env:"CONN_MAX_LIFETIME"`
}

// Log configures structured logging.
type Log struct {
	// Level is one of debug, info, warn, error.
	Level string `env:"LEVEL"`
	// Format is json or text.
	Format string `env:"FORMAT"`
}

// Workers configures the background workers every replica runs.
type Workers struct {
	// Enabled runs the outbox dispatcher and the timers in this process.
	Enabled bool `env:"ENABLED"`
	// OutboxInterval is how often the dispatcher looks for due effects when idle.
	OutboxInterval time.Duration `env:"OUTBOX_INTERVAL"`
	// OutboxBatch is how many effects one claim takes.
	OutboxBatch int `env:"OUTBOX_BATCH"`
	// OutboxLease is how long a claimed effect stays invisible to other replicas.
	OutboxLease time.Duration `env:"OUTBOX_LEASE"`
	// OutboxMaxAttempts is how many failed attempts park an effect as dead.
	OutboxMaxAttempts int `env:"OUTBOX_MAX_ATTEMPTS"`
	// TimerInterval is how often the timers look for due deadlines.
	TimerInterval time.Duration `env:"TIMER_INTERVAL"`
}

// Default returns a configuration that needs nothing installed: SQLite under
// ./data, in-process Redis equivalents, and the embedded catalogue and calendar.
func Default() Config {
	return Config{
		Addr:           ":8080",
		DatabaseURL:    "data/zerovisit.db",
		MigrateOnStart: true,
		HTTP: HTTP{
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
			ShutdownTimeout:   20 * time.Second,
			MaxBodyBytes:      1 << 20,
		},
		DB: DB{
			MaxOpenConns:    16,
			MaxIdleConns:    16,
			ConnMaxLifetime: 30 * time.Minute,
		},
		Log: Log{Level: "info", Format: "json"},
		Workers: Workers{
			Enabled:           true,
			OutboxInterval:    500 * time.Millisecond,
			OutboxBatch:       64,
			OutboxLease:       30 * time.Second,
			OutboxMaxAttempts: 12,
			TimerInterval:     30 * time.Second,
		},
	}
}

// Validate checks the configuration and names the variable at fault.
func (c Config) Validate() error {
	var problems []string
	bad := func(name, why string) { problems = append(problems, fmt.Sprintf("%s%s %s", Prefix, name, why)) }

	if c.Addr == "" {
		bad("ADDR", "must not be empty")
	}
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "must not be empty")
	}
	if c.AdminToken != "" && len(c.AdminToken) < 32 {
		bad("ADMIN_TOKEN", "must be at least 32 characters")
	}
	if c.HTTP.MaxBodyBytes < 1024 || c.HTTP.MaxBodyBytes > 64<<20 {
		bad("HTTP_MAX_BODY_BYTES", "must be between 1024 and 67108864")
	}
	for name, d := range map[string]time.Duration{
		"HTTP_READ_HEADER_TIMEOUT": c.HTTP.ReadHeaderTimeout,
		"HTTP_READ_TIMEOUT":        c.HTTP.ReadTimeout,
		"HTTP_WRITE_TIMEOUT":       c.HTTP.WriteTimeout,
		"HTTP_IDLE_TIMEOUT":        c.HTTP.IdleTimeout,
		"HTTP_SHUTDOWN_TIMEOUT":    c.HTTP.ShutdownTimeout,
		"WORKER_OUTBOX_INTERVAL":   c.Workers.OutboxInterval,
		"WORKER_OUTBOX_LEASE":      c.Workers.OutboxLease,
		"WORKER_TIMER_INTERVAL":    c.Workers.TimerInterval,
	} {
		if d <= 0 {
			bad(name, "must be a positive duration such as 5s")
		}
	}
	if c.DB.MaxOpenConns < 1 {
		bad("DB_MAX_OPEN_CONNS", "must be at least 1")
	}
	if c.DB.MaxIdleConns < 0 || c.DB.MaxIdleConns > c.DB.MaxOpenConns {
		bad("DB_MAX_IDLE_CONNS", "must be between 0 and DB_MAX_OPEN_CONNS")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "must be one of debug, info, warn, error")
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("LOG_FORMAT", "must be json or text")
	}
	if c.Workers.OutboxBatch < 1 || c.Workers.OutboxBatch > 1000 {
		bad("WORKER_OUTBOX_BATCH", "must be between 1 and 1000")
	}
	if c.Workers.OutboxMaxAttempts < 1 {
		bad("WORKER_OUTBOX_MAX_ATTEMPTS", "must be at least 1")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return &InvalidError{Problems: problems}
	}
	return nil
}

// InvalidError lists every problem found in a configuration.
type InvalidError struct {
	Problems []string
}

func (e *InvalidError) Error() string {
	msg := "invalid configuration"
	for _, p := range e.Problems {
		msg += "\n  - " + p
	}
	return msg
}
