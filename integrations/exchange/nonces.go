package exchange

import (
	"sync"
	"time"
)

// NonceCache remembers nonces for a while, for Verify. It lives in one
// process: it backs the sandboxes, which run as a single instance. It is safe
// for concurrent use.
type NonceCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time
	seen    map[string]time.Time // key -> when it may be forgotten
	sweepAt time.Time
}

// NewNonceCache returns a cache that remembers each nonce for ttl, which
// should be at least twice the accepted skew: a request stamped skew ahead
// stays acceptable until skew after that stamp. now is its clock (time.Now
// if nil).
func NewNonceCache(ttl time.Duration, now func() time.Time) *NonceCache {
	if now == nil {
		now = time.Now
	}
	return &NonceCache{ttl: ttl, now: now, seen: make(map[string]time.Time)}
}

// Seen reports whether key was recorded and has not expired, and records it.
func (c *NonceCache) Seen(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if now.After(c.sweepAt) { // at most one sweep per ttl keeps Seen cheap
		for k, exp := range c.seen {
			if now.After(exp) {
				delete(c.seen, k)
			}
		}
		c.sweepAt = now.Add(c.ttl)
	}
	if exp, ok := c.seen[key]; ok && !now.After(exp) {
		return true
	}
	c.seen[key] = now.Add(c.ttl)
	return false
}

// Len returns how many nonces are remembered.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
