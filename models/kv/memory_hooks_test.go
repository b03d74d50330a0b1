package kv

import (
	"context"
	"testing"
	"time"
)

// Sweep runs the janitor's sweep now.
func (m *Memory) Sweep() { m.sweep() }

// Sizes returns how many entries the store holds: cache entries, rate-limit
// keys, and everything else.
func (m *Memory) Sizes() (cache, rates, other int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.cache), len(m.rates), len(m.claims) + len(m.locks) + len(m.revoked) + len(m.subjects)
}

// TestSizesCountsEveryKindOfEntry keeps Sizes honest: the sweep and bound
// tests read it, and would pass vacuously if it missed a kind of entry.
func TestSizesCountsEveryKindOfEntry(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(time.Now)
	defer m.Close()
	if c, r, o := m.Sizes(); c+r+o != 0 {
		t.Fatalf("a new store holds %d, %d, %d entries", c, r, o)
	}
	if err := m.Set(ctx, "c", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Allow(ctx, "r", Limit{Rate: 1, Period: time.Minute, Burst: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Claim(ctx, "o", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Acquire(ctx, "l", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := m.Revoke(ctx, "t", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := m.RevokeSubject(ctx, "s", time.Now()); err != nil {
		t.Fatal(err)
	}
	if c, r, o := m.Sizes(); c != 1 || r != 1 || o != 4 {
		t.Errorf("Sizes = %d cache, %d rates, %d other; want 1, 1, 4", c, r, o)
	}
}
