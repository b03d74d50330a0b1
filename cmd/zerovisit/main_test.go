package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/models/dbtest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// testDatabaseURL is a fresh PostgreSQL database when TEST_DATABASE_URL is
// set, and a fresh SQLite file otherwise.
func testDatabaseURL(t *testing.T) string {
	t.Helper()
	if os.Getenv(dbtest.EnvDatabaseURL) != "" {
		return dbtest.PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "zv.db")
}

// TestEveryCommandAnswersHelp: each subcommand, given --help, describes
// itself with its flags and an example, exits 0, and does nothing else (no
// database is opened: the environment names none that exists).
func TestEveryCommandAnswersHelp(t *testing.T) {
	env := envOf(map[string]string{"ZEROVISIT_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
	for _, c := range commands() {
		t.Run(c.Name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{c.Name, "--help"}, env, &out, &errOut); err != nil {
				t.Fatalf("%s --help: %v\n%s", c.Name, err, errOut.String())
			}
			got := out.String()
			for _, want := range []string{"zerovisit " + c.Name + " — ", "Usage:\n  zerovisit " + c.Name, "Example:\n  "} {
				if !strings.Contains(got, want) {
					t.Errorf("%s --help lacks %q:\n%s", c.Name, want, got)
				}
			}
			if c.FlagArgs != nil && !strings.Contains(got, "Flags:\n  -") {
				t.Errorf("%s --help lists no flags:\n%s", c.Name, got)
			}
			if errOut.Len() > 0 {
				t.Errorf("%s --help wrote to stderr: %s", c.Name, errOut.String())
			}
		})
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), "zerovisit "+c.Usage) {
			t.Errorf("help does not list %s", c.Name)
		}
	}
	if err := run(context.Background(), []string{"no-such-command"}, env, &out, &out); err == nil {
		t.Error("an unknown command ran")
	}
}

// TestMain runs the package's tests from a scratch folder, so that nothing a
// command writes by default (./data) lands in the source tree.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zerovisit-main-test-")
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

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
