package kv

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// raiseScript stores ARGV[1] (a Unix time in microseconds) under KEYS[1]
// unless a later time is already there, and then makes the key expire at
// ARGV[2] (Unix milliseconds), or never when ARGV[2] is empty. Both kinds of
// revocation only ever move forward, so two replicas racing cannot undo a
// ban.
var raiseScript = redis.NewScript(`
local cur = redis.call("GET", KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then
	return 0
end
redis.call("SET", KEYS[1], ARGV[1])
if ARGV[2] ~= "" then
	redis.call("PEXPIREAT", KEYS[1], ARGV[2])
end
return 1
`)

// Revoke implements Revocations. The record expires at until by Redis's
// clock.
func (r *Redis) Revoke(ctx context.Context, id string, until time.Time) error {
	args := []any{ceilMicro(until), strconv.FormatInt(ceilMilli(until), 10)}
	if err := raiseScript.Run(ctx, r.c, []string{r.key("v", id)}, args...).Err(); err != nil {
		return fmt.Errorf("kv: revoke token: %w", err)
	}
	return nil
}

// Revoked implements Revocations.
func (r *Redis) Revoked(ctx context.Context, id string) (bool, error) {
	n, err := r.c.Exists(ctx, r.key("v", id)).Result()
	if err != nil {
		return false, fmt.Errorf("kv: check revoked token: %w", err)
	}
	return n > 0, nil
}

// RevokeSubject implements Revocations.
func (r *Redis) RevokeSubject(ctx context.Context, subject string, before time.Time) error {
	expireAt := ""
	if d := r.opts.subjectRetention; d > 0 {
		expireAt = strconv.FormatInt(ceilMilli(before.Add(d)), 10)
	}
	args := []any{ceilMicro(before), expireAt}
	if err := raiseScript.Run(ctx, r.c, []string{r.key("s", subject)}, args...).Err(); err != nil {
		return fmt.Errorf("kv: revoke subject: %w", err)
	}
	return nil
}

// SubjectRevokedAt implements Revocations.
func (r *Redis) SubjectRevokedAt(ctx context.Context, subject string) (time.Time, error) {
	us, err := r.c.Get(ctx, r.key("s", subject)).Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("kv: check revoked subject: %w", err)
	}
	return time.UnixMicro(us), nil
}

// RevocationState implements Revocations: both reads in one pipeline.
func (r *Redis) RevocationState(ctx context.Context, id, subject string) (bool, time.Time, error) {
	var exists *redis.IntCmd
	var before *redis.StringCmd
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.Exists(ctx, r.key("v", id))
		before = p.Get(ctx, r.key("s", subject))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, time.Time{}, fmt.Errorf("kv: check revocations: %w", err)
	}
	us, err := before.Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return exists.Val() > 0, time.Time{}, nil
	case err != nil:
		return false, time.Time{}, fmt.Errorf("kv: check revoked subject: %w", err)
	}
	return exists.Val() > 0, time.UnixMicro(us), nil
}

// CachedRevocationState implements RevocationCache: the three reads in one
// pipeline.
func (r *Redis) CachedRevocationState(ctx context.Context, id, subject string) (bool, time.Time, bool, error) {
	var exists, warm *redis.IntCmd
	var before *redis.StringCmd
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.Exists(ctx, r.key("v", id))
		before = p.Get(ctx, r.key("s", subject))
		warm = p.Exists(ctx, r.key("w", subject))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, time.Time{}, false, fmt.Errorf("kv: check revocations: %w", err)
	}
	var at time.Time
	us, err := before.Int64()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return false, time.Time{}, false, fmt.Errorf("kv: check revoked subject: %w", err)
	default:
		at = time.UnixMicro(us)
	}
	return exists.Val() > 0, at, warm.Val() > 0, nil
}

// Warm implements RevocationCache: the revocations in one pipeline, and
// the mark only once they are all stored.
func (r *Redis) Warm(ctx context.Context, subject string, tokens map[string]time.Time, before time.Time, ttl time.Duration) error {
	if len(tokens) > 0 || !before.IsZero() {
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for id, until := range tokens {
				raiseScript.Eval(ctx, p, []string{r.key("v", id)}, ceilMicro(until), strconv.FormatInt(ceilMilli(until), 10))
			}
			if !before.IsZero() {
				expireAt := ""
				if d := r.opts.subjectRetention; d > 0 {
					expireAt = strconv.FormatInt(ceilMilli(before.Add(d)), 10)
				}
				raiseScript.Eval(ctx, p, []string{r.key("s", subject)}, ceilMicro(before), expireAt)
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("kv: store revocations: %w", err)
		}
	}
	if err := r.c.Set(ctx, r.key("w", subject), "1", ttl).Err(); err != nil {
		return fmt.Errorf("kv: mark revocations warm: %w", err)
	}
	return nil
}

// Cool implements RevocationCache.
func (r *Redis) Cool(ctx context.Context, subject string) error {
	if err := r.c.Del(ctx, r.key("w", subject)).Err(); err != nil {
		return fmt.Errorf("kv: mark revocations cold: %w", err)
	}
	return nil
}
