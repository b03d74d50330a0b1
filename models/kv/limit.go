package kv

import (
	"context"
	"fmt"
	"log/slog"

	"zerovisit/workflow/quota"
)

// Limiter, Limit and Result are the product's rate limits (package quota);
// Memory and Redis count against them.
type (
	Limiter = quota.Limiter
	Limit   = quota.Limit
	Result  = quota.Result
)

// PerMinute returns a limit of n events a minute with a burst of n.
func PerMinute(n int) Limit { return quota.PerMinute(n) }

// PerHour returns a limit of n events an hour with a burst of n.
func PerHour(n int) Limit { return quota.PerHour(n) }

func checkLimit(l Limit) error {
	if err := l.Validate(); err != nil {
		return fmt.Errorf("kv: %w", err)
	}
	return nil
}

// TolerantLimiter wraps a shared limiter so that its failures fall back to a
// local one (typically a Memory store) instead of failing the request or
// letting everything through: while Redis is down, each replica enforces the
// limit on its own, so abuse is bounded by the limit times the number of
// replicas. Failures are logged at most once every logEvery.
func TolerantLimiter(shared, local Limiter, log *slog.Logger) Limiter {
	return &tolerantLimiter{shared: shared, local: local, log: newThrottledLog(log, "kv: shared rate limiter unavailable, limiting per replica")}
}

type tolerantLimiter struct {
	shared, local Limiter
	log           *throttledLog
}

func (t *tolerantLimiter) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if err := checkLimit(l); err != nil {
		return Result{}, err
	}
	res, err := t.shared.Allow(ctx, key, l)
	if err == nil {
		return res, nil
	}
	t.log.warn(ctx, "allow", key, err)
	return t.local.Allow(ctx, key, l)
}
