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
