package credit_test

import (
	"testing"
	"time"

	"zerovisit/integrations/credit"
	"zerovisit/integrations/credit/sandbox"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

const (
	appID  = "zerovisit"
	secret = "sandbox-secret"
)

type env struct {
	sb     *sandbox.Sandbox
	url    string
	client *credit.Client
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

func newClient(tb testing.TB, url, secret string, opts httpx.Options) *credit.Client {
	tb.Helper()
	c, err := credit.NewClient(url, exchangetest.LoopbackClient(tb), credit.Credentials{AppID: appID, Secret: secret}, opts)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}

// falseCommitment is the effect a failed verification of case number produces.
func falseCommitment(number string) workflow.RecordFalseCommitment {
	return workflow.RecordFalseCommitment{
		CaseID: "case-" + number, Number: number, ApplicantID: "applicant-1",
		ItemCode: "scjgj-gtgshsldj", Department: "scjgj", Code: "materials_false",
		Reason: "经营场所使用证明与实际不符", At: time.Date(2026, 11, 2, 10, 0, 0, 0, workflow.CST()),
	}
}
