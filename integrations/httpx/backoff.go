package httpx

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// jitterBackOff is a backoff.BackOff: exponential delays with full or equal
// jitter, a Retry-After from the last response taking precedence, and a stop
// when the next wait would end after the call's deadline (waiting would only
// turn the last error into a timeout).
type jitterBackOff struct {
	exp           backoff.ExponentialBackOff
	jitter        Jitter
	maxRetryAfter time.Duration
	deadline      time.Time // zero if none

	retryAfter time.Duration // set by the attempt, consumed by NextBackOff
}

var _ backoff.BackOff = (*jitterBackOff)(nil)

func newJitterBackOff(o Options, deadline time.Time) *jitterBackOff {
	return &jitterBackOff{
		exp: backoff.ExponentialBackOff{
			InitialInterval:     o.BaseDelay,
			RandomizationFactor: 0, // the jitter is ours
			Multiplier:          2,
			MaxInterval:         o.MaxDelay,
		},
		jitter:        o.Jitter,
		maxRetryAfter: o.MaxRetryAfter,
		deadline:      deadline,
	}
}

func (b *jitterBackOff) Reset() {
	b.exp.Reset()
	b.retryAfter = 0
}

func (b *jitterBackOff) NextBackOff() time.Duration {
	var d time.Duration
	if ra := b.retryAfter; ra > 0 {
		b.retryAfter = 0
		if ra > b.maxRetryAfter {
			return backoff.Stop
		}
		d = ra
	} else {
		d = applyJitter(b.exp.NextBackOff(), b.jitter)
	}
	if !b.deadline.IsZero() && time.Now().Add(d).After(b.deadline) {
		return backoff.Stop
	}
	return d
}

func applyJitter(d time.Duration, j Jitter) time.Duration {
	if d <= 0 {
		return 0
	}
	if j == EqualJitter {
		half := d / 2
		return half + rand.N(d-half+1)
	}
	return rand.N(d + 1)
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 if absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(min(secs, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
