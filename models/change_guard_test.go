package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestChangeGuardNeedsTheLiveClaim: a change guarded by a clerk's claim is
// written only while that clerk holds the case's claim; otherwise it is
// refused with claim_required and writes nothing, on both dialects.
func TestChangeGuardNeedsTheLiveClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		repo := models.NewRepo(db)
		c := newCase("g-1")
		mustCreate(t, repo, c)
		staff := models.NewStaffStore(db)
		lease := 10 * time.Minute
		if _, err := staff.Claim(ctx, c.ID, c.Department, "alice", t0, lease); err != nil {
			t.Fatal(err)
		}
		guarded := func(by string, at time.Time) error {
			_, ch := step(c, workflow.StatusAccepted, at)
			ch.Guard = &workflow.Guard{ClaimedBy: by, At: at}
			return repo.ApplyChange(ctx, ch)
		}
		for _, tc := range []struct {
			name string
			by   string
			at   time.Time
		}{
			{"another clerk", "bob", t0.Add(time.Minute)},
			{"the holder after the lease ran out", "alice", t0.Add(lease + time.Second)},
		} {
			err := guarded(tc.by, tc.at)
			r, ok := workflow.AsRefusal(err)
			if !ok || r.Code != "claim_required" || !errors.Is(err, workflow.ErrConflict) {
				t.Fatalf("%s: err = %v, want the claim_required refusal", tc.name, err)
			}
			got, err := repo.GetCase(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 1 || got.Status != c.Status {
				t.Fatalf("%s: case is v%d %s after a refused change, want v1 %s", tc.name, got.Version, got.Status, c.Status)
			}
			if n := count(t, db, `SELECT count(*) FROM case_events WHERE case_id = ?`, c.ID); n != 1 {
				t.Fatalf("%s: %d events after a refused change, want 1", tc.name, n)
			}
		}
		if err := guarded("alice", t0.Add(2*time.Minute)); err != nil {
			t.Fatalf("the holder's change: %v", err)
		}
		got, err := repo.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Status != workflow.StatusAccepted {
			t.Errorf("case is v%d %s after the holder's change, want v2 accepted", got.Version, got.Status)
		}
	})
}

// TestCaseAndClaim reads a case with its live claim in one statement: the
// claim while it lasts, none once it ran out, and ErrNotFound for no case.
func TestCaseAndClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		repo := models.NewRepo(db)
		c := newCase("cc-1")
		mustCreate(t, repo, c)
		got, _, ok, err := repo.CaseAndClaim(ctx, c.ID, t0)
		if err != nil || ok || got.ID != c.ID || got.Version != 1 {
			t.Fatalf("free case = %s v%d claimed %v (%v), want it unclaimed", got.ID, got.Version, ok, err)
		}
		if _, err := models.NewStaffStore(db).Claim(ctx, c.ID, c.Department, "alice", t0, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		_, cl, ok, err := repo.CaseAndClaim(ctx, c.ID, t0.Add(time.Minute))
		if err != nil || !ok || cl.StaffID != "alice" || cl.CaseID != c.ID || !cl.ExpiresAt.Equal(t0.Add(10*time.Minute).Truncate(time.Microsecond)) {
			t.Fatalf("claimed case: claim = %+v ok %v (%v), want alice's until %s", cl, ok, err, t0.Add(10*time.Minute))
		}
		if _, _, ok, err := repo.CaseAndClaim(ctx, c.ID, t0.Add(11*time.Minute)); err != nil || ok {
			t.Fatalf("after the lease: claimed %v (%v), want free", ok, err)
		}
		if _, _, _, err := repo.CaseAndClaim(ctx, "nope", t0); !errors.Is(err, workflow.ErrNotFound) {
			t.Fatalf("no case: err = %v, want ErrNotFound", err)
		}
	})
}
