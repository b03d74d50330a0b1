package models_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/models/kv"
)

// revocationCaches are the caches a revocation store runs over: the
// in-process store, and Redis when TEST_REDIS_URL names one. fresh returns
// an empty cache, as after a restart or a Redis that lost its keys.
func revocationCaches(t *testing.T) map[string]func() kv.RevocationCache {
	t.Helper()
	caches := map[string]func() kv.RevocationCache{
		"memory": func() kv.RevocationCache {
			m := kv.NewMemory(time.Now)
			t.Cleanup(func() { _ = m.Close() })
			return m
		},
	}
	if url := os.Getenv("TEST_REDIS_URL"); url != "" {
		client, err := kv.OpenRedis(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Close() })
		var n atomic.Int32
		caches["redis"] = func() kv.RevocationCache {
			prefix := fmt.Sprintf("revtest:%d:%d:", time.Now().UnixNano(), n.Add(1))
			t.Cleanup(func() {
				ctx := context.Background()
				iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
				for iter.Next(ctx) {
					client.Del(ctx, iter.Val())
				}
			})
			return kv.NewRedis(client, prefix)
		}
	}
	return caches
}

func TestRevocationsOutliveTheirCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		for name, fresh := range revocationCaches(t) {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				now := time.Now()
				subject := "staff:" + name
				r := models.NewRevocations(db, fresh(), time.Now)
				if err := r.Warm(ctx, subject); err != nil {
					t.Fatal(err)
				}
				if err := r.Revoke(ctx, "t-"+name, subject, now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				if err := r.RevokeSubject(ctx, subject, now); err != nil {
					t.Fatal(err)
				}
				for _, when := range []string{"cached", "with an empty cache"} {
					revoked, before, err := r.RevocationState(ctx, "t-"+name, subject)
					if err != nil || !revoked || before.Before(now) {
						t.Errorf("%s: state = %v, %s, %v; want revoked, subject before %s", when, revoked, before, err, now)
					}
					if other, _, _ := r.RevocationState(ctx, "t-other", subject); other {
						t.Errorf("%s: a token never revoked is revoked", when)
					}
					r = models.NewRevocations(db, fresh(), time.Now)
				}
			})
		}
	})
}

func TestRevocationsSpendOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		for name, fresh := range revocationCaches(t) {
			t.Run(name, func(t *testing.T) {
				r := models.NewRevocations(db, fresh(), time.Now)
				var wins atomic.Int32
				var wg sync.WaitGroup
				for range 16 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						first, err := r.Spend(context.Background(), "spent-"+name, "citizen:1", time.Now().Add(time.Hour))
						if err != nil {
							t.Error(err)
						}
						if first {
							wins.Add(1)
						}
					}()
				}
				wg.Wait()
				if n := wins.Load(); n != 1 {
					t.Errorf("%d of 16 concurrent spends of one token won, want 1", n)
				}
				if revoked, _, _ := r.RevocationState(context.Background(), "spent-"+name, "citizen:1"); !revoked {
					t.Error("a spent token is not revoked")
				}
			})
		}
	})
}
