package basedata_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/basedata/sandbox"
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

func fastOptions() httpx.Options {
	return httpx.Options{
		Timeout:        3 * time.Second,
		AttemptTimeout: time.Second,
		BaseDelay:      time.Millisecond,
		MaxDelay:       5 * time.Millisecond,
		Breaker:        httpx.BreakerOptions{ConsecutiveFailures: 3, CoolDown: 100 * time.Millisecond},
	}
}

func newEnv(tb testing.TB, opts httpx.Options) *env {
	tb.Helper()
	sb := sandbox.New(sandbox.Config{Apps: map[string]string{appID: secret}})
	sb.SeedDefaults()
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	return &env{sb: sb, url: srv.URL, client: newClient(tb, srv.URL, secret, opts)}
}

func newClient(tb testing.TB, url, secret string, opts httpx.Options) *basedata.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	c, err := basedata.NewClient(url, hc, basedata.Credentials{AppID: appID, Secret: secret}, opts)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}
