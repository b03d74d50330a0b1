package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// chained returns c moved through the statuses, one version each, and the
// one Change that stores all the steps.
func chained(c workflow.Case, at time.Time, through ...workflow.Status) (workflow.Case, workflow.Change) {
	var ch workflow.Change
	for i, to := range through {
		next, one := step(c, to, at.Add(time.Duration(i)*time.Second), orderCourier{CaseID: c.ID, Leg: fmt.Sprintf("L%d", i)})
		if i > 0 {
			ch.Earlier = append(ch.Earlier, ch.Event)
		}
		ch.Case, ch.Event = next, one.Event
		ch.Event.CaseID, ch.Event.Seq = next.ID, next.Version
		ch.Effects = append(ch.Effects, one.Effects...)
		c = next
	}
	return c, ch
}

// TestChainedChangeIsOneWrite: a change of several steps stores every
// event in order, chained, with every step's effects, and moves the case
// to the last step's version; a chain that expects an older version than
// the stored one writes nothing.
func TestChainedChangeIsOneWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo := models.NewRepo(db)
		c := newCase("chain-1")
		mustCreate(t, repo, c)
		after, ch := chained(c, t0.Add(time.Hour), workflow.StatusAccepted, workflow.StatusApproved, workflow.StatusDelivering)
		if err := repo.ApplyChange(ctx, ch); err != nil {
			t.Fatalf("chained change: %v", err)
		}
		got, err := repo.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 4 || got.Status != workflow.StatusDelivering {
			t.Fatalf("case is v%d %s, want v4 delivering", got.Version, got.Status)
		}
		evs, err := repo.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range evs {
			names = append(names, e.Name)
		}
		if want := `["submit","to_accepted","to_approved","to_delivering"]`; mustJSON(t, names) != want {
			t.Fatalf("events %s, want %s", mustJSON(t, names), want)
		}
		if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = ?`, c.ID); n != 3 {
			t.Errorf("%d outbox rows, want one per step (3)", n)
		}
		report, err := models.VerifyAudit(ctx, db, nil)
		if err != nil || !report.OK() {
			t.Fatalf("audit after a chained change: %+v (%v)", report, err)
		}

		// The same chain again expects v1: the case is at v4.
		if err := repo.ApplyChange(ctx, ch); !errors.Is(err, workflow.ErrConflict) {
			t.Fatalf("stale chain: err = %v, want ErrConflict", err)
		}
		// A chain that starts right: one more step works, from after.
		_, next := chained(after, t0.Add(2*time.Hour), workflow.StatusDelivered, workflow.StatusVerifying)
		if err := repo.ApplyChange(ctx, next); err != nil {
			t.Fatalf("second chain: %v", err)
		}
		if n := count(t, db, `SELECT count(*) FROM case_events WHERE case_id = ?`, c.ID); n != 6 {
			t.Errorf("%d events, want 6", n)
		}
	})
}

// TestChainedChangeRefusesGaps: events of a chain must follow one another.
func TestChainedChangeRefusesGaps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		repo := models.NewRepo(db)
		c := newCase("chain-2")
		mustCreate(t, repo, c)
		_, ch := chained(c, t0.Add(time.Hour), workflow.StatusAccepted, workflow.StatusApproved)
		ch.Earlier[0].Seq = 5
		if err := repo.ApplyChange(ctxT(t), ch); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Fatalf("gap in the chain: err = %v, want ErrInvalidInput", err)
		}
		if n := count(t, db, `SELECT count(*) FROM case_events WHERE case_id = ?`, c.ID); n != 1 {
			t.Errorf("%d events after a refused chain, want 1", n)
		}
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
