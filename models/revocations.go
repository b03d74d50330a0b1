package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zerovisit/models/kv"
)

// revocationsWarmFor is how long a subject's revocations, once loaded
// from the database, are trusted from the cache alone.
const revocationsWarmFor = 24 * time.Hour

// Revocations keeps token revocations in the database, the durable record,
// and answers the check every authenticated request makes from the cache
// (Redis, or the in-process store): one round trip while the cache holds
// every revocation of the subject, the database otherwise, which then
// fills the cache again. A restart, or a Redis that lost its data, cannot
// bring a revoked token back. It implements session.Revocations.
type Revocations struct {
	db    *DB
	cache kv.RevocationCache
	now   func() time.Time
}

// NewRevocations returns the revocation store over db, cached in cache.
func NewRevocations(db *DB, cache kv.RevocationCache, now func() time.Time) *Revocations {
	if now == nil {
		now = time.Now
	}
	return &Revocations{db: db, cache: cache, now: now}
}

// Revoke refuses the token id of subject until until.
func (r *Revocations) Revoke(ctx context.Context, id, subject string, until time.Time) error {
	if !r.now().Before(until) {
		return nil
	}
	err := r.db.gorm.WithContext(ctx).Exec(`INSERT INTO token_revocations (token_id, subject, until_us) VALUES (?, ?, ?)
		ON CONFLICT (token_id) DO UPDATE SET until_us = CASE WHEN excluded.until_us > token_revocations.until_us
			THEN excluded.until_us ELSE token_revocations.until_us END`, id, subject, until.UnixMicro()).Error
	if err != nil {
		return translate("revoke token", err)
	}
	return r.cached(ctx, subject, r.cache.Revoke(ctx, id, until))
}

// Spend revokes the token id of subject until until, once: first reports
// whether this call did, so that of concurrent rotations of one refresh
// token exactly one goes on. The database decides.
func (r *Revocations) Spend(ctx context.Context, id, subject string, until time.Time) (bool, error) {
	res := r.db.gorm.WithContext(ctx).Exec(`INSERT INTO token_revocations (token_id, subject, until_us) VALUES (?, ?, ?)
		ON CONFLICT (token_id) DO NOTHING`, id, subject, until.UnixMicro())
	if res.Error != nil {
		return false, translate("spend token", res.Error)
	}
	if res.RowsAffected != 1 {
		return false, nil
	}
	// The record holds the revocation; a cache that missed it is cooled.
	_ = r.cached(ctx, subject, r.cache.Revoke(ctx, id, until))
	return true, nil
}

// RevokeSubject refuses every token of subject issued before before.
func (r *Revocations) RevokeSubject(ctx context.Context, subject string, before time.Time) error {
	us := ceilMicro(before)
	err := r.db.gorm.WithContext(ctx).Exec(`INSERT INTO subject_revocations (subject, before_us) VALUES (?, ?)
		ON CONFLICT (subject) DO UPDATE SET before_us = CASE WHEN excluded.before_us > subject_revocations.before_us
			THEN excluded.before_us ELSE subject_revocations.before_us END`, subject, us).Error
	if err != nil {
		return translate("revoke subject", err)
	}
	return r.cached(ctx, subject, r.cache.RevokeSubject(ctx, subject, time.UnixMicro(us)))
}

// cached reports a cache write that failed, after marking the subject cold
// so that its checks go to the database.
func (r *Revocations) cached(ctx context.Context, subject string, err error) error {
	if err == nil {
		return nil
	}
	return errors.Join(fmt.Errorf("cache revocation: %w", err), r.cache.Cool(ctx, subject))
}

// RevocationState reports whether the token id is revoked and the time
// before which subject's tokens are refused: from the cache when it holds
// all of subject's revocations, from the database otherwise. A cache that
// cannot answer fails the check.
func (r *Revocations) RevocationState(ctx context.Context, id, subject string) (bool, time.Time, error) {
	revoked, before, warm, err := r.cache.CachedRevocationState(ctx, id, subject)
	if err != nil || warm {
		return revoked, before, err
	}
	tokens, before, err := r.load(ctx, subject)
	if err != nil {
		return false, time.Time{}, err
	}
	if err := r.cache.Warm(ctx, subject, tokens, before, revocationsWarmFor); err != nil {
		_ = r.cache.Cool(ctx, subject)
	}
	_, revoked = tokens[id]
	return revoked, before, nil
}

// Warm loads subject's revocations into the cache, and forgets those that
// have expired: a login calls it, so that the requests after it take one
// round trip.
func (r *Revocations) Warm(ctx context.Context, subject string) error {
	if err := r.db.gorm.WithContext(ctx).Exec(`DELETE FROM token_revocations WHERE subject = ? AND until_us <= ?`,
		subject, r.now().UnixMicro()).Error; err != nil {
		return translate("forget expired revocations", err)
	}
	tokens, before, err := r.load(ctx, subject)
	if err != nil {
		return err
	}
	return r.cache.Warm(ctx, subject, tokens, before, revocationsWarmFor)
}

// PurgeExpired deletes the revocations that no longer refuse anything:
// token revocations past their end, and subject revocations older than
// maxTokenLife (every token issued before them has expired by itself).
// Warm forgets a subject's expired ones at login; this catches the
// subjects who never log in again. It returns how many rows went.
func (r *Revocations) PurgeExpired(ctx context.Context, maxTokenLife time.Duration) (int64, error) {
	now := r.now()
	db := r.db.gorm.WithContext(ctx)
	tokens := db.Exec(`DELETE FROM token_revocations WHERE until_us <= ?`, now.UnixMicro())
	if tokens.Error != nil {
		return 0, translate("purge expired token revocations", tokens.Error)
	}
	subjects := db.Exec(`DELETE FROM subject_revocations WHERE before_us <= ?`, now.Add(-maxTokenLife).UnixMicro())
	if subjects.Error != nil {
		return tokens.RowsAffected, translate("purge expired subject revocations", subjects.Error)
	}
	return tokens.RowsAffected + subjects.RowsAffected, nil
}

// load reads subject's live token revocations and its revoke-before time.
func (r *Revocations) load(ctx context.Context, subject string) (map[string]time.Time, time.Time, error) {
	rows, err := r.db.gorm.WithContext(ctx).Raw(`SELECT token_id, until_us, 0 FROM token_revocations WHERE subject = ? AND until_us > ?
		UNION ALL SELECT '', 0, before_us FROM subject_revocations WHERE subject = ?`, subject, r.now().UnixMicro(), subject).Rows()
	if err != nil {
		return nil, time.Time{}, translate("load revocations", err)
	}
	defer rows.Close()
	tokens := map[string]time.Time{}
	var before time.Time
	for rows.Next() {
		var id string
		var until, beforeUS int64
		if err := rows.Scan(&id, &until, &beforeUS); err != nil {
			return nil, time.Time{}, translate("load revocations", err)
		}
		if id == "" {
			before = time.UnixMicro(beforeUS)
			continue
		}
		tokens[id] = time.UnixMicro(until)
	}
	return tokens, before, translate("load revocations", rows.Err())
}

// ceilMicro is t in Unix microseconds, rounded up: a revoke-before time
// never lets through a token issued within its microsecond.
func ceilMicro(t time.Time) int64 {
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) {
		us++
	}
	return us
}
