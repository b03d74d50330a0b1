package kv

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Redis is the production Store, shared by every replica that uses the same
// Redis and prefix.
//
// Keys are laid out as <prefix><kind>:<key>, kind being c (cache), o (once),
// l (lock), v (revoked token) or s (revoked subject); rate-limit keys are
// rate:<prefix>r:<key>, the first part being redis_rate's own.
type Redis struct {
	c       redis.UniversalClient
	prefix  string
	limiter *redis_rate.Limiter
	opts    options
}

// NewRedis returns a Store on client. The prefix (for example "zerovisit:")
// keeps this product's keys apart from others in the same Redis; do not put
// a {hash tag} in it, or a Cluster will put every key in one slot. The
// client stays the caller's: Close does not close it, since other parts of
// the product may share it.
func NewRedis(client redis.UniversalClient, prefix string, opts ...Option) *Redis {
	return &Redis{
		c:       client,
		prefix:  prefix,
		limiter: redis_rate.NewLimiter(client),
		opts:    buildOptions(opts),
	}
}

func (r *Redis) key(kind, key string) string { return r.prefix + kind + ":" + key }

// Ping reports whether Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("kv: ping redis: %w", err)
	}
	return nil
}

// Close does nothing: the client belongs to whoever opened it.
func (r *Redis) Close() error { return nil }

// Get implements Cache.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	val, err := r.c.Get(ctx, r.key("c", key)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("kv: get cache: %w", err)
	}
	return val, true, nil
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := checkTTL("set cache", ttl); err != nil {
		return err
	}
	if err := r.c.Set(ctx, r.key("c", key), val, atLeastMilli(ttl)).Err(); err != nil {
		return fmt.Errorf("kv: set cache: %w", err)
	}
	return nil
}

// Delete implements Cache. Keys are deleted one command each, pipelined,
// because a multi-key DEL fails on a Cluster when keys live in different
// slots.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	var err error
	switch len(keys) {
	case 0:
		return nil
	case 1:
		err = r.c.Del(ctx, r.key("c", keys[0])).Err()
	default:
		_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Del(ctx, r.key("c", k))
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("kv: delete cache: %w", err)
	}
	return nil
}

// Claim implements Once with SET NX PX.
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkTTL("claim", ttl); err != nil {
		return false, err
	}
	first, err := r.c.SetNX(ctx, r.key("o", key), "1", atLeastMilli(ttl)).Result()
	if err != nil {
		return false, fmt.Errorf("kv: claim: %w", err)
	}
	return first, nil
}

// Release implements Once.
func (r *Redis) Release(ctx context.Context, key string) error {
	if err := r.c.Del(ctx, r.key("o", key)).Err(); err != nil {
		return fmt.Errorf("kv: release claim: %w", err)
	}
	return nil
}

// Allow implements Limiter with redis_rate, whose GCRA script reads the
// clock of Redis itself, so replicas with skewed clocks agree.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if err := checkLimit(l); err != nil {
		return Result{}, err
	}
	res, err := r.limiter.Allow(ctx, r.key("r", key), redis_rate.Limit{Rate: l.Rate, Period: l.Period, Burst: l.Burst})
	if err != nil {
		return Result{}, fmt.Errorf("kv: rate limit: %w", err)
	}
	out := Result{
		Allowed:    res.Allowed > 0,
		Remaining:  res.Remaining,
		RetryAfter: max(res.RetryAfter, 0),
		ResetAfter: max(res.ResetAfter, 0),
	}
	return out, nil
}

// atLeastMilli rounds a positive TTL below Redis's millisecond precision up
// to one millisecond, which go-redis would otherwise do with a log line.
func atLeastMilli(ttl time.Duration) time.Duration {
	return max(ttl, time.Millisecond)
}
