package kv_test

import (
	"context"
	"testing"
	"time"

	"zerovisit/models/kv"
)

func testLimitBurst(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	l := kv.Limit{Rate: 1, Period: time.Minute, Burst: 3}
	for i := range l.Burst {
		res, err := b.store.Allow(ctx, "sms:1", l)
		if err != nil {
			t.Fatal(err)
		}
		if want := l.Burst - 1 - i; !res.Allowed || res.Remaining != want || res.RetryAfter != 0 {
			t.Fatalf("event %d: %+v, want allowed with %d remaining", i+1, res, want)
		}
	}
	res, err := b.store.Allow(ctx, "sms:1", l)
	if err != nil {
		t.Fatal(err)
	}
	if res.Allowed || res.Remaining != 0 || res.RetryAfter <= 0 || res.RetryAfter > l.Period {
		t.Fatalf("event past the burst: %+v, want refused with 0 < RetryAfter <= %v", res, l.Period)
	}
	if res.ResetAfter < res.RetryAfter {
		t.Errorf("ResetAfter %v < RetryAfter %v", res.ResetAfter, res.RetryAfter)
	}
	if res, _ := b.store.Allow(ctx, "sms:2", l); !res.Allowed {
		t.Error("another key was refused")
	}
}

func testLimitRefill(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	l := kv.Limit{Rate: 1, Period: b.ttl, Burst: 1}
	if res, _ := b.store.Allow(ctx, "login:ip", l); !res.Allowed {
		t.Fatal("first event refused")
	}
	res, err := b.store.Allow(ctx, "login:ip", l)
	if err != nil || res.Allowed || res.RetryAfter <= 0 || res.RetryAfter > b.ttl {
		t.Fatalf("second event: %+v, %v; want refused with 0 < RetryAfter <= %v", res, err, b.ttl)
	}
	b.wait(res.RetryAfter + b.margin)
	if res, _ := b.store.Allow(ctx, "login:ip", l); !res.Allowed {
		t.Fatalf("event after RetryAfter refused: %+v", res)
	}
}
