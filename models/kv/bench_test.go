package kv_test

import (
	"context"
	"testing"
	"time"

	"zerovisit/models/kv"
)

// benchBackends runs fn once per backend; the real Redis one only with
// TEST_REDIS_URL.
func benchBackends(b *testing.B, fn func(b *testing.B, s kv.Store)) {
	for _, f := range factories() {
		b.Run(f.name, func(b *testing.B) {
			if f.name == "Redis" {
				redisURL(b)
			}
			fn(b, f.new(b).store)
		})
	}
}

func BenchmarkCacheGet(b *testing.B) {
	benchBackends(b, func(b *testing.B, s kv.Store) {
		ctx := context.Background()
		val := make([]byte, 512)
		if err := s.Set(ctx, "case:1", val, time.Hour); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, ok, err := s.Get(ctx, "case:1"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

func BenchmarkLimiterAllow(b *testing.B) {
	benchBackends(b, func(b *testing.B, s kv.Store) {
		ctx := context.Background()
		l := kv.Limit{Rate: 1 << 30, Period: time.Second, Burst: 1 << 30}
		for b.Loop() {
			if _, err := s.Allow(ctx, "ip:10.0.0.1", l); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCacheGetParallel measures throughput with all CPUs asking at
// once, which is how a server uses the store.
func BenchmarkCacheGetParallel(b *testing.B) {
	benchBackends(b, func(b *testing.B, s kv.Store) {
		ctx := context.Background()
		if err := s.Set(ctx, "case:1", make([]byte, 512), time.Hour); err != nil {
			b.Fatal(err)
		}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, ok, err := s.Get(ctx, "case:1"); err != nil || !ok {
					b.Error(ok, err)
					return
				}
			}
		})
	})
}
