package kv

import (
	"context"
	"time"
)

// Once guards against doing something twice across all replicas: a payment
// notification delivered again, a signed callback replayed, a nonce reused,
// a client retrying a request with the same idempotency key.
//
// Claim is the only check: never read first and claim later. A backend error
// means "unknown", and callers must fail closed (answer so that the sender
// retries later) rather than treat it as a first claim.
type Once interface {
	// Claim records key for ttl and reports whether this call was the first
	// to do so while no earlier claim was live. ttl must be positive; make it
	// at least as long as the window in which the sender may replay (for a
	// nonce, the accepted timestamp skew on either side).
	Claim(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
	// Release forgets a claim so that a retry may claim again. Call it when
	// the work the claim guarded failed in a way that a retry can fix; never
	// for a nonce that was seen.
	Release(ctx context.Context, key string) error
}
