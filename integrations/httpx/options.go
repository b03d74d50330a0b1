package httpx

import "time"

// Jitter chooses how a backoff delay is randomised, so that many replicas
// retrying against one recovering party do not arrive in step.
type Jitter int

const (
	// FullJitter waits a uniformly random time in [0, d].
	FullJitter Jitter = iota
	// EqualJitter waits d/2 plus a uniformly random time in [0, d/2].
	EqualJitter
)

// Options configures a Client. The zero value is usable: every zero field
// takes the default named in its comment.
type Options struct {
	// Timeout bounds a whole call: all attempts and the waits between them
	// (default 30s). Reading a streamed body (Do) counts against it too.
	Timeout time.Duration
	// AttemptTimeout bounds one attempt (default 10s). Like Timeout, it
	// keeps running while a streamed body from Do is read: raise both for
	// large downloads.
	AttemptTimeout time.Duration
	// MaxAttempts is the number of tries of a request that is safe to
	// repeat, the first included (default 3; 1 disables retries).
	MaxAttempts int
	// BaseDelay is the backoff before the first retry, doubled for each
	// further one (default 100ms), up to MaxDelay (default 5s), before jitter.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Jitter is FullJitter (the default) or EqualJitter.
	Jitter Jitter
	// MaxRetryAfter is the longest Retry-After that is waited out (default
	// 10s); a party asking for longer gets the error back at once, with the
	// wait in StatusError.RetryAfter, so the outbox can schedule it.
	MaxRetryAfter time.Duration
	// MaxErrorBody is how much of an error response's body StatusError keeps
	// (default 4 KiB).
	MaxErrorBody int
	// MaxResponseBody limits the bodies GetJSON and PostJSON read (default 8 MiB).
	MaxResponseBody int64
	// Breaker configures the party's circuit breaker.
	Breaker BreakerOptions
	// OnCall, if set, is called once per call with its outcome (one of the
	// Outcome* constants) and duration (until the response headers, or the
	// whole body for the JSON helpers), for metrics.
	OnCall func(party, outcome string, d time.Duration)
	// OnStateChange, if set, is called when the breaker changes state
	// ("closed", "half-open", "open"), for logs and alerts.
	OnStateChange func(party, from, to string)
}

// BreakerOptions configures a party's circuit breaker. It opens after
// ConsecutiveFailures failed attempts in a row, or when at least
// MinRequests attempts within Interval have failed in FailureRatio or more
// of the cases; after CoolDown it lets HalfOpenRequests probes through and
// closes when they all succeed. Failures are transport errors, timeouts, 5xx
// and 429; other 4xx are the caller's fault and count as successes.
type BreakerOptions struct {
	ConsecutiveFailures uint32        // default 5
	FailureRatio        float64       // 0 (the default) disables the ratio rule
	MinRequests         uint32        // default 20
	Interval            time.Duration // default 60s
	CoolDown            time.Duration // default 30s
	HalfOpenRequests    uint32        // default 1
}

// Outcomes passed to Options.OnCall.
const (
	OutcomeOK          = "ok"
	OutcomeClientError = "client_error" // a 4xx other than 429
	OutcomeServerError = "server_error" // a 5xx or 429
	OutcomeUnavailable = "unavailable"  // transport failure or timeout
	OutcomeCircuitOpen = "circuit_open"
	OutcomeCanceled    = "canceled" // the caller's context ended
	OutcomeError       = "error"    // anything else (refused host, unreadable body, …)
)

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 30*time.Second)
	def(&o.AttemptTimeout, 10*time.Second)
	def(&o.BaseDelay, 100*time.Millisecond)
	def(&o.MaxDelay, 5*time.Second)
	def(&o.MaxRetryAfter, 10*time.Second)
	def(&o.Breaker.Interval, 60*time.Second)
	def(&o.Breaker.CoolDown, 30*time.Second)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.MaxErrorBody <= 0 {
		o.MaxErrorBody = 4 << 10
	}
	if o.MaxResponseBody <= 0 {
		o.MaxResponseBody = 8 << 20
	}
	if o.Breaker.ConsecutiveFailures == 0 {
		o.Breaker.ConsecutiveFailures = 5
	}
	if o.Breaker.MinRequests == 0 {
		o.Breaker.MinRequests = 20
	}
	if o.Breaker.HalfOpenRequests == 0 {
		o.Breaker.HalfOpenRequests = 1
	}
	return o
}
