// Package configs holds the service's typed configuration and the data files
// it ships with (service catalogue, working-day calendar). Only cmd imports it;
// everything else receives the sections it needs by value.
package configs

import (
	"fmt"
	"sort"
	"strings"
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
	// TokenSecret signs access and refresh tokens (HMAC-SHA256); every
	// replica needs the same one. Empty with SQLite: kept in a key file
	// beside the database.
	TokenSecret string `env:"TOKEN_SECRET" secret:"true"`
	// PIIKey is the SM4 key (32 hex digits) that encrypts personal data at
	// rest, and PIIIndexKey (at least 32 hex digits) keys its blind indexes.
	// Empty with SQLite: kept in the key file beside the database.
	PIIKey      string `env:"PII_KEY" secret:"true"`
	PIIIndexKey string `env:"PII_INDEX_KEY" secret:"true"`
	// BlobDir is the folder uploaded files are kept in, by content hash.
	// Empty: "blobs" beside the SQLite database, or ./data/blobs with PostgreSQL.
	BlobDir string `env:"BLOB_DIR"`
	// CataloguePath replaces the embedded service catalogue when set.
	CataloguePath string `env:"CATALOGUE_PATH"`
	// CalendarPath replaces the embedded working-day calendar when set.
	CalendarPath string `env:"CALENDAR_PATH"`
	// DepartmentsPath replaces the embedded list of approving departments when set.
	DepartmentsPath string `env:"DEPARTMENTS_PATH"`

	HTTP    HTTP    `envPrefix:"HTTP_"`
	DB      DB      `envPrefix:"DB_"`
	Log     Log     `envPrefix:"LOG_"`
	Workers Workers `envPrefix:"WORKER_"`
	Parties Parties `envPrefix:"PARTY_"`
}

// Parties configures the external government systems. With Sandbox on (the
// default) each is an in-process sandbox on a loopback port that speaks its
// protocol, and the endpoints below are ignored; production turns Sandbox
// off and points the same clients at the real systems.
type Parties struct {
	Sandbox  bool     `env:"SANDBOX"`
	ELicense Endpoint `envPrefix:"ELICENSE_"`
	BaseData Endpoint `envPrefix:"BASEDATA_"`
	Credit   Endpoint `envPrefix:"CREDIT_"`
	Province Endpoint `envPrefix:"PROVINCE_"`
	// DepartmentEndpoints is a JSON list of department systems:
	// [{"department":"scjgj","url":"https://…","secret":"…","enabled":true}].
	DepartmentEndpoints string `env:"DEPARTMENT_ENDPOINTS" secret:"true"`
	// Timeout bounds one call to a party.
	Timeout time.Duration `env:"TIMEOUT"`
	// BreakerCoolDown is how long a party's circuit stays open after it
	// failed repeatedly, before a probe is let through.
	BreakerCoolDown time.Duration `env:"BREAKER_COOLDOWN"`
}

// Endpoint is where a party is and how we authenticate to it.
type Endpoint struct {
	URL    string `env:"URL"`
	AppID  string `env:"APP_ID"`
	Secret string `env:"SECRET" secret:"true"`
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
	// OutboxBaseDelay and OutboxMaxDelay bound the backoff between attempts.
	OutboxBaseDelay time.Duration `env:"OUTBOX_BASE_DELAY"`
	OutboxMaxDelay  time.Duration `env:"OUTBOX_MAX_DELAY"`
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
			OutboxBaseDelay:   2 * time.Second,
			OutboxMaxDelay:    time.Hour,
			TimerInterval:     30 * time.Second,
		},
		Parties: Parties{Sandbox: true, Timeout: 10 * time.Second, BreakerCoolDown: 30 * time.Second},
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
	if c.TokenSecret != "" && len(c.TokenSecret) < 32 {
		bad("TOKEN_SECRET", "must be at least 32 characters")
	}
	if c.PIIKey != "" && !isHex(c.PIIKey, 32, 32) {
		bad("PII_KEY", "must be 32 hex digits (an SM4 key)")
	}
	if c.PIIIndexKey != "" && !isHex(c.PIIIndexKey, 32, 128) {
		bad("PII_INDEX_KEY", "must be 32 to 128 hex digits")
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
		"WORKER_OUTBOX_BASE_DELAY": c.Workers.OutboxBaseDelay,
		"WORKER_OUTBOX_MAX_DELAY":  c.Workers.OutboxMaxDelay,
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
	if c.Parties.Timeout <= 0 {
		bad("PARTY_TIMEOUT", "must be a positive duration such as 10s")
	}
	if c.Parties.BreakerCoolDown <= 0 {
		bad("PARTY_BREAKER_COOLDOWN", "must be a positive duration such as 30s")
	}
	if !c.Parties.Sandbox {
		for name, ep := range map[string]Endpoint{
			"ELICENSE": c.Parties.ELicense, "BASEDATA": c.Parties.BaseData,
			"CREDIT": c.Parties.Credit, "PROVINCE": c.Parties.Province,
		} {
			if ep.URL == "" || ep.AppID == "" || ep.Secret == "" {
				bad("PARTY_"+name+"_URL", "with _APP_ID and _SECRET is required when PARTY_SANDBOX is false")
			}
		}
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

func isHex(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen || len(s)%2 != 0 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
