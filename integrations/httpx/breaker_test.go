package httpx_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
)

func breakerOptions(failures uint32, coolDown time.Duration) httpx.Options {
	opts := fastOptions()
	opts.MaxAttempts = 1
	opts.Breaker = httpx.BreakerOptions{ConsecutiveFailures: failures, CoolDown: coolDown}
	return opts
}

func TestBreaker_OpensAfterConsecutiveFailuresAndRecovers(t *testing.T) {
	sb := newSandbox(t, nil)
	var (
		mu      sync.Mutex
		changes []string
	)
	opts := breakerOptions(3, 100*time.Millisecond)
	opts.OnStateChange = func(party, from, to string) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, from+">"+to)
	}
	c := newClient(t, opts)
	ctx := context.Background()

	sb.Faults.Down(true)
	for i := range 3 {
		err := c.GetJSON(ctx, sb.URL+"/x", nil)
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != http.StatusServiceUnavailable {
			t.Fatalf("call %d: err = %v, want a 503", i, err)
		}
	}
	if got, want := c.State(), "open"; got != want {
		t.Fatalf("breaker = %q, want %q", got, want)
	}

	t.Run("FailsFastWithoutSending", func(t *testing.T) {
		for range 5 {
			err := c.GetJSON(ctx, sb.URL+"/x", nil)
			if !errors.Is(err, httpx.ErrCircuitOpen) || !errors.Is(err, httpx.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrCircuitOpen (and ErrUnavailable)", err)
			}
		}
		if got, want := sb.Rec.Len(), 3; got != want {
			t.Errorf("requests = %d, want %d: an open breaker must not reach the server", got, want)
		}
	})

	t.Run("HalfOpenProbeFailsReopens", func(t *testing.T) {
		time.Sleep(150 * time.Millisecond)
		if err := c.GetJSON(ctx, sb.URL+"/x", nil); errors.Is(err, httpx.ErrCircuitOpen) || err == nil {
			t.Fatalf("probe: err = %v, want the server's 503", err)
		}
		if err := c.GetJSON(ctx, sb.URL+"/x", nil); !errors.Is(err, httpx.ErrCircuitOpen) {
			t.Fatalf("after failed probe: err = %v, want ErrCircuitOpen", err)
		}
		if got, want := sb.Rec.Len(), 4; got != want {
			t.Errorf("requests = %d, want %d (one probe)", got, want)
		}
	})

	t.Run("ClosesAfterCoolDownWhenServerRecovers", func(t *testing.T) {
		sb.Faults.Down(false)
		time.Sleep(150 * time.Millisecond)
		if err := c.GetJSON(ctx, sb.URL+"/x", nil); err != nil {
			t.Fatalf("after cool-down: %v", err)
		}
		if got, want := c.State(), "closed"; got != want {
			t.Errorf("breaker = %q, want %q", got, want)
		}
		if err := c.GetJSON(ctx, sb.URL+"/x", nil); err != nil {
			t.Fatalf("closed again: %v", err)
		}
		if got, want := sb.Rec.Len(), 6; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	want := []string{"closed>open", "open>half-open", "half-open>open", "open>half-open", "half-open>closed"}
	if got := changes; len(got) != len(want) {
		t.Errorf("state changes = %v, want %v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("state changes = %v, want %v", got, want)
				break
			}
		}
	}
}

func TestBreaker_OpenBreakerStopsRetries(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.Down(true)
	opts := breakerOptions(2, time.Hour)
	opts.MaxAttempts = 5
	c := newClient(t, opts)

	err := c.GetJSON(context.Background(), sb.URL+"/x", nil)
	if !errors.Is(err, httpx.ErrCircuitOpen) {
		t.Fatalf("err = %v, want ErrCircuitOpen once the breaker opened mid-retry", err)
	}
	if got, want := sb.Rec.Len(), 2; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestBreaker_ClientErrorsDoNotTrip(t *testing.T) {
	sb := newSandbox(t, http.NotFoundHandler())
	c := newClient(t, breakerOptions(3, time.Hour))

	for i := range 10 {
		err := c.GetJSON(context.Background(), sb.URL+"/nothing", nil)
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != http.StatusNotFound {
			t.Fatalf("call %d: err = %v, want a 404", i, err)
		}
	}
	if got, want := sb.Rec.Len(), 10; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
	if got, want := c.State(), "closed"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
}

func TestBreaker_TooManyRequestsTrips(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(2, http.StatusTooManyRequests)
	c := newClient(t, breakerOptions(2, time.Hour))
	for range 2 {
		_ = c.GetJSON(context.Background(), sb.URL+"/x", nil)
	}
	if got, want := c.State(), "open"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
}

func TestBreaker_FailureRatio(t *testing.T) {
	sb := newSandbox(t, nil)
	opts := breakerOptions(100, time.Hour)
	opts.Breaker.FailureRatio = 0.5
	opts.Breaker.MinRequests = 4
	c := newClient(t, opts)
	ctx := context.Background()

	// ok, fail, ok, fail: 2 of 4 failed, never two in a row.
	for i := range 4 {
		if i%2 == 1 {
			sb.Faults.FailNext(1, http.StatusInternalServerError)
		}
		_ = c.GetJSON(ctx, sb.URL+"/x", nil)
		if i < 3 && c.State() != "closed" {
			t.Fatalf("breaker opened after %d calls, want after 4", i+1)
		}
	}
	if got, want := c.State(), "open"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
	if err := c.GetJSON(ctx, sb.URL+"/x", nil); !errors.Is(err, httpx.ErrCircuitOpen) {
		t.Errorf("err = %v, want ErrCircuitOpen", err)
	}
}
