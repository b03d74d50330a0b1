package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"
)

// AuditProblemKind says what is wrong with a link of a case's history.
type AuditProblemKind string

// Kinds of broken link VerifyAudit reports.
const (
	// AuditHashMismatch: the event's stored hash is not the hash of its contents
	// (the event was edited after it was written).
	AuditHashMismatch AuditProblemKind = "hash_mismatch"
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
	return fmt.Sprintf("case %s seq %d: %s: %s", p.CaseID, p.Seq, p.Kind, p.Detail)
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Cases     int64          // cases whose history was walked
	Events    int64          // events verified
	Problems  []AuditProblem // in walk order (case id, then seq), at most MaxAuditProblems
	Truncated bool           // more problems were found than Problems lists
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

// chainWalk is the state of the walk through one case's events.
type chainWalk struct {
	caseID   string
	orphan   bool
	version  int64  // the case row's version
	lastHash string // the case row's last_hash
	nextSeq  int64
	prevHash string // stored hash of the previous event
}

// VerifyAudit walks every case's history in (case id, seq) order, reading
// it in keyset pages so memory stays flat however many events there are,
// recomputes each event's hash and checks every link: hash, prev hash,
// sequence, and that the case row points at its newest event. progress, if
// not nil, is called after each page with the number of events verified so far.
func VerifyAudit(ctx context.Context, db *DB, progress func(n int)) (AuditReport, error) {
	var (
		rep    AuditReport
		w      *chainWalk
		lastID string
		last   int64
	)
	g := db.gorm.WithContext(ctx)
	const sel = `SELECT e.case_id, e.seq, e.name, e.actor_kind, e.actor_id, e.at, e.from_status, e.to_status,
		e.reason, e.data, e.prev_hash, e.hash, c.version, c.last_hash
		FROM case_events e LEFT JOIN cases c ON c.id = e.case_id `
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
		n, err := verifyPage(rows, &rep, &w)
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
	return rep, nil
}

// verifyPage checks one page of events and returns how many it read.
func verifyPage(rows *sql.Rows, rep *AuditReport, w **chainWalk) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			version sql.NullInt64
			lastH   sql.NullString
		)
		ev, err := scanEvent(rows, &version, &lastH)
		if err != nil {
			return n, err
		}
		n++
		rep.Events++
		if *w == nil || (*w).caseID != ev.CaseID {
			if *w != nil {
				(*w).finish(rep)
			}
			*w = &chainWalk{caseID: ev.CaseID, orphan: !version.Valid,
				version: version.Int64, lastHash: lastH.String, nextSeq: 1}
			rep.Cases++
			if (*w).orphan {
				rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditOrphanEvent, Detail: "no such case"})
			}
		}
		// The case row is read with every event, so a case that grew while
		// its history was being walked is compared with its newest state.
		(*w).version, (*w).lastHash = version.Int64, lastH.String
		(*w).check(ev, rep)
	}
	return n, rows.Err()
}

// check verifies one event against the walk so far and its own contents.
func (w *chainWalk) check(ev eventRow, rep *AuditReport) {
	switch {
	case ev.Seq != w.nextSeq:
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditSequenceGap,
			Detail: fmt.Sprintf("expected seq %d, found %d", w.nextSeq, ev.Seq)})
	case ev.PrevHash != w.prevHash:
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditPrevHashMismatch,
			Detail: fmt.Sprintf("prev_hash %.12s… does not match the previous event's hash %.12s…", ev.PrevHash, w.prevHash)})
	}
	if got := eventHash(ev.PrevHash, ev); got != ev.Hash {
		rep.add(AuditProblem{CaseID: ev.CaseID, Seq: ev.Seq, Kind: AuditHashMismatch,
			Detail: fmt.Sprintf("stored hash %.12s…, contents hash to %.12s…", ev.Hash, got)})
	}
	w.nextSeq = ev.Seq + 1
	w.prevHash = ev.Hash
}

// finish checks that the case row points at the newest event walked.
func (w *chainWalk) finish(rep *AuditReport) {
	if w.orphan {
		return
	}
	if lastSeq := w.nextSeq - 1; lastSeq != w.version || w.prevHash != w.lastHash {
		rep.add(AuditProblem{CaseID: w.caseID, Seq: lastSeq, Kind: AuditHeadMismatch,
			Detail: fmt.Sprintf("case is at version %d with last hash %.12s…, newest event is seq %d with hash %.12s…",
				w.version, w.lastHash, lastSeq, w.prevHash)})
	}
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
