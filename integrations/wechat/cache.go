package wechat

import (
	"context"
	"time"
)

// Cache is the shared store access tokens are kept in, so that every
// replica uses one token: kv.Cache (Redis, or in-process) is one.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
}

// cacheTimeout bounds one cache operation: the SDK's cache interface takes
// no context.
const cacheTimeout = 2 * time.Second

// tokenCache adapts Cache to the SDK's cache.Cache. It replaces the SDK's
// own memory cache, whose Get reads its map without the lock. A cache that
// fails is a miss (a fresh token is fetched), never an error: the SDK turns
// a failed Set into a failed call.
type tokenCache struct {
	c Cache
}

const tokenCachePrefix = "wechat:"

func (t tokenCache) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cacheTimeout)
}

// Get returns the cached string, or nil.
func (t tokenCache) Get(key string) interface{} {
	ctx, cancel := t.ctx()
	defer cancel()
	b, ok, err := t.c.Get(ctx, tokenCachePrefix+key)
	if err != nil || !ok || len(b) == 0 {
		return nil
	}
	return string(b)
}

// Set stores a string value; other types are not cached.
func (t tokenCache) Set(key string, val interface{}, timeout time.Duration) error {
	s, ok := val.(string)
	if !ok || s == "" || timeout <= 0 {
		return nil
	}
	ctx, cancel := t.ctx()
	defer cancel()
	_ = t.c.Set(ctx, tokenCachePrefix+key, []byte(s), timeout)
	return nil
}

// IsExist reports whether key holds a value.
func (t tokenCache) IsExist(key string) bool { return t.Get(key) != nil }

// Delete forgets key.
func (t tokenCache) Delete(key string) error {
	ctx, cancel := t.ctx()
	defer cancel()
	_ = t.c.Delete(ctx, tokenCachePrefix+key)
	return nil
}
