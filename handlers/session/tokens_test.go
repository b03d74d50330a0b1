package session_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"zerovisit/handlers/session"
	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/models/kv"
	"zerovisit/workflow"
)

func newTokens(t *testing.T, now *time.Time) *session.Tokens {
	t.Helper()
	store := kv.NewMemory(func() time.Time { return *now })
	t.Cleanup(func() { store.Close() })
	clock := func() time.Time { return *now }
	tok, err := session.NewTokens([]byte(strings.Repeat("k", 32)), 15*time.Minute, 7*24*time.Hour,
		models.NewRevocations(dbtest.SQLite(t), store, clock), clock)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tok := newTokens(t, &now)
	alice := session.Subject{Kind: session.SubjectCitizen, ID: "42"}

	pair, err := tok.Issue(alice)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := tok.Verify(ctx, pair.AccessToken)
		if err != nil || got.Key() != "citizen:42" {
			t.Fatalf("Verify = %+v, %v", got, err)
		}
	})
	t.Run("RefreshIsNotAccess", func(t *testing.T) {
		if _, err := tok.Verify(ctx, pair.RefreshToken); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("refresh token accepted as access: %v", err)
		}
	})
	t.Run("Forged", func(t *testing.T) {
		other, _ := session.NewTokens([]byte(strings.Repeat("x", 32)), time.Minute, time.Hour,
			models.NewRevocations(dbtest.SQLite(t), kv.NewMemory(time.Now), time.Now), time.Now)
		forged, _ := other.Issue(alice)
		if _, err := tok.Verify(ctx, forged.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("token signed with another secret accepted: %v", err)
		}
		if _, err := tok.Verify(ctx, pair.AccessToken[:len(pair.AccessToken)-3]+"abc"); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("tampered token accepted: %v", err)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		later := now.Add(16 * time.Minute)
		tok2 := newTokens(t, &later)
		if _, err := tok2.Verify(ctx, pair.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("expired token accepted: %v", err)
		}
	})
	t.Run("RefreshRotates", func(t *testing.T) {
		p2, s, err := tok.Refresh(ctx, pair.RefreshToken)
		if err != nil || s.Key() != alice.Key() {
			t.Fatalf("Refresh = %v", err)
		}
		if _, err := tok.Verify(ctx, p2.AccessToken); err != nil {
			t.Fatalf("new access token refused: %v", err)
		}
		// The old refresh token is spent; replaying it revokes the subject.
		if _, _, err := tok.Refresh(ctx, pair.RefreshToken); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Fatalf("spent refresh token accepted: %v", err)
		}
		if _, err := tok.Verify(ctx, p2.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("after a refresh replay the subject's tokens still work")
		}
	})
}

func TestLogoutAndBan(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tok := newTokens(t, &now)
	bob := session.Subject{Kind: session.SubjectStaff, ID: "7", Roles: []string{"clerk"}, Department: "gaj"}
	pair, _ := tok.Issue(bob)
	if err := tok.Logout(ctx, pair.AccessToken, pair.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Verify(ctx, pair.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
		t.Errorf("access token works after logout: %v", err)
	}
	if _, _, err := tok.Refresh(ctx, pair.RefreshToken); !errors.Is(err, workflow.ErrUnauthorized) {
		t.Errorf("refresh token works after logout: %v", err)
	}

	now = now.Add(time.Second)
	p1, _ := tok.Issue(bob)
	now = now.Add(time.Second)
	if err := tok.Ban(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Verify(ctx, p1.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
		t.Errorf("token issued before a ban still works: %v", err)
	}
	now = now.Add(2 * time.Second)
	p2, _ := tok.Issue(bob)
	if s, err := tok.Verify(ctx, p2.AccessToken); err != nil || !s.HasRole("clerk") || s.Department != "gaj" {
		t.Errorf("token issued after the ban = %+v, %v", s, err)
	}
}

// TestTokensRevocationOnRedis checks that a logout on one replica is seen by
// another through real Redis.
func TestTokensRevocationOnRedis(t *testing.T) {
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_REDIS_URL must be set in CI")
		}
		t.Skip("TEST_REDIS_URL is not set")
	}
	client, err := kv.OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	prefix := "tokentest:" + time.Now().Format("150405.000000") + ":"
	secret := []byte(strings.Repeat("s", 32))
	db := dbtest.SQLite(t)
	a, _ := session.NewTokens(secret, time.Minute, time.Hour, models.NewRevocations(db, kv.NewRedis(client, prefix), time.Now), time.Now)
	b, _ := session.NewTokens(secret, time.Minute, time.Hour, models.NewRevocations(db, kv.NewRedis(client, prefix), time.Now), time.Now)
	pair, _ := a.Issue(session.Subject{Kind: session.SubjectCourier, ID: "c1"})
	ctx := context.Background()
	if _, err := b.Verify(ctx, pair.AccessToken); err != nil {
		t.Fatalf("replica b refuses a's token: %v", err)
	}
	if err := a.Logout(ctx, pair.AccessToken, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(ctx, pair.AccessToken); !errors.Is(err, workflow.ErrUnauthorized) {
		t.Errorf("replica b accepts a token logged out on a: %v", err)
	}
}
