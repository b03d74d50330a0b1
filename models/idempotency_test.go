package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

func TestIdempotency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		c := newCase("i1")
		mustCreate(t, repo, c)
		key := workflow.Idempotency{
			Scope: "clerk:clerk-7", Key: "k-1", RequestHash: "abc", Status: 200,
			Response: []byte(`{"ok":true}`), CreatedAt: t0,
		}
		c2, ch := step(c, workflow.StatusAccepted, t0.Add(time.Minute), notifyApplicant{CaseID: "i1"})
		ch.Idempotency = &key
		if err := repo.ApplyChange(ctx, ch); err != nil {
			t.Fatalf("ApplyChange with key: %v", err)
		}

		t.Run("OK", func(t *testing.T) {
			got, err := repo.Idempotency(ctx, key.Scope, key.Key)
			if err != nil {
				t.Fatalf("Idempotency: %v", err)
			}
			want := key
			want.CreatedAt = t0.UTC().Truncate(time.Microsecond)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Idempotency mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := repo.Idempotency(ctx, key.Scope, "other"); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("Idempotency(other) = %v, want ErrNotFound", err)
			}
			if _, err := repo.Idempotency(ctx, "citizen:1", key.Key); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("Idempotency(other scope) = %v, want ErrNotFound", err)
			}
		})
		t.Run("KeyReusedChangesNothing", func(t *testing.T) {
			// A retry that raced past the service's check must not apply twice.
			for _, r := range []*models.Repo{repo, models.NewRepo(db)} {
				_, again := step(c2, workflow.StatusApproved, t0.Add(2*time.Minute), notifyApplicant{CaseID: "i1"})
				again.Idempotency = &key
				if err := r.ApplyChange(ctx, again); !errors.Is(err, workflow.ErrConflict) {
					t.Errorf("ApplyChange(reused key) = %v, want ErrConflict", err)
				}
			}
			got, err := repo.GetCase(ctx, "i1")
			if err != nil || got.Version != 2 {
				t.Errorf("case after reused key = v%d, %v; want v2", got.Version, err)
			}
			if n := count(t, db, `SELECT count(*) FROM case_events WHERE case_id = 'i1'`); n != 2 {
				t.Errorf("events = %d, want 2", n)
			}
			if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = 'i1'`); n != 1 {
				t.Errorf("outbox rows = %d, want 1", n)
			}
			// The next change with a fresh key still goes through: the cached head was not advanced.
			_, next := step(c2, workflow.StatusApproved, t0.Add(3*time.Minute))
			fresh := key
			fresh.Key, fresh.CreatedAt = "k-2", t0.Add(3*time.Minute)
			next.Idempotency = &fresh
			if err := repo.ApplyChange(ctx, next); err != nil {
				t.Errorf("ApplyChange(fresh key) = %v", err)
			}
		})
		t.Run("DeleteExpired", func(t *testing.T) {
			n, err := repo.DeleteExpiredIdempotency(ctx, t0.Add(time.Second))
			if err != nil || n != 1 {
				t.Fatalf("DeleteExpiredIdempotency = %d, %v; want 1 (k-1 only)", n, err)
			}
			if _, err := repo.Idempotency(ctx, key.Scope, "k-1"); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("k-1 after expiry: %v, want ErrNotFound", err)
			}
			if _, err := repo.Idempotency(ctx, key.Scope, "k-2"); err != nil {
				t.Errorf("k-2 after expiry: %v, want kept", err)
			}
		})
	})
}
