package elicense_test

import (
	"testing"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
)

const (
	appID  = "zerovisit"
	secret = "sandbox-secret"
)

// env is a seeded sandbox served over real HTTP and a client of it.
type env struct {
	sb     *sandbox.Sandbox
	url    string
	client *elicense.Client
}

// fastOptions keeps retries and the breaker quick so tests measure
// behaviour, not waits; every client of the exchange is tested with them.
var fastOptions = exchangetest.FastOptions

func newEnv(tb testing.TB, opts httpx.Options) *env {
	tb.Helper()
	sb := sandbox.New(sandbox.Config{Apps: map[string]string{appID: secret}})
	if err := sb.SeedDefaults(); err != nil {
		tb.Fatalf("SeedDefaults: %v", err)
	}
	url := exchangetest.Serve(tb, sb)
	return &env{sb: sb, url: url, client: newClient(tb, url, secret, opts)}
}

// newClient returns a client whose transport refuses anything but
// loopback, as the default configuration does.
func newClient(tb testing.TB, url, secret string, opts httpx.Options) *elicense.Client {
	tb.Helper()
	c, err := elicense.NewClient(url, exchangetest.LoopbackClient(tb), elicense.Credentials{AppID: appID, Secret: secret}, opts)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}

// issueRequest is a valid request for a food-business licence.
func issueRequest(caseNumber string) elicense.IssueRequest {
	return elicense.IssueRequest{
		CaseNumber: caseNumber,
		Type:       "spjyxkz",
		Name:       "食品经营许可证",
		HolderID:   sandbox.RestaurantID,
		HolderName: "杭州西湖示例餐饮有限公司",
		IssuerCode: sandbox.MarketRegulatorID,
		Issuer:     "杭州市市场监督管理局",
		Items:      map[string]string{"经营项目": "热食类食品制售"},
	}
}
