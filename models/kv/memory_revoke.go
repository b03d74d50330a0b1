package kv

import (
	"context"
	"time"
)

// Revoke implements Revocations.
func (m *Memory) Revoke(_ context.Context, id string, until time.Time) error {
	if m.closed.Load() {
		return ErrClosed
	}
	until = time.UnixMicro(ceilMicro(until))
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.now().Before(until) {
		return nil // the token has expired: nothing to reject
	}
	if cur, ok := m.revoked[id]; !ok || cur.Before(until) {
		m.revoked[id] = until
	}
	return nil
}

// Revoked implements Revocations.
func (m *Memory) Revoked(_ context.Context, id string) (bool, error) {
	if m.closed.Load() {
		return false, ErrClosed
	}
	m.mu.RLock()
	until, ok := m.revoked[id]
	m.mu.RUnlock()
	return ok && m.now().Before(until), nil
}

// RevokeSubject implements Revocations.
func (m *Memory) RevokeSubject(_ context.Context, subject string, before time.Time) error {
	if m.closed.Load() {
		return ErrClosed
	}
	e := subjectEntry{before: time.UnixMicro(ceilMicro(before))}
	if d := m.opts.subjectRetention; d > 0 {
		e.exp = before.Add(d)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.subjectLocked(subject); ok && !cur.before.Before(e.before) {
		return nil
	}
	if !e.exp.IsZero() && !m.now().Before(e.exp) {
		return nil // every token it would reject has expired
	}
	m.subjects[subject] = e
	return nil
}

// SubjectRevokedAt implements Revocations.
func (m *Memory) SubjectRevokedAt(_ context.Context, subject string) (time.Time, error) {
	if m.closed.Load() {
		return time.Time{}, ErrClosed
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, _ := m.subjectLocked(subject)
	return e.before, nil
}

// subjectLocked returns subject's live record; m.mu must be held.
func (m *Memory) subjectLocked(subject string) (subjectEntry, bool) {
	e, ok := m.subjects[subject]
	if !ok || (!e.exp.IsZero() && !m.now().Before(e.exp)) {
		return subjectEntry{}, false
	}
	return e, true
}

// RevocationState implements Revocations.
func (m *Memory) RevocationState(ctx context.Context, id, subject string) (bool, time.Time, error) {
	revoked, err := m.Revoked(ctx, id)
	if err != nil {
		return false, time.Time{}, err
	}
	before, err := m.SubjectRevokedAt(ctx, subject)
	return revoked, before, err
}

func warmKey(subject string) string { return "revocations-warm:" + subject }

// CachedRevocationState implements RevocationCache.
func (m *Memory) CachedRevocationState(ctx context.Context, id, subject string) (bool, time.Time, bool, error) {
	revoked, before, err := m.RevocationState(ctx, id, subject)
	if err != nil {
		return false, time.Time{}, false, err
	}
	_, warm, err := m.Get(ctx, warmKey(subject))
	return revoked, before, warm, err
}

// Warm implements RevocationCache.
func (m *Memory) Warm(ctx context.Context, subject string, tokens map[string]time.Time, before time.Time, ttl time.Duration) error {
	for id, until := range tokens {
		if err := m.Revoke(ctx, id, until); err != nil {
			return err
		}
	}
	if !before.IsZero() {
		if err := m.RevokeSubject(ctx, subject, before); err != nil {
			return err
		}
	}
	return m.Set(ctx, warmKey(subject), nil, ttl)
}

// Cool implements RevocationCache.
func (m *Memory) Cool(ctx context.Context, subject string) error {
	return m.Delete(ctx, warmKey(subject))
}
