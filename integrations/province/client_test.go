package province_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

const (
	pathToken  = "/api/v1/auth/token"
	pathReport = "/api/v1/cases/report"
	pathQuery  = "/api/v1/cases/query"
)

func TestReport_FetchesTokenOnceAndReusesIt(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()

	for v := int64(1); v <= 3; v++ {
		if err := c.Report(ctx, report(number(1), v, workflow.StatusAccepted)); err != nil {
			t.Fatalf("Report v%d: %v", v, err)
		}
	}
	if got, want := p.TokensIssued(), 1; got != want {
		t.Errorf("tokens issued = %d, want %d", got, want)
	}
	if got, want := requestsTo(p, pathToken), 1; got != want {
		t.Errorf("token requests = %d, want %d", got, want)
	}
}

func TestReport_ConcurrentCallersShareOneToken(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := c.Report(context.Background(), report(number(i), 1, workflow.StatusAccepted)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, want := p.TokensIssued(), 1; got != want {
		t.Errorf("tokens issued = %d, want %d", got, want)
	}
	if got, want := len(p.Holdings()), 20; got != want {
		t.Errorf("holdings = %d, want %d", got, want)
	}
}

func TestReport_PlatformExpiredTokenIsRefreshedAndRetriedOnce(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	if err := c.Report(ctx, report(number(1), 1, workflow.StatusAccepted)); err != nil {
		t.Fatal(err)
	}
	p.ExpireTokens() // the platform ends it early; the client still trusts it

	if err := c.Report(ctx, report(number(1), 2, workflow.StatusApproved)); err != nil {
		t.Fatalf("Report after expiry: %v", err)
	}
	if got, want := p.TokensIssued(), 2; got != want {
		t.Errorf("tokens issued = %d, want %d", got, want)
	}
	// token, report, report refused (401 token_expired), token, report.
	if got, want := requestsTo(p, pathReport), 3; got != want {
		t.Errorf("report requests = %d, want %d", got, want)
	}
	if got, want := p.Holdings()[number(1)].Version, int64(2); got != want {
		t.Errorf("held version = %d, want %d", got, want)
	}
}

func TestReport_TokenIsRenewedBeforeItsExpiry(t *testing.T) {
	clk := newClock()
	p := newPlatform(t, sandbox.Config{TokenTTL: time.Hour, Now: clk.Now})
	c := newClient(t, p, clk.Now)
	ctx := context.Background()
	if err := c.Report(ctx, report(number(1), 1, workflow.StatusAccepted)); err != nil {
		t.Fatal(err)
	}
	clk.Add(59*time.Minute + 30*time.Second) // within the renewal margin, still valid on the platform

	if err := c.Report(ctx, report(number(1), 2, workflow.StatusApproved)); err != nil {
		t.Fatal(err)
	}
	if got, want := p.TokensIssued(), 2; got != want {
		t.Errorf("tokens issued = %d, want %d", got, want)
	}
	if got, want := requestsTo(p, pathReport), 2; got != want {
		t.Errorf("report requests = %d, want %d (no 401 on the way)", got, want)
	}
}

func TestReport_ExpiredTwiceGivesUp(t *testing.T) {
	// The platform's clock runs two seconds a reading: every one-second
	// token has expired by the time it is used, the retry's too.
	var readings atomic.Int64
	start := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	fast := func() time.Time { return start.Add(time.Duration(readings.Add(1)) * 2 * time.Second) }
	p := newPlatform(t, sandbox.Config{TokenTTL: time.Second, Now: fast})
	c := newClient(t, p, func() time.Time { return start })

	err := c.Report(context.Background(), report(number(1), 1, workflow.StatusAccepted))
	var ae *province.APIError
	if !errors.As(err, &ae) || ae.Code != province.CodeTokenExpired {
		t.Fatalf("err = %v, want a token_expired APIError", err)
	}
	if got, want := requestsTo(p, pathReport), 2; got != want {
		t.Errorf("report requests = %d, want %d", got, want)
	}
	if errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("err = %v matches ErrPermanent, want it retried later", err)
	}
}

func TestReport_WrongCredentials(t *testing.T) {
	p := newPlatform(t, sandbox.Config{AppID: creds.AppID, Secret: "another secret"})
	c := newClient(t, p, nil)

	err := c.Report(context.Background(), report(number(1), 1, workflow.StatusAccepted))
	var ae *province.APIError
	if !errors.As(err, &ae) || ae.Code != province.CodeInvalidCredentials || ae.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 invalid_credentials APIError", err)
	}
	if errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("err = %v matches ErrPermanent; a configuration fix mends it", err)
	}
	if got, want := requestsTo(p, pathReport), 0; got != want {
		t.Errorf("report requests = %d, want %d", got, want)
	}
}

func TestReport_SameVersionTwiceIsOneHolding(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	r := report(number(7), 3, workflow.StatusAccepted)

	for i := range 2 {
		if err := c.Report(ctx, r); err != nil {
			t.Fatalf("Report #%d: %v", i+1, err)
		}
	}
	h := p.Holdings()
	if got, want := len(h), 1; got != want {
		t.Fatalf("holdings = %d, want %d", got, want)
	}
	if got, want := h[r.Number].Version, int64(3); got != want {
		t.Errorf("held version = %d, want %d", got, want)
	}
	want := sandbox.Count{Received: 2, Accepted: 1, Duplicates: 1}
	if diff := cmp.Diff(want, p.Counts()[sandbox.Key{Number: r.Number, Version: 3}]); diff != "" {
		t.Errorf("count mismatch (-want +got):\n%s", diff)
	}
	for _, rq := range p.Recorder().Requests() {
		if rq.Path != pathReport {
			continue
		}
		if got, want := rq.Header.Get(province.HeaderIdempotencyKey), number(7)+":3"; got != want {
			t.Errorf("%s = %q, want %q", province.HeaderIdempotencyKey, got, want)
		}
	}
}

func TestReport_OlderAfterNewerKeepsNewer(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()

	if err := c.Report(ctx, report(number(1), 5, workflow.StatusApproved)); err != nil {
		t.Fatal(err)
	}
	if err := c.Report(ctx, report(number(1), 3, workflow.StatusAccepted)); err != nil {
		t.Fatalf("older report: %v, want it acknowledged", err)
	}
	h := p.Holdings()[number(1)]
	if got, want := h.Version, int64(5); got != want {
		t.Errorf("held version = %d, want %d", got, want)
	}
	if got, want := h.Status, string(workflow.StatusApproved); got != want {
		t.Errorf("held status = %q, want %q", got, want)
	}
	if got, want := p.Counts()[sandbox.Key{Number: number(1), Version: 3}], (sandbox.Count{Received: 1, Stale: 1}); got != want {
		t.Errorf("count of v3 = %+v, want %+v", got, want)
	}
	if err := c.Report(ctx, report(number(1), 6, workflow.StatusDelivering)); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Holdings()[number(1)].Version, int64(6); got != want {
		t.Errorf("held version after newer = %d, want %d", got, want)
	}
}

func TestReport_RetriesTemporaryServerErrors(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	if err := c.Report(ctx, report(number(1), 1, workflow.StatusAccepted)); err != nil { // fetch the token first
		t.Fatal(err)
	}
	p.Recorder().Reset()

	p.Faults().FailNext(2, http.StatusServiceUnavailable)
	if err := c.Report(ctx, report(number(1), 2, workflow.StatusApproved)); err != nil {
		t.Fatalf("Report through two 503s: %v", err)
	}
	if got, want := requestsTo(p, pathReport), 3; got != want {
		t.Errorf("report requests = %d, want %d", got, want)
	}
	if got, want := p.Counts()[sandbox.Key{Number: number(1), Version: 2}].Accepted, 1; got != want {
		t.Errorf("accepted = %d, want %d", got, want)
	}
}

func TestReport_InternalErrorIsReturnedForALaterRetry(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	r := report(number(1), 1, workflow.StatusAccepted)

	p.Faults().FailNext(1, http.StatusInternalServerError)
	err := c.Report(ctx, r)
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusInternalServerError {
		t.Fatalf("err = %v, want a 500 StatusError", err)
	}
	if errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("err = %v matches ErrPermanent", err)
	}
	if err := c.Report(ctx, r); err != nil { // the outbox's next attempt
		t.Fatalf("retry: %v", err)
	}
	if got, want := p.Holdings()[r.Number].Version, int64(1); got != want {
		t.Errorf("held version = %d, want %d", got, want)
	}
}

func TestReport_DownIsUnavailable(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	p.Faults().Down(true)

	err := c.Report(context.Background(), report(number(1), 1, workflow.StatusAccepted))
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got, want := err.Error(), "province: report case ZV2025000001 version 1: fetch access token: "; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("err = %q, want it to start %q", got, want)
	}
}

func TestReport_InvalidIsPermanentAndNotSent(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	tests := map[string]func(*workflow.ReportProvince){
		"NoNumber":     func(r *workflow.ReportProvince) { r.Number = "" },
		"NoItem":       func(r *workflow.ReportProvince) { r.ItemCode = "" },
		"NoDepartment": func(r *workflow.ReportProvince) { r.Department = "" },
		"NoStatus":     func(r *workflow.ReportProvince) { r.Status = "" },
		"ZeroVersion":  func(r *workflow.ReportProvince) { r.DataVersion = 0 },
		"NoTime":       func(r *workflow.ReportProvince) { r.At = time.Time{} },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			r := report(number(1), 1, workflow.StatusAccepted)
			spoil(&r)
			err := c.Report(context.Background(), r)
			if !errors.Is(err, province.ErrInvalidReport) || !errors.Is(err, workflow.ErrPermanent) {
				t.Errorf("err = %v, want ErrInvalidReport and ErrPermanent", err)
			}
		})
	}
	if got, want := p.Recorder().Len(), 0; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestGet(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	r := report("ZV/2025 001", 4, workflow.StatusApproved) // needs escaping in the path
	if err := c.Report(ctx, r); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := c.Get(ctx, r.Number)
		if err != nil {
			t.Fatal(err)
		}
		want := province.Held{
			Number: r.Number, ItemCode: r.ItemCode, Department: r.Department, Status: r.Status,
			Version: 4, At: r.At, ReceivedAt: got.ReceivedAt,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrNotHeld", func(t *testing.T) {
		_, err := c.Get(ctx, number(99))
		if !errors.Is(err, province.ErrNotHeld) {
			t.Errorf("err = %v, want ErrNotHeld", err)
		}
	})
}

func TestQuery_BatchesByFiveHundred(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	ctx := context.Background()
	var numbers []string
	for i := range 1203 {
		numbers = append(numbers, number(i))
		if i%2 == 0 {
			if err := c.Report(ctx, report(number(i), int64(i%5+1), workflow.StatusAccepted)); err != nil {
				t.Fatal(err)
			}
		}
	}
	numbers = append(numbers, number(0), "") // a repeat and a blank are asked for once, or not at all

	held, err := c.Query(ctx, numbers)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(held), 602; got != want {
		t.Errorf("held = %d, want %d", got, want)
	}
	if got, want := held[number(10)].Version, int64(1); got != want {
		t.Errorf("version of %s = %d, want %d", number(10), got, want)
	}
	if _, ok := held[number(11)]; ok {
		t.Errorf("%s held, want missing", number(11))
	}
	if got, want := requestsTo(p, pathQuery), 3; got != want {
		t.Errorf("query requests = %d, want %d", got, want)
	}
}

func TestQuery_Empty(t *testing.T) {
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	held, err := c.Query(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(held), 0; got != want {
		t.Errorf("held = %d, want %d", got, want)
	}
	if got, want := p.Recorder().Len(), 0; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}
