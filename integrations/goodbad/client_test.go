package goodbad_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"zerovisit/integrations/goodbad"
	"zerovisit/integrations/goodbad/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

func report(version int) feedback.Report {
	return feedback.Report{EvaluationID: "c1:result", Version: version, CaseNumber: "ZV1", ItemCode: "scjgj-x", Department: "scjgj",
		Stage: feedback.StageResult, Service: feedback.ServiceOnline, Channel: feedback.MediumWeChat, Level: 1, EvaluatedAt: time.Now()}
}

func TestReportIdempotentLatestWins(t *testing.T) {
	sb := sandbox.New(sandbox.Config{AppID: "app", Secret: "s3cret"})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	c := goodbad.NewClient(srv.URL, srv.Client(), goodbad.Credentials{AppID: "app", Secret: "s3cret"}, httpx.Options{})
	ctx := context.Background()
	for i, tc := range []struct {
		version int
		want    string
	}{{1, "created"}, {1, "duplicate"}, {2, "replaced"}, {1, "stale"}} {
		if a, err := c.Report(ctx, report(tc.version)); err != nil || a.Result != tc.want {
			t.Fatalf("report %d (version %d) = %+v, %v; want %s", i, tc.version, a, err, tc.want)
		}
	}
	if got := sb.Records()["c1:result"].Version; got != 2 {
		t.Errorf("held version %d, want 2", got)
	}
	bad := report(3)
	bad.Channel = "fax"
	if _, err := c.Report(ctx, bad); !errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("a channel outside the value set = %v, want permanent", err)
	}
	wrong := goodbad.NewClient(srv.URL, srv.Client(), goodbad.Credentials{AppID: "app", Secret: "guess"}, httpx.Options{})
	if _, err := wrong.Report(ctx, report(4)); err == nil || errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("a forged signature = %v, want a refusal that is not a record error", err)
	}
	if got := sb.Records()["c1:result"].Version; got != 2 {
		t.Errorf("a refused report changed the holding to version %d", got)
	}
}

func TestReplayedRequestRefused(t *testing.T) {
	sb := sandbox.New(sandbox.Config{AppID: "app", Secret: "s3cret"})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	body := []byte(`{"evaluation_id":"c1:accept","version":1,"case_number":"ZV1","item_code":"x","department":"d","stage":"accept",` +
		`"service":"offline","channel":"pad","level":5,"evaluated_at":"2026-01-05T09:00:00Z"}`)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "0123456789abcdef0123456789abcdef"
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+goodbad.ReportPath, bytes.NewReader(body))
		req.Header.Set(goodbad.HeaderAppID, "app")
		req.Header.Set(goodbad.HeaderTimestamp, ts)
		req.Header.Set(goodbad.HeaderNonce, nonce)
		req.Header.Set(goodbad.HeaderSignature, goodbad.Sign("s3cret", http.MethodPost, goodbad.ReportPath, ts, nonce, body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(); got != http.StatusOK {
		t.Fatalf("first = %d", got)
	}
	if got := send(); got != http.StatusUnauthorized {
		t.Errorf("the same signed request again = %d, want 401", got)
	}
	if c := sb.Counts()["c1:accept"]; c.Received != 1 {
		t.Errorf("counts = %+v, want the replay refused before it counted", c)
	}
}
