package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := configs.Load(envOf(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := cfg.Addr, ":8080"; got != want {
		t.Errorf("Addr = %q, want %q", got, want)
	}
	if got, want := cfg.DatabaseURL, "data/zerovisit.db"; got != want {
		t.Errorf("DatabaseURL = %q, want %q", got, want)
	}
	if cfg.RedisURL != "" {
		t.Errorf("RedisURL = %q, want empty (in-process)", cfg.RedisURL)
	}
	if w := cfg.Workers; w.OutboxWorkers != 8 || !w.OutboxListen {
		t.Errorf("OutboxWorkers, OutboxListen = %d, %v; want 8, true", w.OutboxWorkers, w.OutboxListen)
	}
	if got, want := cfg.Courier.PushWindow, 72*time.Hour; got != want {
		t.Errorf("Courier.PushWindow = %v, want %v", got, want)
	}
}

func TestLoadOverrides(t *testing.T) {
	cfg, err := configs.Load(envOf(map[string]string{
		"ZEROVISIT_ADDR":                  "127.0.0.1:9000",
		"ZEROVISIT_REDIS_URL":             "redis://127.0.0.1:6379/1",
		"ZEROVISIT_HTTP_SHUTDOWN_TIMEOUT": "3s",
		"ZEROVISIT_WORKER_OUTBOX_BATCH":   "10",
		"ZEROVISIT_WORKER_OUTBOX_WORKERS": "3",
		"ZEROVISIT_WORKER_OUTBOX_LISTEN":  "false",
		"ZEROVISIT_MIGRATE_ON_START":      "false",
		"ZEROVISIT_COURIER_PUSH_WINDOW":   "6h",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := cfg.Addr, "127.0.0.1:9000"; got != want {
		t.Errorf("Addr = %q, want %q", got, want)
	}
	if got, want := cfg.HTTP.ShutdownTimeout, 3*time.Second; got != want {
		t.Errorf("ShutdownTimeout = %v, want %v", got, want)
	}
	if got, want := cfg.Workers.OutboxBatch, 10; got != want {
		t.Errorf("OutboxBatch = %d, want %d", got, want)
	}
	if got, want := cfg.Workers.OutboxWorkers, 3; got != want {
		t.Errorf("OutboxWorkers = %d, want %d", got, want)
	}
	if cfg.Workers.OutboxListen {
		t.Error("OutboxListen = true, want false")
	}
	if cfg.MigrateOnStart {
		t.Error("MigrateOnStart = true, want false")
	}
	if got, want := cfg.Courier.PushWindow, 6*time.Hour; got != want {
		t.Errorf("Courier.PushWindow = %v, want %v", got, want)
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(path, []byte("postgres://app:s3cret@db:5432/zv\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL_FILE": path}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := cfg.DatabaseURL, "postgres://app:s3cret@db:5432/zv"; got != want {
		t.Errorf("DatabaseURL = %q, want %q", got, want)
	}
	if s := cfg.String(); strings.Contains(s, "s3cret") {
		t.Errorf("String() leaks the password:\n%s", s)
	}
	if got := cfg.Fields()["ZEROVISIT_DATABASE_URL"]; !strings.Contains(got, "xxxxx") {
		t.Errorf("masked DATABASE_URL = %q, want the password replaced", got)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"NotADuration": {map[string]string{"ZEROVISIT_HTTP_READ_TIMEOUT": "soon"}, "ZEROVISIT_HTTP_READ_TIMEOUT"},
		"NotANumber":   {map[string]string{"ZEROVISIT_WORKER_OUTBOX_BATCH": "many"}, "ZEROVISIT_WORKER_OUTBOX_BATCH"},
		"OutOfRange":   {map[string]string{"ZEROVISIT_HTTP_MAX_BODY_BYTES": "10"}, "ZEROVISIT_HTTP_MAX_BODY_BYTES"},
		"NoWorkers":    {map[string]string{"ZEROVISIT_WORKER_OUTBOX_WORKERS": "0"}, "ZEROVISIT_WORKER_OUTBOX_WORKERS"},
		"BadLevel":     {map[string]string{"ZEROVISIT_LOG_LEVEL": "loud"}, "ZEROVISIT_LOG_LEVEL"},
		"NegativeTime": {map[string]string{"ZEROVISIT_HTTP_SHUTDOWN_TIMEOUT": "-1s"}, "ZEROVISIT_HTTP_SHUTDOWN_TIMEOUT"},
		"MissingFile":  {map[string]string{"ZEROVISIT_REDIS_URL_FILE": "/nonexistent/secret"}, "ZEROVISIT_REDIS_URL_FILE"},
		"NoPushWindow": {map[string]string{"ZEROVISIT_COURIER_PUSH_WINDOW": "0s"}, "ZEROVISIT_COURIER_PUSH_WINDOW"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := configs.Load(envOf(tc.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
		})
	}
}

// TestPostgresSandboxHasNoDefault: with a PostgreSQL database the sandbox
// setting must be given; SQLite keeps the sandboxes on by default.
func TestPostgresSandboxHasNoDefault(t *testing.T) {
	for name, tc := range map[string]struct {
		env     map[string]string
		refused bool
	}{
		"PostgresUnset":    {map[string]string{"ZEROVISIT_DATABASE_URL": "postgres://db/zv"}, true},
		"PostgresqlUnset":  {map[string]string{"ZEROVISIT_DATABASE_URL": "postgresql://db/zv"}, true},
		"PostgresOn":       {map[string]string{"ZEROVISIT_DATABASE_URL": "postgres://db/zv", "ZEROVISIT_PARTY_SANDBOX": "true"}, false},
		"SQLiteByDefault":  {map[string]string{"ZEROVISIT_DATABASE_URL": "zv.db"}, false},
		"EmbeddedDefaults": {nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := configs.Load(envOf(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.RequireSandboxChoice()
			if tc.refused != (err != nil) || (err != nil && !strings.Contains(err.Error(), "ZEROVISIT_PARTY_SANDBOX")) {
				t.Errorf("RequireSandboxChoice = %v, want refused %v naming ZEROVISIT_PARTY_SANDBOX", err, tc.refused)
			}
			if !tc.refused && !cfg.Parties.Sandbox {
				t.Error("sandboxes off, want on")
			}
		})
	}
	if s := configs.Default().String(); strings.Contains(s, "sandboxGiven") || !strings.Contains(s, "ZEROVISIT_PARTY_SANDBOX=true") {
		t.Errorf("String() = %s", s)
	}
}
