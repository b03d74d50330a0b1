// Package quota holds the product's rate limits as values: how many logins,
// real-name checks, uploads or scans a caller may make in a period. The
// limits are rules of the service; the stores that count against them
// (in-process or shared through Redis) implement Limiter.
package quota

import (
	"context"
	"fmt"
	"time"
)

// Limiter rate-limits events per key (a client IP, a user, a phone number
// that receives SMS codes) across all replicas. The implementations use the
// generic cell rate algorithm (GCRA): a key may spend Burst events at once,
// and regains one every Period/Rate.
type Limiter interface {
	// Allow spends one event of key's allowance under l and reports whether
	// it was allowed. A refused event spends nothing.
	Allow(ctx context.Context, key string, l Limit) (Result, error)
}

// Limit is Rate events per Period, with at most Burst at once.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// PerMinute returns a limit of n events a minute with a burst of n.
func PerMinute(n int) Limit { return Limit{Rate: n, Period: time.Minute, Burst: n} }

// PerHour returns a limit of n events an hour with a burst of n.
func PerHour(n int) Limit { return Limit{Rate: n, Period: time.Hour, Burst: n} }

// String returns the limit as "rate/period (burst n)" for logs.
func (l Limit) String() string {
	return fmt.Sprintf("%d/%v (burst %d)", l.Rate, l.Period, l.Burst)
}

// Validate says why l cannot be enforced, or nil.
func (l Limit) Validate() error {
	if l.Rate <= 0 || l.Period <= 0 || l.Burst <= 0 {
		return fmt.Errorf("rate limit: invalid limit %v: rate, period and burst must be positive", l)
	}
	// A full burst must take less than a century to refill, so that times
	// stay far from overflowing a time.Duration.
	if float64(l.Period)/float64(l.Rate)*float64(l.Burst) > float64(100*365*24*time.Hour) {
		return fmt.Errorf("rate limit: invalid limit %v: burst takes too long to refill", l)
	}
	return nil
}

// Result is the outcome of one Allow call, with what an HTTP handler needs
// for Retry-After and RateLimit-* headers.
type Result struct {
	// Allowed reports whether the event may happen.
	Allowed bool
	// Remaining is how many more events would be allowed right now.
	Remaining int
	// RetryAfter is how long to wait before the next event is allowed;
	// zero when this one was allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key is back to a full burst.
	ResetAfter time.Duration
}
