package department

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// DefaultSkew is how far a callback's timestamp may be from our clock,
// either way.
const DefaultSkew = 300 * time.Second

// Nonces remembers the nonces of accepted callbacks across all replicas.
// kv.Once (Redis in production, in-process by default) implements it.
type Nonces interface {
	// Claim records key for ttl and reports whether it was not yet recorded.
	Claim(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
}

// VerifierOptions tunes a Verifier. The zero value is usable.
type VerifierOptions struct {
	// Now is our clock (time.Now if nil).
	Now func() time.Time
	// Skew is the accepted distance of a timestamp from Now (DefaultSkew if zero).
	Skew time.Duration
}

// Verifier checks the callbacks of departments' systems. It is safe for
// concurrent use.
type Verifier struct {
	eps    map[string]Endpoint
	nonces Nonces
	now    func() time.Time
	skew   time.Duration
}

// NewVerifier returns a Verifier of callbacks from the enabled endpoints,
// remembering nonces in nonces.
func NewVerifier(endpoints []Endpoint, nonces Nonces, opts VerifierOptions) (*Verifier, error) {
	if nonces == nil {
		return nil, errors.New(party + ": verifier needs a nonce store")
	}
	eps, err := index(endpoints, false)
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Skew <= 0 {
		opts.Skew = DefaultSkew
	}
	return &Verifier{eps: eps, nonces: nonces, now: opts.Now, skew: opts.Skew}, nil
}

// nonceTTL outlives every moment at which a message could still pass the
// timestamp check: one whose timestamp is ts passes from ts-skew to
// ts+skew, so a nonce first seen at the earliest must be kept 2×skew; the
// minute covers clocks of replicas that disagree a little.
func (v *Verifier) nonceTTL() time.Duration { return 2*v.skew + time.Minute }

// Verify checks a callback request whose body (read, with a size limit,
// by the caller) is body, and returns the decision it carries. It checks,
// in order: the X-ZV headers are present and well formed (ErrMalformed),
// the department is known and enabled (ErrUnknownDepartment), the
// signature is that department's (ErrBadSignature), the timestamp is
// within the skew of our clock (ErrStaleTimestamp), and the nonce is new
// (ErrReplayedNonce). Only then is the body read as a decision
// (ErrMalformed). Every refusal is a *VerifyError.
//
// The nonce is remembered only after the signature and the timestamp have
// passed, so a forged request uses up nothing. Any other error means the
// nonce store could not answer: refuse with a 503 so the department
// retries.
func (v *Verifier) Verify(r *http.Request, body []byte) (Callback, error) {
	dept := r.Header.Get(HeaderDepartment)
	ts := r.Header.Get(HeaderTimestamp)
	nonce := r.Header.Get(HeaderNonce)
	sig := r.Header.Get(HeaderSignature)
	switch {
	case dept == "":
		return Callback{}, refuse(ErrMalformed, "no %s header", HeaderDepartment)
	case ts == "":
		return Callback{}, refuse(ErrMalformed, "no %s header", HeaderTimestamp)
	case nonce == "":
		return Callback{}, refuse(ErrMalformed, "no %s header", HeaderNonce)
	case sig == "":
		return Callback{}, refuse(ErrMalformed, "no %s header", HeaderSignature)
	case !ValidNonce(nonce):
		return Callback{}, refuse(ErrMalformed, "nonce is not 8 to 64 of [A-Za-z0-9_-]")
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || unix <= 0 {
		return Callback{}, refuse(ErrMalformed, "timestamp is not unix seconds")
	}
	ep, ok := v.eps[dept]
	if !ok || !ep.Enabled {
		return Callback{}, refuse(ErrUnknownDepartment, "department %q", dept)
	}
	if !ValidSignature(ep.Secret, ts, nonce, body, sig) {
		return Callback{}, refuse(ErrBadSignature, "from department %s", dept)
	}
	if d := v.now().Sub(time.Unix(unix, 0)); d > v.skew || d < -v.skew {
		return Callback{}, refuse(ErrStaleTimestamp, "timestamp %s off our clock (allowed ±%s)", d.Round(time.Second), v.skew)
	}
	first, err := v.nonces.Claim(r.Context(), "department:nonce:"+dept+":"+nonce, v.nonceTTL())
	if err != nil {
		return Callback{}, fmt.Errorf("%s: verify callback: remember nonce: %w", party, err)
	}
	if !first {
		return Callback{}, refuse(ErrReplayedNonce, "from department %s", dept)
	}
	return parseCallback(dept, body)
}
