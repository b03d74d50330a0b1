// Package kv holds the product's short-lived shared state: a TTL cache,
// replay guards for callbacks and nonces, short locks for background work,
// rate limits, and token revocations.
//
// Every concept is a small interface with two implementations: Redis, the
// production store shared by all server replicas (a single server, a Sentinel
// set or a Cluster alike, through redis.UniversalClient), and Memory, an
// in-process store that is the embedded default so that the product runs on
// a fresh machine with nothing installed. Both pass the same behaviour suite.
//
// Every Redis command touches a single key, so the Redis store works
// unchanged on a Cluster.
package kv

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is everything the product keeps in Redis, in one value that cmd
// wires once and hands to the parts that need a piece of it.
type Store interface {
	Cache
	Once
	Locker
	Limiter
	RevocationCache
	// Ping reports whether the backend answers. Report it in health
	// details and metrics rather than failing a readiness probe on it:
	// cached reads degrade to misses while Redis is down, and taking every
	// replica out of the load balancer would turn that into an outage.
	Ping(ctx context.Context) error
	// Close releases what the store itself owns.
	Close() error
}

var (
	_ Store = (*Redis)(nil)
	_ Store = (*Memory)(nil)
)

// ErrNotAcquired is returned by Locker.Acquire when another holder has the
// lock. It is expected under contention and is not a backend failure.
var ErrNotAcquired = errors.New("kv: lock is held by another holder")

// ErrNotHeld is returned by Lease.Refresh and Lease.Release when the lease is
// no longer the caller's: it expired, and possibly someone else took it.
var ErrNotHeld = errors.New("kv: lease is no longer held")

// ErrClosed is returned by a Memory store after Close.
var ErrClosed = errors.New("kv: store is closed")

// Option tunes a store built by NewRedis or NewMemory.
type Option func(*options)

type options struct {
	subjectRetention time.Duration
	maxEntries       int
}

const defaultMaxEntries = 100_000

func buildOptions(opts []Option) options {
	o := options{maxEntries: defaultMaxEntries}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithSubjectRetention makes a RevokeSubject record expire d after its
// revoke-before time. Set d to the longest lifetime of any token the product
// issues (refresh tokens included): after that, every token the record could
// reject has expired anyway. Zero, the default, keeps records forever, which
// is always safe and costs one small key per revoked subject.
func WithSubjectRetention(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.subjectRetention = d
		}
	}
}

// WithMaxEntries bounds how many cache entries and how many rate-limit keys a
// Memory store keeps (each separately). When a bound is reached, expired
// entries go first, then arbitrary ones: a forgotten cache entry is a miss
// and a forgotten rate-limit key starts with a full burst, so the bound
// never breaks correctness. Replay guards, locks and revocations are never
// evicted early. The default is 100,000. Redis ignores this option; bound it
// with maxmemory and an eviction policy of volatile-* instead.
func WithMaxEntries(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxEntries = n
		}
	}
}

// checkTTL rejects a non-positive TTL: everything in this package is
// short-lived, and Redis would read zero as "keep forever".
func checkTTL(op string, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("kv: %s: ttl %v must be positive", op, ttl)
	}
	return nil
}

// ceilMicro returns t in Unix microseconds, rounded up so that a revocation
// never ends, or starts covering, earlier than asked.
func ceilMicro(t time.Time) int64 {
	us := t.UnixMicro()
	if t.After(time.UnixMicro(us)) {
		us++
	}
	return us
}

// ceilMilli is ceilMicro in milliseconds, the precision of Redis expiry.
func ceilMilli(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.After(time.UnixMilli(ms)) {
		ms++
	}
	return ms
}
