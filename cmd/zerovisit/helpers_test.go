package main

import "log/slog"

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testKeys are the keys a test gives a server on PostgreSQL, where they are
// never generated.
var testKeys = map[string]string{
	"ZEROVISIT_TOKEN_SECRET":  "test-token-secret-0123456789abcdef0123456789",
	"ZEROVISIT_PII_KEY":       "00112233445566778899aabbccddeeff",
	"ZEROVISIT_PII_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
}
