package kv_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zerovisit/models/kv"
)

func testLockExclusive(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	var mu sync.Mutex
	var held []*kv.Lease
	concurrently(50, func(int) {
		l, err := b.store.Acquire(ctx, "sweep", time.Minute)
		switch {
		case errors.Is(err, kv.ErrNotAcquired):
		case err != nil:
			t.Error(err)
		default:
			mu.Lock()
			held = append(held, l)
			mu.Unlock()
		}
	})
	if got, want := len(held), 1; got != want {
		t.Fatalf("%d holders, want %d", got, want)
	}
	if err := held[0].Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func testLockRefreshRelease(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	a, err := b.store.Acquire(ctx, "outbox", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if a.Key() != "outbox" || len(a.Token()) < 16 {
		t.Errorf("lease key %q token %q", a.Key(), a.Token())
	}
	if err := a.Refresh(ctx, time.Minute); err != nil {
		t.Fatalf("Refresh by holder: %v", err)
	}
	if _, err := b.store.Acquire(ctx, "outbox", time.Minute); !errors.Is(err, kv.ErrNotAcquired) {
		t.Fatalf("second Acquire: err %v, want ErrNotAcquired", err)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatalf("Release by holder: %v", err)
	}
	if err := a.Release(ctx); !errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("second Release: err %v, want ErrNotHeld", err)
	}
	if err := a.Refresh(ctx, time.Minute); !errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("Refresh after Release: err %v, want ErrNotHeld", err)
	}
	c, err := b.store.Acquire(ctx, "outbox", time.Minute)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if c.Token() == a.Token() {
		t.Error("two leases share a token")
	}
}

func testLockRefreshExtends(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	a, err := b.store.Acquire(ctx, "timer", b.ttl)
	if err != nil {
		t.Fatal(err)
	}
	b.wait(b.ttl * 3 / 4)
	if err := a.Refresh(ctx, b.ttl); err != nil {
		t.Fatal(err)
	}
	b.wait(b.ttl * 3 / 4) // past the first TTL, within the refreshed one
	if _, err := b.store.Acquire(ctx, "timer", b.ttl); !errors.Is(err, kv.ErrNotAcquired) {
		t.Fatalf("Acquire after refresh: err %v, want ErrNotAcquired", err)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func testLockExpiredAndRetaken(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	old, err := b.store.Acquire(ctx, "report", b.ttl)
	if err != nil {
		t.Fatal(err)
	}
	b.wait(b.ttl + b.margin)
	if err := old.Refresh(ctx, b.ttl); !errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("Refresh after expiry: err %v, want ErrNotHeld", err)
	}
	cur, err := b.store.Acquire(ctx, "report", time.Minute)
	if err != nil {
		t.Fatalf("Acquire after expiry: %v", err)
	}
	if err := old.Refresh(ctx, time.Minute); !errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("old holder's Refresh: err %v, want ErrNotHeld", err)
	}
	if err := old.Release(ctx); !errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("old holder's Release: err %v, want ErrNotHeld", err)
	}
	if _, err := b.store.Acquire(ctx, "report", time.Minute); !errors.Is(err, kv.ErrNotAcquired) {
		t.Fatalf("new holder lost the lock to the old one: err %v", err)
	}
	if err := cur.Release(ctx); err != nil {
		t.Fatalf("new holder's Release: %v", err)
	}
}
