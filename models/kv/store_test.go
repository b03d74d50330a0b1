package kv_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zerovisit/models/kv"
)

// TestStore runs one behaviour suite against every backend.
func TestStore(t *testing.T) {
	for _, f := range factories() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			newB := f.new
			if f.name == "Redis" {
				redisURL(t) // skip or fail once, not per test
			}
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, newB)
				})
			}
		})
	}
}

var suite = []struct {
	name string
	run  func(t *testing.T, newB factory)
}{
	{"Cache", testCache},
	{"CacheTTL", testCacheTTL},
	{"OnceClaim", testOnceClaim},
	{"OnceTTL", testOnceTTL},
	{"OnceConcurrent", testOnceConcurrent},
	{"LockExclusive", testLockExclusive},
	{"LockRefreshRelease", testLockRefreshRelease},
	{"LockRefreshExtends", testLockRefreshExtends},
	{"LockExpiredAndRetaken", testLockExpiredAndRetaken},
	{"LimitBurst", testLimitBurst},
	{"LimitRefill", testLimitRefill},
	{"RevokeToken", testRevokeToken},
	{"RevokeSubject", testRevokeSubject},
	{"RevocationState", testRevocationState},
	{"RevokeSubjectRetention", testRevokeSubjectRetention},
	{"Ping", testPing},
	{"InvalidArguments", testInvalidArguments},
}

func testCache(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	c := b.store

	if _, ok, err := c.Get(ctx, "case:1"); err != nil || ok {
		t.Fatalf("Get(missing) = ok %v, err %v; want a miss", ok, err)
	}
	if err := c.Set(ctx, "case:1", []byte("v1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Get(ctx, "case:1")
	if err != nil || !ok || !bytes.Equal(got, []byte("v1")) {
		t.Fatalf("Get = %q, %v, %v; want v1, true, nil", got, ok, err)
	}
	got[0] = 'X' // the caller's copy, not the stored value
	if err := c.Set(ctx, "case:2", []byte{}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := c.Get(ctx, "case:2"); !ok || len(got) != 0 {
		t.Errorf("Get(empty value) = %q, %v; want empty hit", got, ok)
	}
	if err := c.Set(ctx, "case:1", []byte("v2"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.Get(ctx, "case:1"); string(got) != "v2" {
		t.Errorf("Get after overwrite = %q, want v2", got)
	}
	if err := c.Delete(ctx, "case:1", "case:2", "case:missing"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"case:1", "case:2"} {
		if _, ok, _ := c.Get(ctx, k); ok {
			t.Errorf("Get(%s) after Delete hit", k)
		}
	}
}

func testCacheTTL(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	if err := b.store.Set(ctx, "k", []byte("v"), b.ttl); err != nil {
		t.Fatal(err)
	}
	b.wait(b.ttl / 2)
	if _, ok, _ := b.store.Get(ctx, "k"); !ok {
		t.Fatal("entry gone before its TTL")
	}
	b.wait(b.ttl/2 + b.margin)
	if _, ok, _ := b.store.Get(ctx, "k"); ok {
		t.Fatal("entry still there after its TTL")
	}
}

func testOnceClaim(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	o := b.store
	for i, want := range []bool{true, false, false} {
		if got, err := o.Claim(ctx, "notify:T1", time.Minute); err != nil || got != want {
			t.Fatalf("claim %d = %v, %v; want %v", i+1, got, err, want)
		}
	}
	if got, _ := o.Claim(ctx, "notify:T2", time.Minute); !got {
		t.Error("claim of another key was not first")
	}
	if err := o.Release(ctx, "notify:T1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Claim(ctx, "notify:T1", time.Minute); !got {
		t.Error("claim after Release was not first")
	}
}

func testOnceTTL(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	if first, _ := b.store.Claim(ctx, "nonce:n1", b.ttl); !first {
		t.Fatal("first claim was not first")
	}
	b.wait(b.ttl + b.margin)
	if first, _ := b.store.Claim(ctx, "nonce:n1", b.ttl); !first {
		t.Fatal("claim after TTL was not first")
	}
}

// concurrently runs fn from n goroutines released at once.
func concurrently(n int, fn func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			fn(i)
		})
	}
	start.Done()
	done.Wait()
}

func testOnceConcurrent(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	var mu sync.Mutex
	firsts := 0
	concurrently(50, func(int) {
		first, err := b.store.Claim(ctx, "callback:abc", time.Minute)
		if err != nil {
			t.Error(err)
		}
		if first {
			mu.Lock()
			firsts++
			mu.Unlock()
		}
	})
	if got, want := firsts, 1; got != want {
		t.Fatalf("%d first claims, want %d", got, want)
	}
}

func testPing(t *testing.T, newB factory) {
	if err := newB(t).store.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func testInvalidArguments(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	checks := map[string]error{
		"Set":       b.store.Set(ctx, "k", []byte("v"), 0),
		"Claim":     second(b.store.Claim(ctx, "k", -time.Second)),
		"Acquire":   second(b.store.Acquire(ctx, "k", 0)),
		"Allow":     second(b.store.Allow(ctx, "k", kv.Limit{Rate: 0, Period: time.Second, Burst: 1})),
		"AllowHuge": second(b.store.Allow(ctx, "k", kv.Limit{Rate: 1, Period: 24 * time.Hour, Burst: 1e6})),
	}
	for op, err := range checks {
		if err == nil {
			t.Errorf("%s with an invalid argument: no error", op)
		}
	}
	l, err := b.store.Acquire(ctx, "k", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Refresh(ctx, 0); err == nil || errors.Is(err, kv.ErrNotHeld) {
		t.Errorf("Refresh(0) = %v, want an argument error", err)
	}
}

func second[T any](_ T, err error) error { return err }
