// Package cmdtest holds what the tests of the binary's commands share: an
// environment from a map, a fresh database, a wait for a condition, and a
// scratch working folder.
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
