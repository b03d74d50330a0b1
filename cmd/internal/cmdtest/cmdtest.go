// Package cmdtest holds what the tests of the binary's commands share: an
// environment from a map, a fresh database, the demo server's settings, a
// wait for a condition, and a scratch working folder.
package cmdtest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"zerovisit/models/dbtest"
)

// EnvOf is a getenv that reads m.
func EnvOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// DatabaseURL is a fresh PostgreSQL database when TEST_DATABASE_URL is set,
// and a fresh SQLite file otherwise.
func DatabaseURL(t *testing.T) string {
	t.Helper()
	if os.Getenv(dbtest.EnvDatabaseURL) != "" {
		return dbtest.PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "zv.db")
}

// Eventually waits up to within for cond, failing the test with what.
func Eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// RunInScratchDir runs a package's tests from a new temporary folder, so
// nothing a command writes by default (./data) lands in the source tree.
func RunInScratchDir(m *testing.M) {
	dir, err := os.MkdirTemp("", "zerovisit-cmd-test-")
	if err != nil {
		panic(err)
	}
	if err := os.Chdir(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Keys are the token secret and PII keys a server on PostgreSQL is given in
// tests (the embedded default keeps its own beside its data).
var Keys = map[string]string{
	"ZEROVISIT_TOKEN_SECRET":  "test-token-secret-0123456789abcdef0123456789",
	"ZEROVISIT_PII_KEY":       "00112233445566778899aabbccddeeff",
	"ZEROVISIT_PII_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
	"ZEROVISIT_AUDIT_KEY":     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
}

// DemoEnv is the environment the demo's own server gets in tests: the
// embedded default, or PostgreSQL and Redis when the test environment
// names them (as CI does).
func DemoEnv(t *testing.T) func(string) string {
	t.Helper()
	env := map[string]string{}
	if os.Getenv(dbtest.EnvDatabaseURL) != "" {
		env["ZEROVISIT_DATABASE_URL"] = dbtest.PostgresURL(t)
		for k, v := range Keys {
			env[k] = v
		}
	}
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" && os.Getenv("CI") == "true" {
		t.Fatal("TEST_REDIS_URL must be set in CI")
	}
	env["ZEROVISIT_REDIS_URL"] = redisURL
	return func(k string) string { return env[k] }
}
