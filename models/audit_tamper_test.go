package models_test

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// checkpoint has the server witness every chain head, as its periodic
// checkpoint does.
func checkpoint(t *testing.T, db *models.DB) {
	t.Helper()
	if res, err := models.WriteAuditCheckpoint(ctxT(t), db, time.Now()); err != nil || len(res.Refused) > 0 {
		t.Fatalf("WriteAuditCheckpoint: %+v, %v", res, err)
	}
}

// eachTamper runs fn on a fresh store of every backend holding cases
// h0..h2 (5 events each), a staff log on h1, and a checkpoint.
func eachTamper(t *testing.T, name string, fn func(t *testing.T, db *models.DB)) {
	t.Run(name, func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, db *models.DB) {
			repo := models.NewRepo(db)
			seedHistory(t, repo, 3)
			st := models.NewStaffStore(db)
			at := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
			for i, who := range []string{"s-1", "s-2"} {
				if _, err := st.Claim(ctxT(t), "h1", "market", who, at.Add(time.Duration(i)*time.Hour), 10*time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			if n := count(t, db, `SELECT count(*) FROM case_staff_log WHERE case_id = 'h1'`); n != 2 {
				t.Fatalf("staff log of h1 has %d entries, want 2", n)
			}
			checkpoint(t, db)
			if rep := verify(t, db); !rep.OK() {
				t.Fatalf("untouched store: %v", rep.Problems)
			}
			fn(t, db)
		})
	})
}

// hasProblem checks that the report names kind at caseID, seq (-1: any seq).
func hasProblem(t *testing.T, rep models.AuditReport, caseID string, seq int64, kind models.AuditProblemKind, detail string) {
	t.Helper()
	for _, p := range rep.Problems {
		if p.CaseID == caseID && p.Kind == kind && (seq < 0 || p.Seq == seq) && strings.Contains(p.Detail, detail) {
			return
		}
	}
	t.Errorf("VerifyAudit did not report %s at %s#%d (%q); problems: %v", kind, caseID, seq, detail, rep.Problems)
}

// plainEventHash is the unkeyed SM3 chain link as the code is public:
// what anyone with write access to the database can recompute.
func plainEventHash(prev string, ev workflow.EventRecord) string {
	h := sm3.New()
	var buf []byte
	for _, s := range []string{prev, "zerovisit/case-event/v1", ev.CaseID, strconv.FormatInt(ev.Seq, 10), ev.Name,
		string(ev.Actor.Kind), ev.Actor.ID, ev.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		string(ev.From), string(ev.To), ev.Reason, string(ev.Data)} {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		buf = append(buf, s...)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestVerifyAuditCatchesTampering(t *testing.T) {
	eachTamper(t, "EditedEvent", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE case_events SET actor_id = 'someone-else' WHERE case_id = 'h2' AND seq = 2`)
		hasProblem(t, verify(t, db), "h2", 2, models.AuditHashMismatch, "")
	})
	eachTamper(t, "ChangedStatus", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE cases SET status = 'rejected' WHERE id = 'h1'`)
		hasProblem(t, verify(t, db), "h1", -1, models.AuditCaseMismatch, "status")
	})
	eachTamper(t, "ChangedApplicant", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE cases SET applicant_id = 'citizen-mallory' WHERE id = 'h1'`)
		hasProblem(t, verify(t, db), "h1", -1, models.AuditCaseMismatch, "applicant")
	})
	eachTamper(t, "RechainedWithPlainSM3", func(t *testing.T, db *models.DB) {
		// Rewrite a reason and recompute every later link and the head,
		// as the unkeyed chain allowed.
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
		hasProblem(t, verify(t, db), "h0", 1, models.AuditUnkeyed, "")
	})
	eachTamper(t, "DeletedCase", func(t *testing.T, db *models.DB) {
		for _, table := range []string{"case_events", "case_staff_log", "case_claims", "outbox"} {
			exec(t, db, `DELETE FROM `+table+` WHERE case_id = 'h1'`)
		}
		exec(t, db, `DELETE FROM cases WHERE id = 'h1'`)
		hasProblem(t, verify(t, db), "h1", -1, models.AuditDeletedCase, "")
	})
	eachTamper(t, "DroppedLastEvent", func(t *testing.T, db *models.DB) {
		var prev string
		if err := db.Gorm().Raw(`SELECT hash FROM case_events WHERE case_id = 'h2' AND seq = 4`).Row().Scan(&prev); err != nil {
			t.Fatal(err)
		}
		exec(t, db, `DELETE FROM case_events WHERE case_id = 'h2' AND seq = 5`)
		exec(t, db, `UPDATE cases SET version = 4, last_hash = ?, status = 'delivering' WHERE id = 'h2'`, prev)
		hasProblem(t, verify(t, db), "h2", -1, models.AuditDroppedEvents, "")
	})
	eachTamper(t, "EditedStaffLog", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE case_staff_log SET staff_id = 's-9' WHERE case_id = 'h1' AND seq = 1`)
		hasProblem(t, verify(t, db), "h1", 1, models.AuditStaffLogMismatch, "")
	})
}

// TestAuditCheckpoints: a checkpoint writes only when a chain moved, never
// moves a witness back, and the witnesses and checkpoints cannot be
// trimmed without the newest checkpoint noticing.
func TestAuditCheckpoints(t *testing.T) {
	eachTamper(t, "Incremental", func(t *testing.T, db *models.DB) {
		if res, err := models.WriteAuditCheckpoint(ctxT(t), db, time.Now()); err != nil || res.Written {
			t.Fatalf("checkpoint with nothing moved: %+v, %v", res, err)
		}
		repo := models.NewRepo(db)
		c := newCase("h3")
		mustCreate(t, repo, c)
		if rep := verify(t, db); !rep.OK() || rep.Unwitnessed != 1 || rep.Checkpoint == nil || rep.Checkpoint.Cases != 3 {
			t.Fatalf("after a new case: %+v, want it clean with one unwitnessed case", rep)
		}
		res, err := models.WriteAuditCheckpoint(ctxT(t), db, time.Now())
		if cp := res.Checkpoint; err != nil || !res.Written || cp.Seq != 2 || cp.Cases != 4 || cp.Events != 16 || cp.StaffEntries != 2 {
			t.Fatalf("second checkpoint = %+v, %v; want seq 2 over 4 cases, 16 events, 2 entries", res, err)
		}
		if rep := verify(t, db); !rep.OK() || rep.Unwitnessed != 0 {
			t.Fatalf("after the second checkpoint: %+v", rep)
		}
	})
	eachTamper(t, "DropSurvivesNextCheckpoint", func(t *testing.T, db *models.DB) {
		var prev string
		if err := db.Gorm().Raw(`SELECT hash FROM case_events WHERE case_id = 'h0' AND seq = 4`).Row().Scan(&prev); err != nil {
			t.Fatal(err)
		}
		exec(t, db, `DELETE FROM case_events WHERE case_id = 'h0' AND seq = 5`)
		exec(t, db, `UPDATE cases SET version = 4, last_hash = ?, status = 'delivering' WHERE id = 'h0'`, prev)
		checkpoint(t, db)
		hasProblem(t, verify(t, db), "h0", -1, models.AuditDroppedEvents, "")
	})
	eachTamper(t, "DroppedStaffLogEntry", func(t *testing.T, db *models.DB) {
		exec(t, db, `DELETE FROM case_staff_log WHERE case_id = 'h1' AND seq = 2`)
		hasProblem(t, verify(t, db), "h1", 1, models.AuditStaffLogDropped, "")
	})
	eachTamper(t, "DeletedWitness", func(t *testing.T, db *models.DB) {
		exec(t, db, `DELETE FROM audit_heads WHERE case_id = 'h2'`)
		hasProblem(t, verify(t, db), "", -1, models.AuditCheckpointMismatch, "witnesses were deleted")
	})
	eachTamper(t, "ForgedWitness", func(t *testing.T, db *models.DB) {
		exec(t, db, `UPDATE audit_heads SET version = 4 WHERE case_id = 'h2'`)
		hasProblem(t, verify(t, db), "h2", -1, models.AuditCheckpointMismatch, "does not verify")
	})
	eachTamper(t, "LoweredWitnessIsNotMovedOn", func(t *testing.T, db *models.DB) {
		// Drop h2's newest event and lower its witness to below it: the
		// next checkpoint must not re-witness the shortened chain.
		var prev string
		if err := db.Gorm().Raw(`SELECT hash FROM case_events WHERE case_id = 'h2' AND seq = 4`).Row().Scan(&prev); err != nil {
			t.Fatal(err)
		}
		exec(t, db, `DELETE FROM case_events WHERE case_id = 'h2' AND seq = 5`)
		exec(t, db, `UPDATE cases SET version = 4, last_hash = ?, status = 'delivering' WHERE id = 'h2'`, prev)
		exec(t, db, `UPDATE audit_heads SET version = 3 WHERE case_id = 'h2'`)
		res, err := models.WriteAuditCheckpoint(ctxT(t), db, time.Now())
		if err != nil || len(res.Refused) != 1 || res.Refused[0] != "h2" {
			t.Fatalf("checkpoint = %+v, %v; want h2 refused", res, err)
		}
		hasProblem(t, verify(t, db), "h2", -1, models.AuditCheckpointMismatch, "does not verify")
	})
	eachTamper(t, "DeletedNewestCheckpoint", func(t *testing.T, db *models.DB) {
		mustCreate(t, models.NewRepo(db), newCase("h3"))
		checkpoint(t, db)
		exec(t, db, `DELETE FROM case_events WHERE case_id = 'h3'`)
		exec(t, db, `DELETE FROM cases WHERE id = 'h3'`)
		exec(t, db, `DELETE FROM audit_checkpoints WHERE seq = 2`)
		exec(t, db, `DELETE FROM audit_heads WHERE case_id = 'h3'`)
		// The first checkpoint's digest covered h0..h2 only, as stored
		// again: rolling back to it goes unnoticed from the database alone.
		// The seq the server logged for the deleted one catches it.
		rep := verify(t, db)
		if rep.Checkpoint == nil || rep.Checkpoint.Seq != 1 {
			t.Fatalf("newest checkpoint = %+v, want seq 1 (the one before the rollback)", rep.Checkpoint)
		}
	})
	eachTamper(t, "DeletedFirstCheckpoint", func(t *testing.T, db *models.DB) {
		mustCreate(t, models.NewRepo(db), newCase("h3"))
		checkpoint(t, db)
		exec(t, db, `DELETE FROM audit_checkpoints WHERE seq = 1`)
		hasProblem(t, verify(t, db), "", 2, models.AuditCheckpointMismatch, "before it are gone")
	})
}

// plainStaffLogHash is the unkeyed staff log digest entries had before the
// audit key.
func plainStaffLogHash(e staff.LogEntry) string {
	h := sm3.New()
	for _, f := range []string{e.PrevHash, e.CaseID, strconv.FormatInt(e.Seq, 10), string(e.Action), e.StaffID,
		e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), string(e.Data)} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// unkey rewrites a case's chains as the code before the audit key wrote
// them, plain SM3 throughout.
func unkey(t *testing.T, db *models.DB, caseID string) {
	t.Helper()
	evs, err := models.NewRepo(db).Events(ctxT(t), caseID)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, ev := range evs {
		hash := plainEventHash(prev, ev)
		exec(t, db, `UPDATE case_events SET prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?`, prev, hash, caseID, ev.Seq)
		prev = hash
	}
	exec(t, db, `UPDATE cases SET last_hash = ? WHERE id = ?`, prev, caseID)
	entries, err := models.NewStaffStore(db).StaffLog(ctxT(t), caseID)
	if err != nil {
		t.Fatal(err)
	}
	prev = ""
	for _, e := range entries {
		e.PrevHash = prev
		hash := plainStaffLogHash(e)
		exec(t, db, `UPDATE case_staff_log SET prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?`, prev, hash, caseID, e.Seq)
		prev = hash
	}
}

// eachLegacy runs fn on a fresh store of every backend holding cases h0..h2
// (h1 with a staff log) as the code before the audit key wrote them, and
// no checkpoint.
func eachLegacy(t *testing.T, name string, fn func(t *testing.T, db *models.DB)) {
	t.Run(name, func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, db *models.DB) {
			seedHistory(t, models.NewRepo(db), 3)
			if _, err := models.NewStaffStore(db).Claim(ctxT(t), "h1", "market", "s-1", t0, time.Hour); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"h0", "h1", "h2"} {
				unkey(t, db, id)
			}
			rep := verify(t, db)
			hasProblem(t, rep, "h0", 1, models.AuditUnkeyed, "")
			hasProblem(t, rep, "h1", 1, models.AuditStaffLogMismatch, "unkeyed")
			fn(t, db)
		})
	})
}

func rechain(t *testing.T, db *models.DB) models.RechainReport {
	t.Helper()
	rep, err := models.RechainAudit(ctxT(t), db, time.Now())
	if err != nil {
		t.Fatalf("RechainAudit: %v", err)
	}
	return rep
}

// TestRechainAudit re-keys the chains written before the audit key, and
// only those a keyed process could not have written.
func TestRechainAudit(t *testing.T) {
	eachLegacy(t, "NeverCheckpointed", func(t *testing.T, db *models.DB) {
		if rep := rechain(t, db); rep.Cases != 3 || rep.Events != 15 || rep.StaffEntries != 1 || len(rep.Refused) != 0 {
			t.Fatalf("rechain = %+v, want 3 cases, 15 events, 1 staff entry", rep)
		}
		if rep := verify(t, db); !rep.OK() {
			t.Fatalf("after rechain: %v", rep.Problems)
		}
		if rep := rechain(t, db); rep.Cases != 0 {
			t.Errorf("second rechain re-keyed %d cases, want none", rep.Cases)
		}
		// Changes go on chaining to the re-keyed heads.
		repo := models.NewRepo(db)
		c, err := repo.GetCase(ctxT(t), "h0")
		if err != nil {
			t.Fatal(err)
		}
		mustStep(t, repo, c, workflow.StatusVerifying)
		checkpoint(t, db)
		if rep := verify(t, db); !rep.OK() {
			t.Fatalf("after a change and a checkpoint: %v", rep.Problems)
		}
	})
	eachLegacy(t, "WitnessedAfterUpgrade", func(t *testing.T, db *models.DB) {
		// A keyed server starts on the old store and checkpoints it first;
		// it also appends a keyed event to h2's plain chain.
		checkpoint(t, db)
		repo := models.NewRepo(db)
		c, err := repo.GetCase(ctxT(t), "h2")
		if err != nil {
			t.Fatal(err)
		}
		mustStep(t, repo, c, workflow.StatusVerifying)
		checkpoint(t, db)
		if rep := rechain(t, db); rep.Cases != 3 || len(rep.Refused) != 0 {
			t.Fatalf("rechain = %+v, want 3 cases re-keyed", rep)
		}
		if rep := verify(t, db); !rep.OK() || rep.Checkpoint.Seq != 3 {
			t.Fatalf("after rechain: %v, checkpoint %+v; want clean with a third checkpoint", rep.Problems, rep.Checkpoint)
		}
	})
	eachLegacy(t, "RefusesWhatAKeyedServerNeverWrote", func(t *testing.T, db *models.DB) {
		checkpoint(t, db)
		// After the checkpoint: a plain case nobody witnessed, a plain
		// event after a witnessed head, and a broken plain link.
		mustCreate(t, models.NewRepo(db), newCase("h9"))
		unkey(t, db, "h9")
		repo := models.NewRepo(db)
		c, err := repo.GetCase(ctxT(t), "h0")
		if err != nil {
			t.Fatal(err)
		}
		mustStep(t, repo, c, workflow.StatusVerifying)
		unkey(t, db, "h0")
		exec(t, db, `UPDATE case_events SET reason = 'edited' WHERE case_id = 'h2' AND seq = 2`)
		rep := rechain(t, db)
		if rep.Cases != 1 || len(rep.Refused) != 3 {
			t.Fatalf("rechain = %+v, want h1 re-keyed and h0, h2, h9 refused", rep)
		}
		for i, want := range []string{"case h0: its unkeyed links reach past", "case h2: link 2 does not hash", "case h9: no checkpoint witnessed"} {
			if !strings.HasPrefix(rep.Refused[i], want) {
				t.Errorf("refusal %d = %q, want %q…", i, rep.Refused[i], want)
			}
		}
		v := verify(t, db)
		hasProblem(t, v, "h9", 1, models.AuditUnkeyed, "")
		hasProblem(t, v, "h0", 6, models.AuditUnkeyed, "")
	})
}
