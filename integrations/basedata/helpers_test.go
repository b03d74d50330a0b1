package basedata_test

import (
	"testing"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
)

const (
	appID  = "zerovisit"
	secret = "sandbox-secret"
)

type env struct {
	sb     *sandbox.Sandbox
	url    string
	client *basedata.Client
}

// fastOptions keeps retries and the breaker quick so tests measure
// behaviour, not waits; every client of the exchange is tested with them.
var fastOptions = exchangetest.FastOptions

func newEnv(tb testing.TB, opts httpx.Options) *env {
	tb.Helper()
	sb := sandbox.New(sandbox.Config{Apps: map[string]string{appID: secret}})
	sb.SeedDefaults()
	url := exchangetest.Serve(tb, sb)
	return &env{sb: sb, url: url, client: newClient(tb, url, secret, opts)}
}

func newClient(tb testing.TB, url, secret string, opts httpx.Options) *basedata.Client {
	tb.Helper()
	c, err := basedata.NewClient(url, exchangetest.LoopbackClient(tb), basedata.Credentials{AppID: appID, Secret: secret}, opts)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}
