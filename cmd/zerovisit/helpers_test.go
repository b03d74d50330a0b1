package main

import (
	"log/slog"
	"os"
	"testing"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testKeys are the keys a test gives a server on PostgreSQL, where they are
// never generated.
var testKeys = map[string]string{
	"ZEROVISIT_TOKEN_SECRET":  "test-token-secret-0123456789abcdef0123456789",
	"ZEROVISIT_PII_KEY":       "00112233445566778899aabbccddeeff",
	"ZEROVISIT_PII_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
}

// TestMain runs the package's tests from a scratch folder, so that nothing a
// server writes by default (./data on PostgreSQL, say) lands in the source tree.
func TestMain(m *testing.M) {
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
