package kv

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Memory is the in-process Store, the embedded default. It behaves like
// Redis for a single replica; with more than one replica each would have its
// own state, so production runs on Redis.
//
// Expired entries are invisible at once and are removed by a janitor
// goroutine that Close stops.
type Memory struct {
	now  func() time.Time
	opts options

	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
	done      chan struct{}

	mu       sync.RWMutex
	cache    map[string]cacheEntry
	claims   map[string]time.Time // key -> expiry
	locks    map[string]lockEntry
	rates    map[string]time.Time // key -> GCRA theoretical arrival time, also its expiry
	revoked  map[string]time.Time // token id -> until
	subjects map[string]subjectEntry
}

type cacheEntry struct {
	val []byte
	exp time.Time
}

type lockEntry struct {
	token string
	exp   time.Time
}

type subjectEntry struct {
	before time.Time
	exp    time.Time // zero: never
}

// janitorEvery is how often Memory sweeps out expired entries. Expiry itself
// is exact; the sweep only returns memory.
const janitorEvery = 30 * time.Second

// NewMemory returns an in-process Store that reads the time from now (nil
// means time.Now); tests pass a fake clock to move through TTLs instantly.
// Call Close to stop its janitor.
func NewMemory(now func() time.Time, opts ...Option) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{
		now:      now,
		opts:     buildOptions(opts),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		cache:    make(map[string]cacheEntry),
		claims:   make(map[string]time.Time),
		locks:    make(map[string]lockEntry),
		rates:    make(map[string]time.Time),
		revoked:  make(map[string]time.Time),
		subjects: make(map[string]subjectEntry),
	}
	go m.janitor()
	return m
}

func (m *Memory) janitor() {
	defer close(m.done)
	t := time.NewTicker(janitorEvery)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.sweep()
		}
	}
}

// sweep removes every expired entry.
func (m *Memory) sweep() {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	deleteIf(m.cache, func(e cacheEntry) bool { return !now.Before(e.exp) })
	deleteIf(m.claims, func(exp time.Time) bool { return !now.Before(exp) })
	deleteIf(m.locks, func(e lockEntry) bool { return !now.Before(e.exp) })
	deleteIf(m.rates, func(tat time.Time) bool { return !now.Before(tat) })
	deleteIf(m.revoked, func(until time.Time) bool { return !now.Before(until) })
	deleteIf(m.subjects, func(e subjectEntry) bool { return !e.exp.IsZero() && !now.Before(e.exp) })
}

func deleteIf[V any](m map[string]V, drop func(V) bool) {
	for k, v := range m {
		if drop(v) {
			delete(m, k)
		}
	}
}

// makeRoom keeps a bounded map below max before a new key goes in: expired
// entries first, then arbitrary ones (map order is unspecified), down to
// 15/16 of max so that the sweep is not repeated on every insert.
func makeRoom[V any](m map[string]V, max int, expired func(V) bool) {
	if len(m) < max {
		return
	}
	deleteIf(m, expired)
	for k := range m {
		if len(m) < max-max/16 {
			break
		}
		delete(m, k)
	}
}

// Close stops the janitor. Afterwards every method returns ErrClosed.
// Calling Close again does nothing.
func (m *Memory) Close() error {
	m.closeOnce.Do(func() {
		m.closed.Store(true)
		close(m.stop)
		<-m.done
	})
	return nil
}

// Ping implements Store: an open Memory store always answers.
func (m *Memory) Ping(context.Context) error {
	if m.closed.Load() {
		return ErrClosed
	}
	return nil
}

// Get implements Cache.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	if m.closed.Load() {
		return nil, false, ErrClosed
	}
	m.mu.RLock()
	e, ok := m.cache[key]
	m.mu.RUnlock()
	if !ok || !m.now().Before(e.exp) {
		return nil, false, nil
	}
	// A copy, as from Redis: the caller may change what it gets.
	return append([]byte(nil), e.val...), true, nil
}

// Set implements Cache.
func (m *Memory) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	if err := checkTTL("set cache", ttl); err != nil {
		return err
	}
	if m.closed.Load() {
		return ErrClosed
	}
	e := cacheEntry{val: append([]byte(nil), val...)}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e.exp = now.Add(ttl)
	if _, ok := m.cache[key]; !ok {
		makeRoom(m.cache, m.opts.maxEntries, func(e cacheEntry) bool { return !now.Before(e.exp) })
	}
	m.cache[key] = e
	return nil
}

// Delete implements Cache.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	if m.closed.Load() {
		return ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.cache, k)
	}
	return nil
}

// Claim implements Once.
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkTTL("claim", ttl); err != nil {
		return false, err
	}
	if m.closed.Load() {
		return false, ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if exp, ok := m.claims[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.claims[key] = now.Add(ttl)
	return true, nil
}

// Release implements Once.
func (m *Memory) Release(_ context.Context, key string) error {
	if m.closed.Load() {
		return ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims, key)
	return nil
}
