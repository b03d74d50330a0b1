package elicense_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/httpx"
)

func TestResilience_RetriesQueryAfter5xx(t *testing.T) {
	e := newEnv(t, fastOptions())
	e.sb.Faults.FailNext(2, http.StatusServiceUnavailable)
	before := e.sb.Recorder.Len()

	ls, err := e.client.Licences(context.Background(), sandbox.RestaurantID, "")
	if err != nil {
		t.Fatalf("Licences: %v", err)
	}
	if got, want := len(ls), 2; got != want {
		t.Errorf("licences = %d, want %d", got, want)
	}
	if got, want := e.sb.Recorder.Len()-before, 3; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestResilience_RetriesIssueAfter5xxOnce(t *testing.T) {
	e := newEnv(t, fastOptions())
	e.sb.Faults.FailNext(1, http.StatusBadGateway)
	before := len(e.sb.Licences())

	if _, err := e.client.Issue(context.Background(), issueRequest("ZV2026000010")); err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if got, want := len(e.sb.Licences()), before+1; got != want {
		t.Errorf("licences held = %d, want %d", got, want)
	}
	reqs := e.sb.Recorder.Requests()
	last := reqs[len(reqs)-2:]
	if got, want := last[0].Header.Get(httpx.HeaderIdempotencyKey), "elicense-issue:ZV2026000010"; got != want {
		t.Errorf("idempotency key = %q, want %q", got, want)
	}
	if got, other := last[1].Header.Get("X-Nonce"), last[0].Header.Get("X-Nonce"); got == other {
		t.Errorf("retry reused nonce %q: each attempt must be signed afresh", got)
	}
}

func TestResilience_TimeoutIsUnavailable(t *testing.T) {
	opts := fastOptions()
	opts.AttemptTimeout = 50 * time.Millisecond
	opts.Timeout = 200 * time.Millisecond
	e := newEnv(t, opts)
	e.sb.Faults.SetLatency(time.Second)

	_, err := e.client.Licences(context.Background(), sandbox.RestaurantID, "")
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	res, err := e.client.Lookup(context.Background(), sandbox.RestaurantID, "yyzz")
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got, want := res.Degraded, true; got != want {
		t.Errorf("degraded = %v, want %v", got, want)
	}
	if got, want := res.Reason, elicense.ReasonUnavailable; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
}

func TestResilience_BreakerOpensAndCloses(t *testing.T) {
	opts := fastOptions()
	opts.MaxAttempts = 1
	e := newEnv(t, opts)
	ctx := context.Background()
	e.sb.Faults.Down(true)

	for i := range 3 {
		if _, err := e.client.Licences(ctx, sandbox.RestaurantID, ""); !errors.Is(err, httpx.ErrUnavailable) {
			t.Fatalf("call %d: err = %v, want ErrUnavailable", i+1, err)
		}
	}
	if got, want := e.client.State(), "open"; got != want {
		t.Fatalf("breaker = %q, want %q", got, want)
	}
	before := e.sb.Recorder.Len()
	_, err := e.client.Licences(ctx, sandbox.RestaurantID, "")
	if !errors.Is(err, httpx.ErrCircuitOpen) {
		t.Errorf("err = %v, want ErrCircuitOpen", err)
	}
	res, err := e.client.Lookup(ctx, sandbox.RestaurantID, "yyzz")
	if err != nil || !res.Degraded {
		t.Errorf("Lookup with the breaker open = %+v, %v; want degraded", res, err)
	}
	if got, want := e.sb.Recorder.Len(), before; got != want {
		t.Errorf("requests while open = %d, want %d", got-before, 0)
	}

	e.sb.Faults.Down(false)
	time.Sleep(150 * time.Millisecond) // the cool-down
	if _, err := e.client.Licences(ctx, sandbox.RestaurantID, ""); err != nil {
		t.Fatalf("after the cool-down: %v", err)
	}
	if got, want := e.client.State(), "closed"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
}
