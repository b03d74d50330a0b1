package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

// openFollowup is the follow-up a bad rating of a case opens, due at due.
func openFollowup(caseID, dept string, stars int, due time.Time) *models.Followup {
	return &models.Followup{CaseID: caseID, Department: dept, Stars: stars, Status: models.FollowupOpen, DueAt: due, StepDueAt: due}
}

// TestOneEvaluationPerStage: many submissions of one case and stage at
// once store one row and the rest are ErrDuplicate; the other stage is
// free; a one-time link is spent once, in the same transaction.
func TestOneEvaluationPerStage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		ev := models.NewEvaluations(db, testSealer(t))
		rating := func(stage feedback.Stage, stars int) models.Evaluation {
			return models.Evaluation{CaseID: "os-1", Stage: stage, PrincipalID: "p1", ItemCode: "x", Department: "gaj", Stars: stars,
				Indicators: map[string]int{}, Channel: feedback.MediumCounterQR, Service: feedback.ServiceOffline, AcceptedBy: "st-a"}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ok, dup int
		for range 8 {
			wg.Go(func() {
				_, _, err := ev.Submit(ctx, rating(feedback.StageAccept, 1), openFollowup("os-1", "gaj", 1, time.Now().Add(time.Hour)), "")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, workflow.ErrDuplicate):
					dup++
				default:
					t.Errorf("submit: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || dup != 7 {
			t.Fatalf("%d stored, %d duplicates; want 1 and 7", ok, dup)
		}
		if n := exec(t, db, `UPDATE evaluation_followups SET department = department WHERE case_id = 'os-1'`); n != 1 {
			t.Errorf("%d follow-ups of one bad rating, want 1", n)
		}
		got, err := ev.Get(ctx, "os-1", feedback.StageAccept)
		if err != nil || got.AcceptedBy != "st-a" || got.Channel != feedback.MediumCounterQR || got.Service != feedback.ServiceOffline {
			t.Errorf("stored = %+v, %v", got, err)
		}
		if _, err := ev.Get(ctx, "os-1", feedback.StageResult); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("result stage before its rating: %v", err)
		}

		now := time.Now()
		tok := feedback.Token{Hash: feedback.HashToken("secret"), CaseID: "os-1", Stage: feedback.StageResult, Medium: feedback.MediumSMS,
			IssuedBy: "st-a", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := ev.SaveToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ev.Submit(ctx, rating(feedback.StageResult, 5), nil, feedback.HashToken("other")); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("an unknown link: %v, want ErrNotFound", err)
		}
		if _, _, err := ev.Submit(ctx, rating(feedback.StageResult, 5), nil, tok.Hash); err != nil {
			t.Fatalf("rating by link: %v", err)
		}
		if used, err := ev.Token(ctx, tok.Hash); err != nil || used.UsedAt.IsZero() {
			t.Errorf("link after use = %+v, %v", used, err)
		}
		exec(t, db, `DELETE FROM case_evaluations WHERE case_id = 'os-1' AND stage = 'result'`)
		if _, _, err := ev.Submit(ctx, rating(feedback.StageResult, 5), nil, tok.Hash); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("a spent link used again: %v, want ErrNotFound", err)
		}
	})
}

// TestItemStatsLeaveExcludedOut: the published figures count each rating
// once, bad ones and their timely rectification, and not excluded ones.
func TestItemStatsLeaveExcludedOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		ev := models.NewEvaluations(db, testSealer(t))
		for i, stars := range []int{5, 4, 1, 2, 1} {
			id := "st-" + string(rune('a'+i))
			var f *models.Followup
			if stars <= 2 {
				f = openFollowup(id, "gaj", stars, time.Now().Add(time.Hour))
			}
			if _, _, err := ev.Submit(ctx, models.Evaluation{CaseID: id, PrincipalID: "p", ItemCode: "gaj-x", Department: "gaj", Stars: stars,
				Indicators: map[string]int{}, Channel: "wechat"}, f, ""); err != nil {
				t.Fatal(err)
			}
		}
		exec(t, db, `UPDATE case_evaluations SET excluded = ? WHERE case_id = 'st-e'`, true)
		exec(t, db, `UPDATE evaluation_followups SET status = 'closed', closed_at = created_at WHERE case_id = 'st-c'`)
		got, err := ev.ItemStats(ctx, feedback.StatsKey{}, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("stats = %+v, %v", got, err)
		}
		if s := got[0]; s.Ratings != 4 || s.Bad != 2 || s.Rectified != 1 || s.OnTime != 1 || s.SumStars != 12 {
			t.Errorf("stats = %+v, want 4 ratings, 2 bad, 1 rectified on time", s)
		}
		if rest, err := ev.ItemStats(ctx, feedback.StatsKey{Department: "gaj", ItemCode: "gaj-x"}, 10); err != nil || len(rest) != 0 {
			t.Errorf("after the last key = %+v, %v", rest, err)
		}
	})
}
