package kv

import (
	"context"
	"math"
	"time"
)

// Allow implements Limiter with the same GCRA as redis_rate, so that a
// limit means the same on both stores. Per key it keeps one time, the
// theoretical arrival time (TAT) of the next event, which is also when the
// key is back to a full burst and can be forgotten; the number of keys is
// bounded by WithMaxEntries.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	if err := checkLimit(l); err != nil {
		return Result{}, err
	}
	if m.closed.Load() {
		return Result{}, ErrClosed
	}
	interval := float64(l.Period) / float64(l.Rate) // nanoseconds per event

	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	tat, ok := m.rates[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	newTAT := tat.Add(time.Duration(math.Round(interval)))
	allowAt := newTAT.Add(-time.Duration(math.Round(interval * float64(l.Burst))))
	diff := float64(now.Sub(allowAt))
	if diff < 0 {
		return Result{RetryAfter: time.Duration(-diff), ResetAfter: tat.Sub(now)}, nil
	}
	if !ok {
		makeRoom(m.rates, m.opts.maxEntries, func(t time.Time) bool { return !now.Before(t) })
	}
	m.rates[key] = newTAT
	return Result{Allowed: true, Remaining: int(diff / interval), ResetAfter: newTAT.Sub(now)}, nil
}
