package models_test

import (
	"strings"
	"testing"

	"zerovisit/models"
)

// TestRechainRefusesALaunderedChain: a keyed, witnessed case rewritten and
// recomputed with plain SM3 looks like a chain from before the audit key;
// rechain must not re-key it, and verify must keep reporting it.
func TestRechainRefusesALaunderedChain(t *testing.T) {
	eachTamper(t, "Launder", func(t *testing.T, db *models.DB) {
		evs, err := models.NewRepo(db).Events(ctxT(t), "h0")
		if err != nil {
			t.Fatal(err)
		}
		prev := ""
		for i, ev := range evs {
			if ev.Seq == 3 {
				ev.Reason = "nothing to see"
			}
			hash := plainEventHash(prev, ev)
			exec(t, db, `UPDATE case_events SET reason = ?, prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?`,
				ev.Reason, prev, hash, ev.CaseID, ev.Seq)
			prev = hash
			if i == len(evs)-1 {
				exec(t, db, `UPDATE cases SET last_hash = ? WHERE id = ?`, hash, ev.CaseID)
			}
		}
		if r := rechain(t, db); r.Cases != 0 || len(r.Refused) == 0 {
			t.Errorf("rechain of a laundered chain = %+v, want it refused", r)
		}
		if rep := verify(t, db); rep.OK() {
			t.Error("verify passes a laundered chain after rechain")
		}
	})
}

// TestVerifyCatchesAMovedSanctionMark: the false-commitment mark follows
// from the history (set exactly on revoked cases); setting it on a case
// that was not revoked is reported.
func TestVerifyCatchesAMovedSanctionMark(t *testing.T) {
	eachTamper(t, "Mark", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE cases SET false_commitment = ? WHERE id = 'h1'`, true)
		rep := verify(t, db)
		found := false
		for _, p := range rep.Problems {
			found = found || (p.CaseID == "h1" && p.Kind == models.AuditCaseMismatch)
		}
		if !found {
			t.Errorf("verify after marking h1 a false commitment: %v, want a case mismatch", rep.Problems)
		}
	})
}

// TestVerifyCatchesAMovedExclusionEnd: when an exclusion from trust first
// ends follows from the history (the revocation's time and the period its
// creation record carries); an end set or moved by hand is reported.
func TestVerifyCatchesAMovedExclusionEnd(t *testing.T) {
	eachTamper(t, "ExclusionEnd", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE cases SET exclusion_ends_at = updated_at WHERE id = 'h1'`)
		rep := verify(t, db)
		found := false
		for _, p := range rep.Problems {
			found = found || (p.CaseID == "h1" && p.Kind == models.AuditCaseMismatch && strings.Contains(p.Detail, "exclusion_ends_at"))
		}
		if !found {
			t.Errorf("verify after dating h1's exclusion end: %v, want a case mismatch", rep.Problems)
		}
	})
}
