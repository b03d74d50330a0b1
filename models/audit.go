package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// AuditProblemKind says what is wrong with a link of a case's history.
type AuditProblemKind string

// Kinds of broken link VerifyAudit reports.
const (
	// AuditHashMismatch: the event's stored hash is not the keyed hash of
	// its contents (the event was edited after it was written).
	AuditHashMismatch AuditProblemKind = "hash_mismatch"
	// AuditUnkeyed: the event's hash is the unkeyed SM3 of its contents:
	// it was computed by someone without the audit key (a chain rewritten
	// and recomputed), or written before the trail was keyed.
	AuditUnkeyed AuditProblemKind = "unkeyed"
	// AuditPrevHashMismatch: the event does not point at the stored hash of
	// the event before it (that one, or this link, was rewritten).
	AuditPrevHashMismatch AuditProblemKind = "prev_hash_mismatch"
	// AuditSequenceGap: events are missing before this one (deleted rows).
	AuditSequenceGap AuditProblemKind = "sequence_gap"
	// AuditHeadMismatch: the case row's version or last hash does not match its
	// newest event (events were deleted from the end, or the case was edited).
	AuditHeadMismatch AuditProblemKind = "head_mismatch"
	// AuditOrphanEvent: events exist for a case that does not.
	AuditOrphanEvent AuditProblemKind = "orphan_event"
	// AuditMissingHistory: a case has no events at all.
	AuditMissingHistory AuditProblemKind = "missing_history"
	// AuditInvalidHistory: an event does not follow from the ones before it
	// through the lifecycle table (workflow.Replay).
	AuditInvalidHistory AuditProblemKind = "invalid_history"
	// AuditCaseMismatch: the case row says something its events do not
	// (status, applicant, number, item or time of the last change).
	AuditCaseMismatch AuditProblemKind = "case_mismatch"
	// AuditDeletedCase: a checkpoint witnessed a case that no longer exists.
	AuditDeletedCase AuditProblemKind = "deleted_case"
	// AuditDroppedEvents: a case's chain is shorter than a checkpoint
	// witnessed it (events deleted from the end, the case row set back).
	AuditDroppedEvents AuditProblemKind = "dropped_events"
	// AuditWitnessMismatch: the event a checkpoint witnessed as a case's
	// head is no longer the one stored (the chain was rewritten).
	AuditWitnessMismatch AuditProblemKind = "witness_mismatch"
	// AuditStaffLogMismatch: a staff log entry was edited, recomputed
	// without the key, deleted from the middle, or rewritten beneath its
	// witness.
	AuditStaffLogMismatch AuditProblemKind = "staff_log_mismatch"
	// AuditStaffLogDropped: a case's staff log is shorter than a
	// checkpoint witnessed it.
	AuditStaffLogDropped AuditProblemKind = "staff_log_dropped"
	// AuditCheckpointMismatch: a witness or checkpoint does not verify
	// under the audit key, the checkpoints do not chain, or the witnesses
	// stored are not the ones the newest checkpoint counted.
	AuditCheckpointMismatch AuditProblemKind = "checkpoint_mismatch"
)

// MaxAuditProblems caps how many problems one report lists.
const MaxAuditProblems = 100

// auditPageSize is how many events one keyset page reads.
const auditPageSize = 1000

// AuditProblem is one broken link: which case, which event, what is wrong.
type AuditProblem struct {
	CaseID string
	Seq    int64 // 0 for problems of the case as a whole
	Kind   AuditProblemKind
	Detail string
}

// String formats the problem for the audit command's output.
func (p AuditProblem) String() string {
	if p.CaseID == "" {
		return fmt.Sprintf("checkpoints: %s: %s", p.Kind, p.Detail)
	}
	return fmt.Sprintf("case %s seq %d: %s: %s", p.CaseID, p.Seq, p.Kind, p.Detail)
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Cases        int64          // cases whose history was walked
	Events       int64          // events verified
	StaffEntries int64          // staff log entries verified
	Problems     []AuditProblem // in walk order (case id, then seq), at most MaxAuditProblems
	Truncated    bool           // more problems were found than Problems lists
	// Checkpoint is the newest checkpoint (nil: none yet), and Unwitnessed
	// the cases no checkpoint has witnessed yet: their deletion would go
	// unnoticed (see audit_checkpoint.go).
	Checkpoint  *AuditCheckpoint
	Unwitnessed int64
}

// OK reports whether every chain verified.
func (r AuditReport) OK() bool { return len(r.Problems) == 0 }

func (r *AuditReport) add(p AuditProblem) {
	if len(r.Problems) >= MaxAuditProblems {
		r.Truncated = true
		return
	}
	r.Problems = append(r.Problems, p)
}

// caseState is the case row and its witness, read beside each event.
type caseState struct {
	version                     sql.NullInt64
	lastHash, status, applicant sql.NullString
	number, itemCode            sql.NullString
	updatedAt                   sqlTime
	falseCommitment             sql.NullBool
	exclusionEnds               sqlTime
	witnessVersion              sql.NullInt64
	witnessHash                 sql.NullString
}

// chainWalk is the state of the walk through one case's events.
type chainWalk struct {
	caseID   string
	orphan   bool
	row      caseState
	nextSeq  int64
	prevHash string // stored hash of the previous event
	replay   *workflow.Replay
}

// VerifyAudit walks every case's history in (case id, seq) order, reading
// it in keyset pages so memory stays flat however many events there are,
// recomputes each event's keyed hash and checks every link: hash, prev
// hash, sequence, and that the case row points at its newest event. It
// replays each history through the lifecycle table and compares what it
// determines with the case row, walks the staff logs' chains the same way,
// and checks every chain against the checkpoints' witnesses and the
// witnesses against the newest checkpoint. progress, if not nil, is called
// after each page with the number of events verified so far.
func VerifyAudit(ctx context.Context, db *DB, progress func(n int)) (AuditReport, error) {
	var (
		rep    AuditReport
		w      *chainWalk
		lastID string
		last   int64
	)
	g := db.gorm.WithContext(ctx)
	const sel = `SELECT e.case_id, e.seq, e.name, e.actor_kind, e.actor_id, e.at, e.from_status, e.to_status,
		e.reason, e.data, e.prev_hash, e.hash, c.version, c.last_hash, c.status, c.applicant_id, c.number,
		c.item_code, c.updated_at, c.false_commitment, c.exclusion_ends_at, h.version, h.hash
		FROM case_events e LEFT JOIN cases c ON c.id = e.case_id LEFT JOIN audit_heads h ON h.case_id = e.case_id `
	for first := true; ; first = false {
		var (
			rows *sql.Rows
			err  error
		)
		if first {
			rows, err = g.Raw(sel+`ORDER BY e.case_id, e.seq LIMIT ?`, auditPageSize).Rows()
		} else {
			rows, err = g.Raw(sel+`WHERE (e.case_id, e.seq) > (?, ?) ORDER BY e.case_id, e.seq LIMIT ?`,
				lastID, last, auditPageSize).Rows()
		}
		if err != nil {
			return rep, translate("verify audit", err)
		}
		n, err := db.verifyPage(rows, &rep, &w)
		if err != nil {
			return rep, translate("verify audit", err)
		}
		if progress != nil {
			progress(int(rep.Events))
		}
		if n < auditPageSize {
			break
		}
		lastID, last = w.caseID, w.nextSeq-1
	}
	if w != nil {
		w.finish(&rep)
	}
	if err := findMissingHistory(g, &rep); err != nil {
		return rep, err
	}
	if err := db.verifyStaffLogs(g, &rep); err != nil {
		return rep, translate("verify audit: staff logs", err)
	}
	if err := db.verifyCheckpoints(g, &rep); err != nil {
		return rep, translate("verify audit: checkpoints", err)
	}
	return rep, nil
}

// verifyPage checks one page of events and returns how many it read.
func (db *DB) verifyPage(rows *sql.Rows, rep *AuditReport, w **chainWalk) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var cs caseState
		ev, err := scanEvent(rows, &cs.version, &cs.lastHash, &cs.status, &cs.applicant, &cs.number,
			&cs.itemCode, &cs.updatedAt, &cs.falseCommitment, &cs.exclusionEnds, &cs.witnessVersion, &cs.witnessHash)
		if err != nil {
			return n, err
		}
		n++
		rep.Events++
		if *w == nil || (*w).caseID != ev.CaseID {
			if *w != nil {
				(*w).finish(rep)
			}
			*w = &chainWalk{caseID: ev.CaseID, orphan: !cs.version.Valid, nextSeq: 1, replay: workflow.NewReplay()}
			rep.Cases++
			if (*w).orphan {
				rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditOrphanEvent, Detail: "no such case"})
			}
		}
		// The case row is read with every event, so a case that grew while
		// its history was being walked is compared with its newest state.
		(*w).row = cs
		(*w).check(db.audit, ev, rep)
	}
	return n, rows.Err()
}

// check verifies one event against the walk so far and its own contents.
func (w *chainWalk) check(k *auditKey, ev eventRow, rep *AuditReport) {
	switch {
	case ev.Seq != w.nextSeq:
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditSequenceGap,
			Detail: fmt.Sprintf("expected seq %d, found %d", w.nextSeq, ev.Seq)})
	case ev.PrevHash != w.prevHash:
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditPrevHashMismatch,
			Detail: fmt.Sprintf("prev_hash %.12s… does not match the previous event's hash %.12s…", ev.PrevHash, w.prevHash)})
	}
	if got := eventHash(k, ev.PrevHash, ev); got != ev.Hash {
		if plainEventHash(ev.PrevHash, ev) == ev.Hash {
			rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditUnkeyed,
				Detail: "the stored hash is the unkeyed SM3 of the event: it was not made with the audit key"})
		} else {
			rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditHashMismatch,
				Detail: fmt.Sprintf("stored hash %.12s…, contents hash to %.12s…", ev.Hash, got)})
		}
	}
	if wv := w.row.witnessVersion; wv.Valid && wv.Int64 == ev.Seq && w.row.witnessHash.String != ev.Hash {
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditWitnessMismatch,
			Detail: fmt.Sprintf("a checkpoint witnessed this event with hash %.12s…, it now has %.12s…", w.row.witnessHash.String, ev.Hash)})
	}
	if err := w.replay.Add(toEventDomain(ev)); err != nil {
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditInvalidHistory, Detail: err.Error()})
	}
	w.nextSeq = ev.Seq + 1
	w.prevHash = ev.Hash
}

// finish checks that the case row points at the newest event walked, that
// the chain reaches its witness, and that the row says what the replayed
// history determines.
func (w *chainWalk) finish(rep *AuditReport) {
	if w.orphan {
		return
	}
	lastSeq := w.nextSeq - 1
	if lastSeq != w.row.version.Int64 || w.prevHash != w.row.lastHash.String {
		rep.add(AuditProblem{CaseID: w.caseID, Seq: lastSeq, Kind: AuditHeadMismatch,
			Detail: fmt.Sprintf("case is at version %d with last hash %.12s…, newest event is seq %d with hash %.12s…",
				w.row.version.Int64, w.row.lastHash.String, lastSeq, w.prevHash)})
	}
	if wv := w.row.witnessVersion; wv.Valid && lastSeq < wv.Int64 {
		rep.add(AuditProblem{CaseID: w.caseID, Seq: lastSeq, Kind: AuditDroppedEvents,
			Detail: fmt.Sprintf("a checkpoint witnessed the case at version %d, its newest event is seq %d", wv.Int64, lastSeq)})
	}
	st := w.replay.State()
	mismatch := func(field, row, replayed string) {
		if row != replayed {
			rep.add(AuditProblem{CaseID: w.caseID, Kind: AuditCaseMismatch,
				Detail: fmt.Sprintf("the case row has %s %q, its events say %q", field, row, replayed)})
		}
	}
	mismatch("status", w.row.status.String, string(st.Status))
	if st.ApplicantID != "" {
		mismatch("applicant", w.row.applicant.String, st.ApplicantID)
	}
	if st.Number != "" {
		mismatch("number", w.row.number.String, st.Number)
	}
	if st.ItemCode != "" {
		mismatch("item", w.row.itemCode.String, st.ItemCode)
	}
	mismatch("updated_at", w.row.updatedAt.T.Format(time.RFC3339Nano), normTime(st.UpdatedAt).Format(time.RFC3339Nano))
	// The mark that sanctions the person is set exactly where the history
	// says a revocation found the commitment false (a clerk's decision), so
	// it cannot be cleared to shed a sanction, nor set to impose one.
	mismatch("false_commitment", strconv.FormatBool(w.row.falseCommitment.Bool), strconv.FormatBool(st.FalseCommitment))
	// Nor can its exclusion be cut short: the history dates its end.
	mismatch("exclusion_ends_at", auditTime(w.row.exclusionEnds.T), auditTime(st.ExcludedUntil))
}

// auditTime is t as the audit compares it: stored form, empty for zero.
func auditTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return normTime(t).Format(time.RFC3339Nano)
}

// findMissingHistory reports cases that have no events at all.
func findMissingHistory(g *gorm.DB, rep *AuditReport) error {
	rows, err := g.Raw(`SELECT c.id FROM cases c
		WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)
		ORDER BY c.id LIMIT ?`, MaxAuditProblems+1).Rows()
	if err != nil {
		return translate("verify audit: cases without history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return translate("verify audit: cases without history", err)
		}
		rep.Cases++
		rep.add(AuditProblem{CaseID: id, Kind: AuditMissingHistory, Detail: "the case has no events"})
	}
	return translate("verify audit: cases without history", rows.Err())
}

// staffWalk is the state of the walk through one case's staff log.
type staffWalk struct {
	caseID      string
	nextSeq     int64
	prevHash    string
	witnessSeq  int64
	witnessHash string
}

// verifyStaffLogs walks every staff log in (case id, seq) keyset pages and
// checks each entry's keyed hash, its link and its seq, and each log
// against its witness.
func (db *DB) verifyStaffLogs(g *gorm.DB, rep *AuditReport) error {
	const sel = `SELECT l.case_id, l.seq, l.action, l.staff_id, l.at, l.data, l.prev_hash, l.hash,
		COALESCE(h.staff_seq, 0), COALESCE(h.staff_hash, '')
		FROM case_staff_log l LEFT JOIN audit_heads h ON h.case_id = l.case_id `
	var (
		w      *staffWalk
		lastID string
		last   int64
	)
	for first := true; ; first = false {
		var (
			rows *sql.Rows
			err  error
		)
		if first {
			rows, err = g.Raw(sel+`ORDER BY l.case_id, l.seq LIMIT ?`, auditPageSize).Rows()
		} else {
			rows, err = g.Raw(sel+`WHERE (l.case_id, l.seq) > (?, ?) ORDER BY l.case_id, l.seq LIMIT ?`,
				lastID, last, auditPageSize).Rows()
		}
		if err != nil {
			return err
		}
		n, err := db.verifyStaffPage(rows, rep, &w)
		if err != nil {
			return err
		}
		if n < auditPageSize {
			break
		}
		lastID, last = w.caseID, w.nextSeq-1
	}
	if w != nil {
		w.finish(rep)
	}
	return nil
}

func (db *DB) verifyStaffPage(rows *sql.Rows, rep *AuditReport, w **staffWalk) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var ws staffWalk
		e, err := scanStaffEntry(rows, &ws.witnessSeq, &ws.witnessHash)
		if err != nil {
			return n, err
		}
		n++
		rep.StaffEntries++
		if *w == nil || (*w).caseID != e.CaseID {
			if *w != nil {
				(*w).finish(rep)
			}
			ws.caseID, ws.nextSeq = e.CaseID, 1
			*w = &ws
		}
		(*w).check(db.audit, e, rep)
	}
	return n, rows.Err()
}

func (w *staffWalk) check(k *auditKey, e staff.LogEntry, rep *AuditReport) {
	bad := func(detail string) {
		rep.add(AuditProblem{CaseID: e.CaseID, Seq: e.Seq, Kind: AuditStaffLogMismatch, Detail: "staff log: " + detail})
	}
	switch {
	case e.Seq != w.nextSeq:
		bad(fmt.Sprintf("expected entry %d, found %d", w.nextSeq, e.Seq))
	case e.PrevHash != w.prevHash:
		bad("the entry does not link to the one before")
	}
	if got := staffLogHash(k, e); got != e.Hash {
		if plainStaffLogHash(e) == e.Hash {
			bad("the stored hash is the unkeyed SM3 of the entry: it was not made with the audit key")
		} else {
			bad(fmt.Sprintf("stored hash %.12s…, contents hash to %.12s…", e.Hash, got))
		}
	}
	if e.Seq == w.witnessSeq && e.Hash != w.witnessHash {
		bad(fmt.Sprintf("a checkpoint witnessed this entry with hash %.12s…, it now has %.12s…", w.witnessHash, e.Hash))
	}
	w.nextSeq, w.prevHash = e.Seq+1, e.Hash
}

func (w *staffWalk) finish(rep *AuditReport) {
	if lastSeq := w.nextSeq - 1; lastSeq < w.witnessSeq {
		rep.add(AuditProblem{CaseID: w.caseID, Seq: lastSeq, Kind: AuditStaffLogDropped,
			Detail: fmt.Sprintf("a checkpoint witnessed the staff log at entry %d, its newest is %d", w.witnessSeq, lastSeq)})
	}
}

// verifyCheckpoints checks every witness's MAC and that its case and
// staff log still exist, every checkpoint's MAC and link, and that the
// newest checkpoint counts exactly the witnesses stored. The witnesses and
// the checkpoints are read by separate statements, so a checkpoint a
// server commits in between would look like a mismatch: the pass is run
// again, a few times at most, until the newest checkpoint stays put.
func (db *DB) verifyCheckpoints(g *gorm.DB, rep *AuditReport) error {
	for attempt := 0; ; attempt++ {
		// A checkpoint committed before this read is seen by both
		// statements, one committed after the pass by neither.
		var before sql.NullInt64
		if err := g.Raw(`SELECT max(seq) FROM audit_checkpoints`).Row().Scan(&before); err != nil {
			return err
		}
		pass := AuditReport{}
		if err := db.checkpointPass(g, &pass); err != nil {
			return err
		}
		seen := int64(0)
		if pass.Checkpoint != nil {
			seen = pass.Checkpoint.Seq
		}
		if before.Int64 == seen || attempt == 2 {
			for _, p := range pass.Problems {
				rep.add(p)
			}
			rep.Truncated = rep.Truncated || pass.Truncated
			rep.Checkpoint, rep.Unwitnessed = pass.Checkpoint, pass.Unwitnessed
			return nil
		}
	}
}

// checkpointPass is one pass of verifyCheckpoints.
func (db *DB) checkpointPass(g *gorm.DB, rep *AuditReport) error {
	sum := AuditCheckpoint{Digest: zeroDigest}
	rows, err := g.Raw(`SELECT h.case_id, h.version, h.hash, h.staff_seq, h.staff_hash, h.mac,
			EXISTS (SELECT 1 FROM cases c WHERE c.id = h.case_id),
			EXISTS (SELECT 1 FROM case_staff_log l WHERE l.case_id = h.case_id)
		FROM audit_heads h ORDER BY h.case_id`).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			w               witness
			hasCase, hasLog bool
		)
		if err := rows.Scan(&w.caseID, &w.version, &w.hash, &w.staffSeq, &w.staffHash, &w.mac, &hasCase, &hasLog); err != nil {
			return err
		}
		sum.Cases++
		sum.Events += w.version
		sum.StaffEntries += w.staffSeq
		sum.Digest = xorHex(sum.Digest, w.mac)
		switch {
		case db.audit.witnessMAC(w) != w.mac:
			rep.add(AuditProblem{CaseID: w.caseID, Kind: AuditCheckpointMismatch, Detail: "the case's witness does not verify under the audit key"})
		case !hasCase:
			rep.add(AuditProblem{CaseID: w.caseID, Seq: w.version, Kind: AuditDeletedCase,
				Detail: fmt.Sprintf("a checkpoint witnessed the case at version %d; it is gone", w.version)})
		case w.staffSeq > 0 && !hasLog:
			rep.add(AuditProblem{CaseID: w.caseID, Kind: AuditStaffLogDropped,
				Detail: fmt.Sprintf("a checkpoint witnessed the staff log at entry %d; it is gone", w.staffSeq)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := db.verifyCheckpointChain(g, rep); err != nil {
		return err
	}
	cp := rep.Checkpoint
	if cp == nil {
		cp = &AuditCheckpoint{Digest: zeroDigest}
	}
	if cp.Cases != sum.Cases || cp.Events != sum.Events || cp.StaffEntries != sum.StaffEntries || cp.Digest != sum.Digest {
		rep.add(AuditProblem{Kind: AuditCheckpointMismatch, Seq: cp.Seq,
			Detail: fmt.Sprintf("the newest checkpoint counts %d witnessed cases (%d events, %d staff entries), %d are stored (%d events, %d staff entries) or their digest differs: witnesses were deleted, added or rolled back",
				cp.Cases, cp.Events, cp.StaffEntries, sum.Cases, sum.Events, sum.StaffEntries)})
	}
	return g.Raw(`SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_heads h WHERE h.case_id = c.id)`).
		Row().Scan(&rep.Unwitnessed)
}

// verifyCheckpointChain checks every checkpoint's MAC, seq and link to the
// one before, and records the newest in rep.
func (db *DB) verifyCheckpointChain(g *gorm.DB, rep *AuditReport) error {
	rows, err := g.Raw(`SELECT ` + checkpointColumns + ` FROM audit_checkpoints ORDER BY seq`).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var prev *AuditCheckpoint
	for rows.Next() {
		cp, err := scanCheckpoint(rows)
		if err != nil {
			return err
		}
		bad := func(detail string) {
			rep.add(AuditProblem{Kind: AuditCheckpointMismatch, Seq: cp.Seq, Detail: fmt.Sprintf("checkpoint %d: %s", cp.Seq, detail)})
		}
		switch {
		case db.audit.checkpointMAC(cp) != cp.MAC:
			bad("does not verify under the audit key")
		case prev == nil && (cp.Seq != 1 || cp.PrevMAC != ""):
			bad("the checkpoints before it are gone")
		case prev != nil && (cp.Seq != prev.Seq+1 || cp.PrevMAC != prev.MAC):
			bad("does not follow the checkpoint before it")
		}
		prev = &cp
	}
	rep.Checkpoint = prev
	return rows.Err()
}
