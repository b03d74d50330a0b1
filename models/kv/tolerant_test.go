package kv_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"zerovisit/models/kv"
)

// deadRedis returns a client for an address where a Redis server was and
// is no longer, with a short dial timeout.
func deadRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		t.Fatal(err)
	}
	addr := mr.Addr()
	mr.Close()
	return mustOpen(t, "redis://"+addr+"?dial_timeout=200ms")
}

func TestTolerantCache(t *testing.T) {
	ctx := context.Background()
	inner := kv.NewRedis(deadRedis(t), randomPrefix())
	if _, _, err := inner.Get(ctx, "k"); err == nil || !strings.HasPrefix(err.Error(), "kv: get cache: ") {
		t.Fatalf("inner Get on a dead server: err %v, want a kv: get cache error", err)
	}

	var logs bytes.Buffer
	c := kv.Tolerant(inner, slog.New(slog.NewJSONHandler(&logs, nil)))
	const key, secret = "citizen:110101199003074258", "secret-value"
	if val, ok, err := c.Get(ctx, key); val != nil || ok || err != nil {
		t.Errorf("Get = %q, %v, %v; want a miss", val, ok, err)
	}
	if err := c.Set(ctx, key, []byte(secret), time.Minute); err != nil {
		t.Errorf("Set = %v, want nil", err)
	}
	if err := c.Delete(ctx, key); err != nil {
		t.Errorf("Delete = %v, want nil", err)
	}

	out := logs.String()
	if got, want := strings.Count(out, "\n"), 1; got != want {
		t.Errorf("%d log lines, want %d (throttled):\n%s", got, want, out)
	}
	if !strings.Contains(out, "kv: cache unavailable") || !strings.Contains(out, `"key_prefix":"citizen"`) {
		t.Errorf("log lacks message or key prefix:\n%s", out)
	}
	for _, leak := range []string{secret, "110101199003074258"} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %q:\n%s", leak, out)
		}
	}
}

func TestTolerantCacheCancelledContextNotLogged(t *testing.T) {
	var logs bytes.Buffer
	c := kv.Tolerant(kv.NewRedis(deadRedis(t), randomPrefix()), slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok, err := c.Get(ctx, "case:1"); ok || err != nil {
		t.Fatalf("Get = %v, %v; want a miss", ok, err)
	}
	if logs.Len() != 0 {
		t.Errorf("logged a caller's cancellation:\n%s", logs.String())
	}
}

func TestTolerantCachePassesThrough(t *testing.T) {
	ctx := context.Background()
	b := newMemoryBackend(t)
	c := kv.Tolerant(b.store, nil)
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := c.Get(ctx, "k"); err != nil || !ok || string(got) != "v" {
		t.Fatalf("Get = %q, %v, %v", got, ok, err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := c.Get(ctx, "k"); ok {
		t.Fatal("hit after Delete")
	}
}

func TestTolerantLimiterFallsBackToLocal(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	local := newMemoryBackend(t).store
	l := kv.TolerantLimiter(kv.NewRedis(deadRedis(t), randomPrefix()), local, slog.New(slog.NewJSONHandler(&logs, nil)))
	limit := kv.Limit{Rate: 1, Period: time.Minute, Burst: 2}
	var got []bool
	for range 3 {
		res, err := l.Allow(ctx, "sms:13800000000", limit)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.Allowed)
	}
	if want := []bool{true, true, false}; !equal(got, want) {
		t.Errorf("allowed %v, want %v", got, want)
	}
	if !strings.Contains(logs.String(), "limiting per replica") || strings.Contains(logs.String(), "13800000000") {
		t.Errorf("unexpected log:\n%s", logs.String())
	}
	if _, err := l.Allow(ctx, "k", kv.Limit{}); err == nil {
		t.Error("invalid limit accepted")
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPingFailsWhenServerGone(t *testing.T) {
	ctx := context.Background()
	mr := miniredis.RunT(t)
	s := kv.NewRedis(mustOpen(t, "redis://"+mr.Addr()+"?dial_timeout=200ms"), randomPrefix())
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping while up: %v", err)
	}
	mr.Close()
	start := time.Now()
	err := s.Ping(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "kv: ping redis: ") {
		t.Fatalf("Ping after the server went away: %v, want a kv: ping redis error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Ping took %v to notice", d)
	}
	// The store's operations fail (and Tolerant would turn them into misses).
	if _, err := s.Claim(ctx, "k", time.Minute); err == nil {
		t.Error("Claim on a dead server succeeded")
	}
	if _, err := s.Acquire(ctx, "k", time.Minute); err == nil || errors.Is(err, kv.ErrNotAcquired) {
		t.Errorf("Acquire on a dead server: %v, want a backend error", err)
	}
	if _, err := s.Revoked(ctx, "jti"); err == nil {
		t.Error("Revoked on a dead server succeeded: it must fail closed")
	}
}
