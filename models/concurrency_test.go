package models_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestApplyChangeRace has 32 goroutines, spread over four Repos as over four
// replicas (half of them with the case's head cached, half without), apply
// a change to the same case version at once: exactly one may win.
func TestApplyChangeRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		const workers = 32
		ctx := ctxT(t)
		repos := []*models.Repo{models.NewRepo(db), models.NewRepo(db), models.NewRepo(db), models.NewRepo(db)}
		c := newCase("race")
		mustCreate(t, repos[0], c)
		for _, r := range repos[:2] {
			if _, err := r.GetCase(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
		}

		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, workers)
		)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next, ch := step(c, workflow.StatusAccepted, t0.Add(time.Minute))
				ch.Event.Reason = fmt.Sprintf("clerk %d decides", i)
				ch.Effects = []workflow.Effect{notifyApplicant{CaseID: next.ID, Template: ch.Event.Reason}}
				<-start
				errs[i] = repos[i%len(repos)].ApplyChange(ctx, ch)
			}()
		}
		close(start)
		wg.Wait()

		wins, winner := 0, -1
		for i, err := range errs {
			switch {
			case err == nil:
				wins++
				winner = i
			case errors.Is(err, workflow.ErrConflict):
			default:
				t.Errorf("worker %d: %v, want nil or ErrConflict", i, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d winners, want exactly 1", wins)
		}
		evs, err := repos[0].Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 {
			t.Fatalf("history has %d events, want 2 (create + one winner)", len(evs))
		}
		if got, want := evs[1].Reason, fmt.Sprintf("clerk %d decides", winner); got != want {
			t.Errorf("stored event reason %q, want the winner's %q", got, want)
		}
		if n := count(t, db, `SELECT count(*) FROM outbox WHERE case_id = ?`, c.ID); n != 1 {
			t.Errorf("outbox rows = %d, want 1 (the winner's)", n)
		}
		if rep, err := models.VerifyAudit(ctx, db, nil); err != nil || !rep.OK() {
			t.Errorf("VerifyAudit = %+v, %v; want a clean chain", rep, err)
		}
	})
}
