package credit

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/integrations/exchange"
	"zerovisit/workflow"
)

// Cache is the shared cache Cached keeps standings in; kv.Cache (Redis or
// in-process) is one.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
}

// DefaultCacheTTL is how long Cached keeps a standing unless told otherwise.
const DefaultCacheTTL = 5 * time.Minute

// Cached is a Service that keeps standings in a shared cache for a short
// time: the credit check runs on every submission, and a standing rarely
// changes within minutes. Recording a false commitment forgets the
// subject's cached standing on every replica (the cache is shared).
//
// Only successful answers are cached, and only standings without false
// commitments: a subject who has one asks the library every time, so a
// credit repair the library completes counts at their next submission. A
// cache that fails is bypassed on reads; a failed invalidation is
// returned, so the outbox retries the (idempotent) record and its
// invalidation. Wrap the cache with kv.Tolerant to log and ignore such
// failures instead.
type Cached struct {
	next  Service
	cache Cache
	ttl   time.Duration
	key   []byte
}

var _ Service = (*Cached)(nil)

// CachedOption tunes NewCached.
type CachedOption func(*Cached)

// WithKeySecret keys the cache-key digest with secret. Cache keys hold an
// HMAC-SM3 of the subject's ID, never the ID itself; without a secret, an
// ID number (a small space) could be found from its key by trying them
// all. Every replica must use the same secret.
func WithKeySecret(secret []byte) CachedOption {
	return func(c *Cached) { c.key = append([]byte(nil), secret...) }
}

// NewCached returns next behind cache, keeping standings for ttl
// (DefaultCacheTTL if not positive).
func NewCached(next Service, cache Cache, ttl time.Duration, opts ...CachedOption) *Cached {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	c := &Cached{next: next, cache: cache, ttl: ttl}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Status returns the cached standing or asks next and caches its answer.
func (c *Cached) Status(ctx context.Context, subjectID string) (Standing, error) {
	key, ok := c.cacheKey(subjectID)
	if !ok { // not a valid ID: next says why
		return c.next.Status(ctx, subjectID)
	}
	if b, hit, err := c.cache.Get(ctx, key); err == nil && hit {
		var s Standing
		if json.Unmarshal(b, &s) == nil && s.Status.Valid() {
			return s, nil
		}
	}
	s, err := c.next.Status(ctx, subjectID)
	if err != nil {
		return Standing{}, err
	}
	if s.FalseCommitments > 0 {
		return s, nil
	}
	if b, err := json.Marshal(s); err == nil {
		_ = c.cache.Set(ctx, key, b, c.ttl) // a failed Set costs a later miss only
	}
	return s, nil
}

// RecordFalseCommitment records through next, then forgets the subject's
// cached standing (even when next failed: the record may have been made).
func (c *Cached) RecordFalseCommitment(ctx context.Context, e workflow.RecordFalseCommitment, subjectID string) error {
	err := c.next.RecordFalseCommitment(ctx, e, subjectID)
	key, ok := c.cacheKey(subjectID)
	if !ok {
		return err
	}
	derr := c.cache.Delete(ctx, key)
	if err != nil {
		return err
	}
	if derr != nil {
		return fmt.Errorf("credit: forget cached status: %w", derr)
	}
	return nil
}

// Forget drops a subject's cached standing, for callers that learn of a
// change some other way.
func (c *Cached) Forget(ctx context.Context, subjectID string) error {
	key, ok := c.cacheKey(subjectID)
	if !ok {
		return nil
	}
	if err := c.cache.Delete(ctx, key); err != nil {
		return fmt.Errorf("credit: forget cached status: %w", err)
	}
	return nil
}

// cacheKey is "credit:status:" and a keyed digest of the normalised ID.
func (c *Cached) cacheKey(subjectID string) (string, bool) {
	sub, err := exchange.ParseSubject(subjectID, time.Now())
	if err != nil {
		return "", false
	}
	mac := hmac.New(sm3.New, c.key)
	mac.Write([]byte(sub.ID))
	return "credit:status:" + hex.EncodeToString(mac.Sum(nil)[:16]), true
}
