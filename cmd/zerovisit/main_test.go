package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"zerovisit/cmd/internal/cmdtest"
)

var (
	envOf           = cmdtest.EnvOf
	testDatabaseURL = cmdtest.DatabaseURL
	eventually      = cmdtest.Eventually
)

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

// TestMain runs the package's tests from a scratch folder.
func TestMain(m *testing.M) { cmdtest.RunInScratchDir(m) }
