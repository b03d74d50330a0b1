package kv_test

import (
	"context"
	"crypto/rand"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"

	"zerovisit/models/kv"
)

func TestMain(m *testing.M) {
	// The dead-server tests make go-redis log every failed dial to stderr.
	logging.Disable()
	os.Exit(m.Run())
}

// backend is one store under test with its own clock.
type backend struct {
	store kv.Store
	// now reads the backend's clock.
	now func() time.Time
	// wait lets d pass on the backend's clock.
	wait func(d time.Duration)
	// ttl is a short TTL for expiry tests: virtual on fake clocks, real on
	// a real server, where it costs wall time.
	ttl time.Duration
	// margin is how far past a TTL to wait to be sure it has passed.
	margin time.Duration
}

// factory builds a fresh backend for one test, so that tests can run in
// parallel without sharing a clock or keys.
type factory func(tb testing.TB, opts ...kv.Option) backend

// factories returns the backends every suite runs against. The real Redis
// one skips without TEST_REDIS_URL, and fails instead when CI is "true".
func factories() []struct {
	name string
	new  factory
} {
	return []struct {
		name string
		new  factory
	}{
		{"Memory", newMemoryBackend},
		{"Miniredis", newMiniredisBackend},
		{"Redis", newRealRedisBackend},
	}
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newMemoryBackend(tb testing.TB, opts ...kv.Option) backend {
	tb.Helper()
	clock := newFakeClock()
	m := kv.NewMemory(clock.Now, opts...)
	tb.Cleanup(func() { _ = m.Close() })
	return backend{store: m, now: clock.Now, wait: clock.Advance, ttl: time.Second, margin: time.Millisecond}
}

// newMiniredisBackend runs the Redis store on miniredis, whose clock (for
// TIME and for expiries) follows a fake one.
func newMiniredisBackend(tb testing.TB, opts ...kv.Option) backend {
	tb.Helper()
	mr := miniredis.RunT(tb)
	clock := newFakeClock()
	mr.SetTime(clock.Now())
	client := mustOpen(tb, "redis://"+mr.Addr())
	wait := func(d time.Duration) {
		clock.Advance(d)
		mr.SetTime(clock.Now())
		mr.FastForward(d)
	}
	return backend{
		store: kv.NewRedis(client, randomPrefix(), opts...),
		now:   clock.Now, wait: wait, ttl: time.Second, margin: time.Millisecond,
	}
}

// redisURL returns TEST_REDIS_URL, skipping the test without it, or failing
// it when CI is "true": CI must exercise the real server.
func redisURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("CI=true but TEST_REDIS_URL is empty: the real Redis tests must run in CI")
		}
		tb.Skip("TEST_REDIS_URL not set")
	}
	return url
}

func newRealRedisBackend(tb testing.TB, opts ...kv.Option) backend {
	tb.Helper()
	client := mustOpen(tb, redisURL(tb))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		tb.Fatalf("ping TEST_REDIS_URL: %v", err)
	}
	prefix := randomPrefix()
	tb.Cleanup(func() { deleteKeys(tb, client, prefix+"*", "rate:"+prefix+"*") })
	return backend{
		store: kv.NewRedis(client, prefix, opts...),
		now:   time.Now, wait: time.Sleep,
		// Redis expires keys to the millisecond; 500ms keeps the few
		// sleeping tests (run in parallel) to about three seconds.
		ttl: 500 * time.Millisecond, margin: 100 * time.Millisecond,
	}
}

func mustOpen(tb testing.TB, url string) redis.UniversalClient {
	tb.Helper()
	client, err := kv.OpenRedis(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = client.Close() })
	return client
}

// randomPrefix keeps each test's keys apart from every other test's, since
// other packages use the same Redis at the same time.
func randomPrefix() string { return "kvtest:" + rand.Text()[:12] + ":" }

// deleteKeys removes a test's keys by pattern (never FLUSHDB: the server is
// shared).
func deleteKeys(tb testing.TB, client redis.UniversalClient, patterns ...string) {
	tb.Helper()
	ctx := context.Background()
	for _, p := range patterns {
		iter := client.Scan(ctx, 0, p, 200).Iterator()
		for iter.Next(ctx) {
			if err := client.Del(ctx, iter.Val()).Err(); err != nil {
				tb.Errorf("clean up %s: %v", iter.Val(), err)
			}
		}
		if err := iter.Err(); err != nil {
			tb.Errorf("clean up %s: %v", p, err)
		}
	}
}
