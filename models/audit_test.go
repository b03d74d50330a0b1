package models_test

import (
	"fmt"
	"testing"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// seedHistory stores cases h0..h(n-1), each with 5 events.
func seedHistory(t *testing.T, repo *models.Repo, n int) {
	t.Helper()
	for i := range n {
		c := newCase(fmt.Sprintf("h%d", i))
		mustCreate(t, repo, c)
		for _, st := range []workflow.Status{workflow.StatusAccepted, workflow.StatusApproved, workflow.StatusDelivering, workflow.StatusDelivered} {
			c = mustStep(t, repo, c, st)
		}
	}
}

func verify(t *testing.T, db *models.DB) models.AuditReport {
	t.Helper()
	rep, err := models.VerifyAudit(ctxT(t), db, nil)
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	return rep
}

// wantProblem checks that the report's first problem is kind at caseID/seq.
func wantProblem(t *testing.T, rep models.AuditReport, caseID string, seq int64, kind models.AuditProblemKind) {
	t.Helper()
	if rep.OK() {
		t.Fatalf("VerifyAudit found nothing, want %s at %s#%d", kind, caseID, seq)
	}
	p := rep.Problems[0]
	if p.CaseID != caseID || p.Seq != seq || p.Kind != kind {
		t.Errorf("first problem = %s, want %s at %s#%d (all: %v)", p, kind, caseID, seq, rep.Problems)
	}
}

func TestVerifyAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		repo := models.NewRepo(db)
		seedHistory(t, repo, 3)

		t.Run("Clean", func(t *testing.T) {
			var calls []int
			rep, err := models.VerifyAudit(ctxT(t), db, func(n int) { calls = append(calls, n) })
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Cases != 3 || rep.Events != 15 {
				t.Errorf("report = %+v, want 3 clean cases with 15 events", rep)
			}
			if len(calls) == 0 || calls[len(calls)-1] != 15 {
				t.Errorf("progress calls = %v, want the last to report 15", calls)
			}
		})
		t.Run("EditedReason", func(t *testing.T) {
			exec(t, db, `UPDATE case_events SET reason = 'nothing to see' WHERE case_id = 'h1' AND seq = 3`)
			rep := verify(t, db)
			wantProblem(t, rep, "h1", 3, models.AuditHashMismatch)
			if len(rep.Problems) != 1 {
				t.Errorf("problems = %v, want exactly the edited event", rep.Problems)
			}
		})
		t.Run("DeletedMiddleEvent", func(t *testing.T) {
			exec(t, db, `DELETE FROM case_events WHERE case_id = 'h2' AND seq = 3`)
			rep := verify(t, db)
			// h1's edit is still there, and comes first in walk order; the
			// replay of h2 then misses the status the deleted event set.
			if len(rep.Problems) != 3 || rep.Problems[2].Kind != models.AuditInvalidHistory {
				t.Fatalf("problems = %v, want h1's edit, h2's gap and h2's broken replay", rep.Problems)
			}
			rep.Problems = rep.Problems[1:]
			wantProblem(t, rep, "h2", 4, models.AuditSequenceGap)
		})
		t.Run("DeletedNewestEvent", func(t *testing.T) {
			exec(t, db, `DELETE FROM case_events WHERE case_id = 'h0' AND seq = 5`)
			wantProblem(t, verify(t, db), "h0", 4, models.AuditHeadMismatch)
		})
		t.Run("RewrittenLink", func(t *testing.T) {
			// Rehashing an edited event is not enough: the next event still points at the old hash.
			db2 := dbtest.SQLite(t)
			r2 := models.NewRepo(db2)
			seedHistory(t, r2, 1)
			exec(t, db2, `UPDATE case_events SET hash = 'forged' WHERE case_id = 'h0' AND seq = 2`)
			rep := verify(t, db2)
			wantProblem(t, rep, "h0", 2, models.AuditHashMismatch)
			if len(rep.Problems) < 2 || rep.Problems[1].Kind != models.AuditPrevHashMismatch || rep.Problems[1].Seq != 3 {
				t.Errorf("problems = %v, want a prev-hash mismatch at seq 3 next", rep.Problems)
			}
		})
	})
}

// TestVerifyAuditPaging crosses several keyset pages.
func TestVerifyAuditPaging(t *testing.T) {
	db := dbtest.SQLite(t)
	repo := models.NewRepo(db)
	seedHistory(t, repo, 220) // 1,100 events: two pages of at most 1,000
	exec(t, db, `UPDATE case_events SET to_status = 'closed' WHERE case_id = 'h199' AND seq = 2`)
	var calls int
	rep, err := models.VerifyAudit(ctxT(t), db, func(int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 220 || rep.Events != 1100 || calls != 2 {
		t.Errorf("cases %d events %d progress calls %d, want 220, 1100, 2", rep.Cases, rep.Events, calls)
	}
	wantProblem(t, rep, "h199", 2, models.AuditHashMismatch)
}
