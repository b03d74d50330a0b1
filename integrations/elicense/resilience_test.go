package elicense_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
)

// TestResilience runs the exchange clients' resilience checks on the
// licence query, and checks that Lookup degrades to asking for an upload
// while the library cannot be reached.
func TestResilience(t *testing.T) {
	exchangetest.Resilience(t, exchangetest.Party{
		Start: func(t *testing.T, opts httpx.Options) exchangetest.Target {
			e := newEnv(t, opts)
			return exchangetest.Target{
				Call: func(ctx context.Context) error {
					ls, err := e.client.Licences(ctx, sandbox.RestaurantID, "")
					if err == nil && len(ls) != 2 {
						err = fmt.Errorf("licences = %d, want 2", len(ls))
					}
					return err
				},
				Faults:   e.sb.Faults,
				Requests: e.sb.Recorder.Len,
				Breaker:  e.client.State,
				Unavailable: func(t *testing.T, ctx context.Context) {
					res, err := e.client.Lookup(ctx, sandbox.RestaurantID, "yyzz")
					if err != nil {
						t.Errorf("Lookup: %v", err)
						return
					}
					if got, want := res.Degraded, true; got != want {
						t.Errorf("degraded = %v, want %v", got, want)
					}
					if got, want := res.Reason, elicense.ReasonUnavailable; got != want {
						t.Errorf("reason = %q, want %q", got, want)
					}
				},
			}
		},
	})
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
