package kv_test

import (
	"context"
	"testing"
	"time"

	"zerovisit/models/kv"
)

func testRevokeToken(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	r := b.store
	revoked := func(id string) bool {
		t.Helper()
		ok, err := r.Revoked(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if revoked("jti-1") {
		t.Fatal("unknown token revoked")
	}
	if err := r.Revoke(ctx, "jti-1", b.now().Add(b.ttl)); err != nil {
		t.Fatal(err)
	}
	// A longer record is not shortened by a later, shorter one.
	if err := r.Revoke(ctx, "jti-2", b.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.Revoke(ctx, "jti-2", b.now().Add(b.ttl/2)); err != nil {
		t.Fatal(err)
	}
	// A token that has already expired needs no record.
	if err := r.Revoke(ctx, "jti-3", b.now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !revoked("jti-1") || !revoked("jti-2") || revoked("jti-3") || revoked("jti-9") {
		t.Fatal("want jti-1 and jti-2 revoked, jti-3 and jti-9 not")
	}
	b.wait(b.ttl + b.margin)
	if revoked("jti-1") {
		t.Error("revocation outlived its token")
	}
	if !revoked("jti-2") {
		t.Error("a shorter Revoke shortened a longer one")
	}
}

func testRevokeSubject(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	r := b.store
	at := func() time.Time {
		t.Helper()
		got, err := r.SubjectRevokedAt(ctx, "user:42")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := at(); !got.IsZero() {
		t.Fatalf("SubjectRevokedAt(unknown) = %v, want zero", got)
	}
	ban := b.now().Truncate(time.Second)
	if err := r.RevokeSubject(ctx, "user:42", ban); err != nil {
		t.Fatal(err)
	}
	if got := at(); !got.Equal(ban) {
		t.Fatalf("SubjectRevokedAt = %v, want %v", got, ban)
	}
	if err := r.RevokeSubject(ctx, "user:42", ban.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := at(); !got.Equal(ban) {
		t.Fatalf("an earlier RevokeSubject moved the time back to %v", got)
	}
	later := ban.Add(time.Hour + 1500*time.Nanosecond)
	if err := r.RevokeSubject(ctx, "user:42", later); err != nil {
		t.Fatal(err)
	}
	if got, want := at(), ban.Add(time.Hour+2*time.Microsecond); !got.Equal(want) {
		t.Fatalf("SubjectRevokedAt = %v, want %v (rounded up to the microsecond)", got, want)
	}
	if got, _ := r.SubjectRevokedAt(ctx, "user:43"); !got.IsZero() {
		t.Errorf("another subject revoked at %v", got)
	}
}

func testRevokeSubjectRetention(t *testing.T, newB factory) {
	const retention = 500 * time.Millisecond
	b, ctx := newB(t, kv.WithSubjectRetention(retention)), context.Background()
	if err := b.store.RevokeSubject(ctx, "user:7", b.now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.store.SubjectRevokedAt(ctx, "user:7"); got.IsZero() {
		t.Fatal("no record within retention")
	}
	b.wait(retention + b.margin)
	if got, _ := b.store.SubjectRevokedAt(ctx, "user:7"); !got.IsZero() {
		t.Fatalf("record outlived retention: %v", got)
	}
}

// testRevocationState: the combined check answers what Revoked and
// SubjectRevokedAt answer, for every combination.
func testRevocationState(t *testing.T, newB factory) {
	b, ctx := newB(t), context.Background()
	r := b.store
	ban := b.now().Truncate(time.Second)
	if err := r.Revoke(ctx, "jti-r", b.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.RevokeSubject(ctx, "user:7", ban); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, subject string
		revoked     bool
		before      time.Time
	}{
		{"jti-r", "user:7", true, ban},
		{"jti-r", "user:8", true, time.Time{}},
		{"jti-x", "user:7", false, ban},
		{"jti-x", "user:8", false, time.Time{}},
	} {
		revoked, before, err := r.RevocationState(ctx, tc.id, tc.subject)
		if err != nil {
			t.Fatal(err)
		}
		if revoked != tc.revoked || !before.Equal(tc.before) {
			t.Errorf("RevocationState(%s, %s) = %v, %v; want %v, %v", tc.id, tc.subject, revoked, before, tc.revoked, tc.before)
		}
	}
}
