package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// RechainReport is the outcome of RechainAudit.
type RechainReport struct {
	Cases        int64    // cases whose chains were re-keyed
	Events       int64    // events re-keyed
	StaffEntries int64    // staff log entries re-keyed
	Refused      []string // cases left as they are, and why
}

// RechainAudit re-keys, once, the chains written before the audit key:
// every unkeyed (plain SM3) link becomes the keyed link of the same
// contents, in one transaction, with the servers stopped (a change
// committed meanwhile would chain to a hash being replaced).
//
// Accepting a plain link is only sound for a link a keyed process could
// not have written, so a case is re-keyed only when its chains verify
// link by link, its plain links come before any keyed one, and either a
// checkpoint witnessed the case past its last plain link (a keyed server
// saw that very chain) or no checkpoint exists at all (the store has never
// been seen by one). Any other case is refused, left as it is for verify
// to report. Witnesses of re-keyed cases are updated and a checkpoint over
// them is written.
func RechainAudit(ctx context.Context, db *DB, at time.Time) (RechainReport, error) {
	const op = "re-key audit trail"
	var rep RechainReport
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rep = RechainReport{}
		if db.isPostgres() {
			if err := tx.Exec(`LOCK TABLE audit_checkpoints IN EXCLUSIVE MODE`).Error; err != nil {
				return err
			}
		}
		last, err := scanCheckpoint(tx.Raw(`SELECT ` + checkpointColumns + ` FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`).Row())
		none := errors.Is(err, sql.ErrNoRows)
		switch {
		case none:
			last = AuditCheckpoint{Digest: zeroDigest}
		case err != nil:
			return err
		case db.audit.checkpointMAC(last) != last.MAC:
			return fmt.Errorf("%w: checkpoint %d does not verify under the audit key", workflow.ErrConflict, last.Seq)
		}
		next := last
		var ids []string
		if err := tx.Raw(`SELECT id FROM cases ORDER BY id`).Scan(&ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := db.rechainCase(tx, id, none, &next, &rep); err != nil {
				return err
			}
		}
		if next.Digest == last.Digest || none {
			return nil
		}
		next.Seq, next.At, next.PrevMAC = last.Seq+1, normTime(at), last.MAC
		next.MAC = db.audit.checkpointMAC(next)
		return tx.Exec(`INSERT INTO audit_checkpoints (`+checkpointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			next.Seq, db.ts(next.At), next.Cases, next.Events, next.StaffEntries, next.Digest, next.PrevMAC, next.MAC).Error
	})
	if err != nil {
		return RechainReport{}, translate(op, err)
	}
	return rep, nil
}

// rechainCase re-keys one case's chains in tx if they qualify, updating
// its witness and folding the witness's new MAC into cp's digest.
func (db *DB) rechainCase(tx *gorm.DB, id string, noCheckpoint bool, cp *AuditCheckpoint, rep *RechainReport) error {
	var (
		w        witness
		witness  = true
		version  int64
		lastHash string
	)
	err := tx.Raw(`SELECT case_id, version, hash, staff_seq, staff_hash, mac FROM audit_heads WHERE case_id = ?`, id).
		Row().Scan(&w.caseID, &w.version, &w.hash, &w.staffSeq, &w.staffHash, &w.mac)
	if errors.Is(err, sql.ErrNoRows) {
		witness = false
	} else if err != nil {
		return err
	}
	if err := tx.Raw(`SELECT version, last_hash FROM cases WHERE id = ?`, id).Row().Scan(&version, &lastHash); err != nil {
		return err
	}
	events, err := caseEvents(tx, id)
	if err != nil {
		return err
	}
	entries, err := caseStaffLog(tx, id)
	if err != nil {
		return err
	}
	evPlain, evWhy := plainPrefix(len(events), func(i int) (string, string, string, string) {
		e := events[i]
		return e.PrevHash, e.Hash, eventHash(db.audit, e.PrevHash, e), plainEventHash(e.PrevHash, e)
	})
	stPlain, stWhy := plainPrefix(len(entries), func(i int) (string, string, string, string) {
		e := entries[i]
		return e.PrevHash, e.Hash, staffLogHash(db.audit, e), plainStaffLogHash(e)
	})
	refuse := func(why string) error {
		rep.Refused = append(rep.Refused, fmt.Sprintf("case %s: %s", id, why))
		return nil
	}
	switch {
	case evPlain == 0 && stPlain == 0 && evWhy == "" && stWhy == "":
		return nil // keyed throughout
	case evWhy != "":
		return refuse(evWhy)
	case stWhy != "":
		return refuse("staff log: " + stWhy)
	case len(events) == 0 || int64(len(events)) != version || events[len(events)-1].Hash != lastHash:
		return refuse("the case row does not point at its newest event")
	case witness && db.audit.witnessMAC(w) != w.mac:
		return refuse("its witness does not verify under the audit key")
	case !witness && !noCheckpoint:
		return refuse("no checkpoint witnessed its unkeyed chain, yet checkpoints exist: a keyed server never saw it")
	case witness && (w.version < int64(evPlain) || w.staffSeq < int64(stPlain)):
		return refuse("its unkeyed links reach past what a checkpoint witnessed")
	case witness && !sameAsWitnessed(events, entries, w):
		// A keyed chain rewritten and recomputed without the key looks
		// like a pre-key one; only the witness tells them apart.
		return refuse("its chain is not the one a checkpoint witnessed")
	}
	prev := ""
	for i := range events {
		e := &events[i]
		e.PrevHash = prev
		e.Hash = eventHash(db.audit, prev, *e)
		prev = e.Hash
		if err := tx.Exec(`UPDATE case_events SET prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?`, e.PrevHash, e.Hash, id, e.Seq).Error; err != nil {
			return err
		}
		if witness && e.Seq == w.version {
			w.hash = e.Hash
		}
	}
	if err := tx.Exec(`UPDATE cases SET last_hash = ? WHERE id = ?`, prev, id).Error; err != nil {
		return err
	}
	prev = ""
	for i := range entries {
		e := &entries[i]
		e.PrevHash = prev
		e.Hash = staffLogHash(db.audit, *e)
		prev = e.Hash
		if err := tx.Exec(`UPDATE case_staff_log SET prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?`, e.PrevHash, e.Hash, id, e.Seq).Error; err != nil {
			return err
		}
		if witness && e.Seq == w.staffSeq {
			w.staffHash = e.Hash
		}
	}
	db.heads.put(id, head{version: version, hash: events[len(events)-1].Hash})
	rep.Cases++
	rep.Events += int64(len(events))
	rep.StaffEntries += int64(len(entries))
	if !witness {
		return nil
	}
	old := w.mac
	w.mac = db.audit.witnessMAC(w)
	cp.Digest = xorHex(xorHex(cp.Digest, old), w.mac)
	return tx.Exec(`UPDATE audit_heads SET hash = ?, staff_hash = ?, mac = ? WHERE case_id = ?`, w.hash, w.staffHash, w.mac, id).Error
}

// plainPrefix checks a chain of n links, link(i) giving its stored prev
// hash and hash and the keyed and plain hashes of its contents. It returns
// how many leading links are plain, or why the chain cannot be re-keyed:
// a link that is neither, a broken link, or a plain link after a keyed one.
func plainPrefix(n int, link func(i int) (prev, stored, keyed, plain string)) (int, string) {
	plainCount, prevHash, keyedSeen := 0, "", false
	for i := range n {
		prev, stored, keyed, plain := link(i)
		switch {
		case prev != prevHash:
			return 0, fmt.Sprintf("link %d does not point at the one before", i+1)
		case stored == keyed:
			keyedSeen = true
		case stored != plain:
			return 0, fmt.Sprintf("link %d does not hash to its contents", i+1)
		case keyedSeen:
			return 0, fmt.Sprintf("unkeyed link %d comes after a keyed one", i+1)
		default:
			plainCount = i + 1
		}
		prevHash = stored
	}
	return plainCount, ""
}

// caseEvents reads a case's events in order in tx.
func caseEvents(tx *gorm.DB, id string) ([]eventRow, error) {
	rows, err := tx.Raw(`SELECT `+eventColumns+` FROM case_events WHERE case_id = ? ORDER BY seq`, id).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// caseStaffLog reads a case's staff log in order in tx.
func caseStaffLog(tx *gorm.DB, id string) ([]staff.LogEntry, error) {
	rows, err := tx.Raw(`SELECT case_id, seq, action, staff_id, at, data, prev_hash, hash
		FROM case_staff_log WHERE case_id = ? ORDER BY seq`, id).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []staff.LogEntry
	for rows.Next() {
		e, err := scanStaffEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// sameAsWitnessed reports whether the stored links at the witnessed
// version and staff-log entry are the ones the witness recorded.
func sameAsWitnessed(events []eventRow, entries []staff.LogEntry, w witness) bool {
	ok := w.version == 0 || w.hash == ""
	for _, e := range events {
		if e.Seq == w.version {
			ok = e.Hash == w.hash
		}
	}
	staffOK := w.staffSeq == 0 || w.staffHash == ""
	for _, e := range entries {
		if e.Seq == w.staffSeq {
			staffOK = e.Hash == w.staffHash
		}
	}
	return ok && staffOK
}
