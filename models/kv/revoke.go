package kv

import (
	"context"
	"time"
)

// Revocations records tokens that must no longer be accepted before they
// expire: one token at logout, or every token of a subject issued before a
// moment (a ban, "log out everywhere", a password change).
//
// Checks fail closed: when Revoked or SubjectRevokedAt return an error the
// caller must not accept the token, since a banned user getting in while
// Redis is down is worse than a retry.
type Revocations interface {
	// Revoke rejects the token id until until, normally the token's own
	// expiry; after that the record is dropped. Revoking again with an
	// earlier until does not shorten the record.
	Revoke(ctx context.Context, id string, until time.Time) error
	// Revoked reports whether the token id is revoked now.
	Revoked(ctx context.Context, id string) (bool, error)
	// RevokeSubject rejects every token of subject issued before before.
	// The time only moves forward: a call with an earlier time than the
	// recorded one changes nothing. See WithSubjectRetention for how long
	// the record lives.
	RevokeSubject(ctx context.Context, subject string, before time.Time) error
	// SubjectRevokedAt returns the time before which subject's tokens are
	// rejected, or the zero time when there is none. A token is rejected
	// when its issue time is before the returned time. The time has
	// microsecond precision, rounded up.
	SubjectRevokedAt(ctx context.Context, subject string) (time.Time, error)
	// RevocationState answers Revoked(id) and SubjectRevokedAt(subject)
	// together, in one round trip where the store has them: every
	// authenticated request asks both.
	RevocationState(ctx context.Context, id, subject string) (revoked bool, subjectBefore time.Time, err error)
}

// RevocationCache is Revocations as the cache of a durable record (the
// database's): it also says whether it holds every revocation of a
// subject ("warm"), so that a check can trust a miss only then. A store
// that lost its data (a restart of the in-process one, a Redis that lost
// its keys) is cold for everyone, and checks go to the record again.
type RevocationCache interface {
	Revocations
	// CachedRevocationState is RevocationState, and whether subject is
	// warm, in one round trip.
	CachedRevocationState(ctx context.Context, id, subject string) (revoked bool, subjectBefore time.Time, warm bool, err error)
	// Warm stores what the record holds of subject, its revoked tokens (id
	// and until) and the time before which its tokens are rejected (zero
	// for none), then marks subject warm for ttl.
	Warm(ctx context.Context, subject string, tokens map[string]time.Time, before time.Time, ttl time.Duration) error
	// Cool marks subject cold: a revocation the store could not take.
	Cool(ctx context.Context, subject string) error
}

var (
	_ RevocationCache = (*Redis)(nil)
	_ RevocationCache = (*Memory)(nil)
)
