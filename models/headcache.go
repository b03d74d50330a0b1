package models

import "sync"

// head is a case's version and the hash of the event that produced it.
type head struct {
	version int64
	hash    string
}

// headCache remembers recent case heads so that, on PostgreSQL, a change can
// chain its event to the previous hash without first reading the case: the
// whole transition is then one statement, one round trip. A cached head can
// never be wrong about the version it names (event n of a case is written
// once), only behind the database; the UPDATE's WHERE checks both the
// version and the hash, so a stale entry costs a retry, never a bad chain.
type headCache struct {
	mu  sync.Mutex
	max int
	m   map[string]head
}

func newHeadCache(max int) *headCache {
	return &headCache{max: max, m: make(map[string]head)}
}

func (c *headCache) get(id string) (head, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[id]
	return h, ok
}

// put records h unless a newer head of the case is already known.
func (c *headCache) put(id string, h head) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[id]; ok && old.version >= h.version {
		return
	}
	if len(c.m) >= c.max {
		// Evict an arbitrary entry: map iteration order is random enough,
		// and a miss only costs one extra read.
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = h
}
