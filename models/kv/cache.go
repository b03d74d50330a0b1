package kv

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Cache is a byte cache with a time to live, shared by all replicas. Callers
// own the encoding of values. Keys should name things, not carry personal
// data: they end up in Redis and, by their first segment, in logs.
type Cache interface {
	// Get returns the value stored under key and true, or false when there
	// is none (never stored, expired or deleted).
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Set stores val under key for ttl, which must be positive.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Delete removes the keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
}

// Tolerant wraps a cache so that backend failures do not fail the request:
// a failed Get is a miss, a failed Set or Delete does nothing. Each failure
// is logged at warn level (at most once every logEvery, with a count of the
// ones left out), naming the operation and the key's first segment, never
// the value. A Delete that fails leaves the old value in place until its TTL
// ends, so keep TTLs of invalidated entries short. Errors caused by the
// caller's own context (cancelled or past its deadline) are not logged.
func Tolerant(c Cache, log *slog.Logger) Cache {
	return &tolerantCache{next: c, log: newThrottledLog(log, "kv: cache unavailable, carrying on without it")}
}

type tolerantCache struct {
	next Cache
	log  *throttledLog
}

func (t *tolerantCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	val, ok, err := t.next.Get(ctx, key)
	if err != nil {
		t.log.warn(ctx, "get", key, err)
		return nil, false, nil
	}
	return val, ok, nil
}

func (t *tolerantCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := t.next.Set(ctx, key, val, ttl); err != nil {
		t.log.warn(ctx, "set", key, err)
	}
	return nil
}

func (t *tolerantCache) Delete(ctx context.Context, keys ...string) error {
	if err := t.next.Delete(ctx, keys...); err != nil {
		first := ""
		if len(keys) > 0 {
			first = keys[0]
		}
		t.log.warn(ctx, "delete", first, err)
	}
	return nil
}

// logEvery is how often a degraded wrapper logs while its backend stays down:
// often enough to see the outage, seldom enough not to flood the logs at
// thousands of requests a second.
const logEvery = 10 * time.Second

// throttledLog logs backend failures at most once every logEvery.
type throttledLog struct {
	log *slog.Logger
	msg string

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func newThrottledLog(log *slog.Logger, msg string) *throttledLog {
	if log == nil {
		log = slog.Default()
	}
	return &throttledLog{log: log, msg: msg}
}

func (l *throttledLog) warn(ctx context.Context, op, key string, err error) {
	if ctx.Err() != nil {
		return // the caller gave up; the backend may be fine
	}
	l.mu.Lock()
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < logEvery {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := l.suppressed
	l.last, l.suppressed = now, 0
	l.mu.Unlock()
	l.log.WarnContext(ctx, l.msg,
		slog.String("op", op),
		slog.String("key_prefix", keyPrefix(key)),
		slog.Int("suppressed", suppressed),
		slog.Any("err", err))
}

// keyPrefix returns the key up to its first ':' so that logs show which kind
// of entry failed without showing an identifier that may be personal.
func keyPrefix(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i]
	}
	return "?"
}
