package kv

import (
	"context"
	"crypto/rand"
	"time"
)

// Locker hands out short exclusive leases, such as "one replica runs the SLA
// timer sweep at a time". A lease is a best-effort mutual exclusion that ends
// when its TTL does: a holder that stalls past its TTL (a GC pause, a slow
// network) may overlap the next holder. Use leases to avoid duplicate work,
// and keep correctness in the database (optimistic version checks).
type Locker interface {
	// Acquire takes the lock named key for ttl, which must be positive. It
	// returns ErrNotAcquired at once when someone else holds it; it does not
	// wait.
	Acquire(ctx context.Context, key string, ttl time.Duration) (*Lease, error)
}

// Lease is a held lock. Its token, random per Acquire, is what proves the
// holder: Refresh and Release act only while the stored token is still this
// one, so a holder whose lease expired and was taken by another can neither
// extend nor release the new holder's lease.
type Lease struct {
	key   string
	token string
	b     leaseBackend
}

// leaseBackend is the compare-and-act half of a Locker.
type leaseBackend interface {
	refresh(ctx context.Context, key, token string, ttl time.Duration) error
	release(ctx context.Context, key, token string) error
}

// Key returns the name of the lock.
func (l *Lease) Key() string { return l.key }

// Token returns the random value that identifies this holder.
func (l *Lease) Token() string { return l.token }

// Refresh extends the lease to ttl from now. It returns ErrNotHeld when the
// lease has expired, whether or not someone else took the lock since.
func (l *Lease) Refresh(ctx context.Context, ttl time.Duration) error {
	if err := checkTTL("refresh lock "+l.key, ttl); err != nil {
		return err
	}
	return l.b.refresh(ctx, l.key, l.token, ttl)
}

// Release gives the lock up. It returns ErrNotHeld when the lease had
// already expired; the lock is then not this holder's to release.
func (l *Lease) Release(ctx context.Context) error {
	return l.b.release(ctx, l.key, l.token)
}

// newToken returns 128 random bits as text. crypto/rand does not fail on the
// platforms Go supports.
func newToken() string { return rand.Text() }
