package exchangetest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// Party describes one client of the exchange for Resilience.
type Party struct {
	// Start serves a fresh, seeded sandbox and returns a client of it built
	// with opts. It is called once for each check.
	Start func(t *testing.T, opts httpx.Options) Target
}

// Target is one client against its own sandbox.
type Target struct {
	// Call makes one idempotent query that succeeds against the seeded
	// sandbox. It may check the answer too, and return an error if it is
	// not the seeded one.
	Call func(ctx context.Context) error
	// Faults are the sandbox's injected failures, which sit in front of it.
	Faults *sandboxkit.Faults
	// Requests counts the requests that reached the sandbox so far.
	Requests func() int
	// Breaker returns the state of the client's circuit breaker.
	Breaker func() string
	// Unavailable, if set, checks what the client offers while the sandbox
	// cannot be reached: once every attempt has timed out, and again while
	// the breaker is open, when it must not send anything either.
	Unavailable func(t *testing.T, ctx context.Context)
}

// Resilience checks, as subtests, that p's client
//   - retries a query after two 5xx answers (503, then 504) and succeeds on
//     the third request;
//   - reports an answer slower than the attempt timeout as
//     httpx.ErrUnavailable;
//   - with retries off, opens its breaker after the configured number of
//     consecutive failures, then fails with httpx.ErrCircuitOpen without a
//     request reaching the sandbox, and closes it again after the cool-down.
func Resilience(t *testing.T, p Party) {
	t.Helper()
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(fmt.Sprintf("RetriesAfter%d", status), func(t *testing.T) {
			x := start(t, p, FastOptions())
			x.Faults.FailNext(2, status)
			before := x.Requests()
			if err := x.Call(context.Background()); err != nil {
				t.Fatalf("call after two %d answers: %v", status, err)
			}
			if got, want := x.Requests()-before, 3; got != want {
				t.Errorf("requests = %d, want %d", got, want)
			}
		})
	}
	t.Run("TimeoutIsUnavailable", func(t *testing.T) {
		opts := FastOptions()
		opts.AttemptTimeout = 50 * time.Millisecond
		opts.Timeout = 200 * time.Millisecond
		x := start(t, p, opts)
		x.Faults.SetLatency(time.Second)
		ctx := context.Background()
		if err := x.Call(ctx); !errors.Is(err, httpx.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		if x.Unavailable != nil {
			x.Unavailable(t, ctx)
		}
	})
	t.Run("BreakerOpensAndCloses", func(t *testing.T) {
		opts := FastOptions()
		opts.MaxAttempts = 1
		x := start(t, p, opts)
		ctx := context.Background()
		x.Faults.Down(true)
		for i := range int(opts.Breaker.ConsecutiveFailures) {
			if err := x.Call(ctx); !errors.Is(err, httpx.ErrUnavailable) {
				t.Fatalf("call %d: err = %v, want ErrUnavailable", i+1, err)
			}
		}
		if got, want := x.Breaker(), "open"; got != want {
			t.Fatalf("breaker = %q, want %q", got, want)
		}
		before := x.Requests()
		if err := x.Call(ctx); !errors.Is(err, httpx.ErrCircuitOpen) {
			t.Errorf("err = %v, want ErrCircuitOpen", err)
		}
		if x.Unavailable != nil {
			x.Unavailable(t, ctx)
		}
		if got := x.Requests() - before; got != 0 {
			t.Errorf("requests while open = %d, want 0", got)
		}
		x.Faults.Down(false)
		time.Sleep(opts.Breaker.CoolDown + 50*time.Millisecond)
		if err := x.Call(ctx); err != nil {
			t.Fatalf("after the cool-down: %v", err)
		}
		if got, want := x.Breaker(), "closed"; got != want {
			t.Errorf("breaker = %q, want %q", got, want)
		}
	})
}

// start starts p and checks that its Target is complete.
func start(t *testing.T, p Party, opts httpx.Options) Target {
	t.Helper()
	x := p.Start(t, opts)
	if x.Call == nil || x.Faults == nil || x.Requests == nil || x.Breaker == nil {
		t.Fatal("exchangetest: Target needs Call, Faults, Requests and Breaker")
	}
	return x
}
