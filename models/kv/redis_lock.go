package kv

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// refreshScript extends a lock only while it still holds the caller's token.
var refreshScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
`)

// releaseScript deletes a lock only while it still holds the caller's token.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// Acquire implements Locker with SET NX PX and a random token.
func (r *Redis) Acquire(ctx context.Context, key string, ttl time.Duration) (*Lease, error) {
	if err := checkTTL("acquire lock "+key, ttl); err != nil {
		return nil, err
	}
	token := newToken()
	ok, err := r.c.SetNX(ctx, r.key("l", key), token, atLeastMilli(ttl)).Result()
	if err != nil {
		return nil, fmt.Errorf("kv: acquire lock %s: %w", key, err)
	}
	if !ok {
		return nil, ErrNotAcquired
	}
	return &Lease{key: key, token: token, b: r}, nil
}

func (r *Redis) refresh(ctx context.Context, key, token string, ttl time.Duration) error {
	n, err := refreshScript.Run(ctx, r.c, []string{r.key("l", key)}, token, atLeastMilli(ttl).Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("kv: refresh lock %s: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("kv: refresh lock %s: %w", key, ErrNotHeld)
	}
	return nil
}

func (r *Redis) release(ctx context.Context, key, token string) error {
	n, err := releaseScript.Run(ctx, r.c, []string{r.key("l", key)}, token).Int()
	if err != nil {
		return fmt.Errorf("kv: release lock %s: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("kv: release lock %s: %w", key, ErrNotHeld)
	}
	return nil
}
