package kv

import (
	"context"
	"fmt"
	"time"
)

// Acquire implements Locker.
func (m *Memory) Acquire(_ context.Context, key string, ttl time.Duration) (*Lease, error) {
	if err := checkTTL("acquire lock "+key, ttl); err != nil {
		return nil, err
	}
	if m.closed.Load() {
		return nil, ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if e, ok := m.locks[key]; ok && now.Before(e.exp) {
		return nil, ErrNotAcquired
	}
	token := newToken()
	m.locks[key] = lockEntry{token: token, exp: now.Add(ttl)}
	return &Lease{key: key, token: token, b: m}, nil
}

// heldLocked reports whether token holds key now; m.mu must be held.
func (m *Memory) heldLocked(key, token string, now time.Time) bool {
	e, ok := m.locks[key]
	return ok && e.token == token && now.Before(e.exp)
}

func (m *Memory) refresh(_ context.Context, key, token string, ttl time.Duration) error {
	if m.closed.Load() {
		return ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if !m.heldLocked(key, token, now) {
		return fmt.Errorf("kv: refresh lock %s: %w", key, ErrNotHeld)
	}
	m.locks[key] = lockEntry{token: token, exp: now.Add(ttl)}
	return nil
}

func (m *Memory) release(_ context.Context, key, token string) error {
	if m.closed.Load() {
		return ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.heldLocked(key, token, m.now()) {
		return fmt.Errorf("kv: release lock %s: %w", key, ErrNotHeld)
	}
	delete(m.locks, key)
	return nil
}
