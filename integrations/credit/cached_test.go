package credit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/credit"
	"zerovisit/integrations/credit/sandbox"
	"zerovisit/models/kv"
	"zerovisit/workflow"
)

// kv.Cache is what cmd hands to NewCached.
var _ credit.Cache = kv.Cache(nil)

// spyCache is a kv.Memory that remembers the keys it was given and can be
// made to fail.
type spyCache struct {
	*kv.Memory
	keys []string
	fail bool
}

var errCacheDown = errors.New("cache down")

func (c *spyCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.keys = append(c.keys, key)
	if c.fail {
		return nil, false, errCacheDown
	}
	return c.Memory.Get(ctx, key)
}

func (c *spyCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if c.fail {
		return errCacheDown
	}
	return c.Memory.Set(ctx, key, val, ttl)
}

func (c *spyCache) Delete(ctx context.Context, keys ...string) error {
	if c.fail {
		return errCacheDown
	}
	return c.Memory.Delete(ctx, keys...)
}

func newCache(tb testing.TB) *spyCache {
	tb.Helper()
	m := kv.NewMemory(time.Now)
	tb.Cleanup(func() { m.Close() })
	return &spyCache{Memory: m}
}

func TestCached_HitsDoNotReachTheLibrary(t *testing.T) {
	e := newEnv(t, fastOptions())
	cache := newCache(t)
	c := credit.NewCached(e.client, cache, 5*time.Minute, credit.WithKeySecret([]byte("k")))
	ctx := context.Background()

	first, err := c.Status(ctx, sandbox.WangWuID)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	before := e.sb.Recorder.Len()
	for range 3 {
		st, err := c.Status(ctx, sandbox.WangWuID)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got, want := st.Status, first.Status; got != want {
			t.Errorf("cached status = %q, want %q", got, want)
		}
	}
	if got, want := e.sb.Recorder.Len(), before; got != want {
		t.Errorf("requests = %d, want %d (all hits)", got-before, 0)
	}
	for _, k := range cache.keys {
		if strings.Contains(k, sandbox.WangWuID) || !strings.HasPrefix(k, "credit:status:") {
			t.Errorf("cache key %q: want credit:status: and no ID number", k)
		}
	}
}

func TestCached_ExpiresAfterTTL(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := credit.NewCached(e.client, newCache(t), 50*time.Millisecond)
	ctx := context.Background()
	if _, err := c.Status(ctx, sandbox.ZhangSanID); err != nil {
		t.Fatal(err)
	}
	e.sb.Blacklist(sandbox.ZhangSanID, "失信被执行人名单")
	time.Sleep(80 * time.Millisecond)
	st, err := c.Status(ctx, sandbox.ZhangSanID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Status, workflow.CreditBlack; got != want {
		t.Errorf("status after the ttl = %q, want %q", got, want)
	}
}

func TestCached_RecordFalseCommitmentInvalidates(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := credit.NewCached(e.client, newCache(t), 5*time.Minute)
	ctx := context.Background()

	st, err := c.Status(ctx, sandbox.ZhangSanID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.FalseCommitments, 0; got != want {
		t.Fatalf("false commitments = %d, want %d", got, want)
	}
	if err := c.RecordFalseCommitment(ctx, falseCommitment("ZV2026000301"), sandbox.ZhangSanID); err != nil {
		t.Fatalf("RecordFalseCommitment: %v", err)
	}
	before := e.sb.Recorder.Len()
	st, err = c.Status(ctx, sandbox.ZhangSanID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.sb.Recorder.Len()-before, 1; got != want {
		t.Errorf("requests = %d, want %d (a miss after invalidation)", got, want)
	}
	if got, want := st.FalseCommitments, 1; got != want {
		t.Errorf("false commitments = %d, want %d", got, want)
	}
	if err := c.RecordFalseCommitment(ctx, falseCommitment("ZV2026000301"), sandbox.ZhangSanID); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if got, want := len(e.sb.Records()), 1; got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
}

func TestCached_CacheDown(t *testing.T) {
	e := newEnv(t, fastOptions())
	cache := newCache(t)
	cache.fail = true
	c := credit.NewCached(e.client, cache, time.Minute)
	ctx := context.Background()

	st, err := c.Status(ctx, sandbox.OuyangID)
	if err != nil {
		t.Fatalf("Status with the cache down: %v", err)
	}
	if got, want := st.Status, workflow.CreditRed; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	err = c.RecordFalseCommitment(ctx, falseCommitment("ZV2026000302"), sandbox.OuyangID)
	if !errors.Is(err, errCacheDown) {
		t.Errorf("err = %v, want the failed invalidation", err)
	}
	if got, want := len(e.sb.Records()), 1; got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
	tolerant := credit.NewCached(e.client, kv.Tolerant(cache, nil), time.Minute)
	if err := tolerant.RecordFalseCommitment(ctx, falseCommitment("ZV2026000302"), sandbox.OuyangID); err != nil {
		t.Errorf("through kv.Tolerant: %v", err)
	}
}

func TestCached_ErrorsAreNotCached(t *testing.T) {
	opts := fastOptions()
	opts.MaxAttempts = 1
	e := newEnv(t, opts)
	c := credit.NewCached(e.client, newCache(t), time.Minute)
	ctx := context.Background()
	e.sb.Faults.FailNext(1, 503)
	if _, err := c.Status(ctx, sandbox.ZhangSanID); err == nil {
		t.Fatal("Status succeeded, want the 503")
	}
	st, err := c.Status(ctx, sandbox.ZhangSanID)
	if err != nil || st.Status != workflow.CreditNormal {
		t.Errorf("Status after the failure = %+v, %v; want normal", st, err)
	}
}

// TestCached_FalseCommitmentsAreNotCached: a subject with false
// commitments asks the library every time, so a completed repair counts
// at once.
func TestCached_FalseCommitmentsAreNotCached(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := credit.NewCached(e.client, newCache(t), 5*time.Minute)
	ctx := context.Background()
	if err := c.RecordFalseCommitment(ctx, falseCommitment("ZV2026000303"), sandbox.ZhangSanID); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(ctx, sandbox.ZhangSanID); err != nil || st.FalseCommitments != 1 {
		t.Fatalf("Status = %+v, %v; want one false commitment", st, err)
	}
	time.Sleep(time.Millisecond)
	e.sb.Repair(sandbox.ZhangSanID, "杭州市信用办")
	st, err := c.Status(ctx, sandbox.ZhangSanID)
	if err != nil || st.FalseCommitments != 0 || st.Repair == nil {
		t.Errorf("Status after the repair = %+v, %v; want the repair and no false commitment", st, err)
	}
}
