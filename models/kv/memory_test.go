package kv_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zerovisit/models/kv"
)

func TestMemorySweepEvictsExpired(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	m := kv.NewMemory(clock.Now, kv.WithSubjectRetention(time.Hour))
	t.Cleanup(func() { _ = m.Close() })

	short, long := time.Second, time.Hour
	for _, ttl := range []time.Duration{short, long} {
		k := ttl.String()
		if err := m.Set(ctx, k, []byte("v"), ttl); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Claim(ctx, k, ttl); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Acquire(ctx, k, ttl); err != nil {
			t.Fatal(err)
		}
		if err := m.Revoke(ctx, k, clock.Now().Add(ttl)); err != nil {
			t.Fatal(err)
		}
	}
	// A rate-limit key is forgotten once back to a full burst.
	if _, err := m.Allow(ctx, "ip", kv.Limit{Rate: 1, Period: short, Burst: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Allow(ctx, "user", kv.Limit{Rate: 1, Period: long, Burst: 1}); err != nil {
		t.Fatal(err)
	}
	// Retained for an hour after the ban: until one second from now.
	if err := m.RevokeSubject(ctx, "s", clock.Now().Add(short-time.Hour)); err != nil {
		t.Fatal(err)
	}

	clock.Advance(2 * short)
	m.Sweep()
	cache, rates, other := m.Sizes()
	if cache != 1 || rates != 1 || other != 3 {
		t.Errorf("after sweep: %d cache, %d rate, %d other entries; want 1, 1, 3", cache, rates, other)
	}
}

func TestMemoryBounded(t *testing.T) {
	ctx := context.Background()
	m := kv.NewMemory(newFakeClock().Now, kv.WithMaxEntries(10))
	t.Cleanup(func() { _ = m.Close() })
	for i := range 1000 {
		k := fmt.Sprint("k", i)
		if err := m.Set(ctx, k, []byte("v"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Allow(ctx, k, kv.PerHour(5)); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Claim(ctx, k, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	cache, rates, other := m.Sizes()
	if cache > 10 || rates > 10 {
		t.Errorf("%d cache entries and %d rate keys, want at most 10 each", cache, rates)
	}
	if other != 1000 {
		t.Errorf("%d claims, want 1000: replay guards must never be evicted early", other)
	}
	if _, ok, _ := m.Get(ctx, "k999"); !ok {
		t.Error("the newest cache entry was evicted")
	}
}

func TestMemoryClose(t *testing.T) {
	ctx := context.Background()
	m := kv.NewMemory(nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	errs := map[string]error{
		"Ping":    m.Ping(ctx),
		"Set":     m.Set(ctx, "k", nil, time.Second),
		"Get":     third(m.Get(ctx, "k")),
		"Claim":   second(m.Claim(ctx, "k", time.Second)),
		"Acquire": second(m.Acquire(ctx, "k", time.Second)),
		"Allow":   second(m.Allow(ctx, "k", kv.PerMinute(1))),
		"Revoked": second(m.Revoked(ctx, "k")),
	}
	for op, err := range errs {
		if !errors.Is(err, kv.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", op, err)
		}
	}
}

func third[A, B any](_ A, _ B, err error) error { return err }

// TestMemoryConcurrentUse exercises every method, and the sweep, at once,
// for the race detector.
func TestMemoryConcurrentUse(t *testing.T) {
	ctx := context.Background()
	m := kv.NewMemory(nil)
	t.Cleanup(func() { _ = m.Close() })
	concurrently(16, func(i int) {
		for j := range 200 {
			k := fmt.Sprint("k", j%7)
			_ = m.Set(ctx, k, []byte{byte(i)}, time.Millisecond)
			_, _, _ = m.Get(ctx, k)
			_, _ = m.Claim(ctx, k, time.Millisecond)
			if l, err := m.Acquire(ctx, k, time.Millisecond); err == nil {
				_ = l.Refresh(ctx, time.Millisecond)
				_ = l.Release(ctx)
			}
			_, _ = m.Allow(ctx, k, kv.PerMinute(100))
			_ = m.Revoke(ctx, k, time.Now().Add(time.Millisecond))
			_, _ = m.Revoked(ctx, k)
			_ = m.RevokeSubject(ctx, k, time.Now())
			_, _ = m.SubjectRevokedAt(ctx, k)
			_ = m.Delete(ctx, k)
			if j%50 == 0 {
				m.Sweep()
			}
		}
	})
}
