package credit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zerovisit/integrations/credit"
	"zerovisit/integrations/credit/sandbox"
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

func newClient(tb testing.TB, url, secret string, opts httpx.Options) *credit.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	c, err := credit.NewClient(url, hc, credit.Credentials{AppID: appID, Secret: secret}, opts)
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
