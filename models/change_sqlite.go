package models

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// On SQLite a change is a short transaction on the single connection
// (BEGIN IMMEDIATE, see openSQLite): statements cost no network round trip,
// so plain INSERTs and UPDATEs are as fast as anything cleverer.

func (r *Repo) createSQLite(ctx context.Context, cr changeRows) error {
	return r.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if cr.draftLimit > 0 {
			// The transaction holds SQLite's single write lock from its
			// BEGIN IMMEDIATE: no other draft is written before this one.
			var n int
			if err := tx.Raw(openDrafts, cr.c.ApplicantID, cr.draftLimit).Row().Scan(&n); err != nil {
				return err
			}
			if n >= cr.draftLimit {
				return errDraftLimit
			}
		}
		args := r.db.caseArgs(cr.c)
		if err := tx.Exec(`INSERT INTO cases (`+caseColumns+`) VALUES (`+placeholders(len(args))+`)`, args...).Error; err != nil {
			return err
		}
		return r.sqliteTail(tx, &cr)
	})
}

func (r *Repo) applySQLite(ctx context.Context, cr *changeRows) error {
	return r.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return r.applyChained(tx, cr, func(h head) (bool, error) {
			if cr.guard != nil {
				// The transaction holds SQLite's single write lock, so
				// the claim cannot change before the write below.
				if held, err := r.claimHeld(tx, cr.c.ID, cr.guard); err != nil || !held {
					return false, errors.Join(err, guardFailed(cr.guard, held))
				}
			}
			if ok, err := sqliteCaseUpdate(tx, r.db, cr, h.hash); err != nil || !ok {
				return false, err
			}
			return true, r.sqliteTail(tx, cr)
		})
	})
}

// sqliteCaseUpdate writes the case of cr if the stored one is still at the
// version before it with head hash, and reports whether it was.
func sqliteCaseUpdate(tx *gorm.DB, db *DB, cr *changeRows, hash string) (bool, error) {
	a := db.caseArgs(cr.c)
	res := tx.Exec(`UPDATE cases SET number = ?, item_code = ?, department = ?, applicant_id = ?,
		status = ?, version = ?, trust_first = ?, false_commitment = ?, card = ?, deadline = ?,
		next_timer_at = ?, created_at = ?, updated_at = ?, last_hash = ?, data = ?, exclusion_ends_at = ?,
		commitment_letter = ?
		WHERE id = ? AND version = ? AND last_hash = ?`, append(a[1:caseUpdated:caseUpdated], a[caseUpdated+1], a[caseUpdated+2], a[0], cr.prevVersion(), hash)...)
	return res.RowsAffected == 1, res.Error
}

// sqliteTail inserts the event, the outbox rows and the idempotency row.
func (r *Repo) sqliteTail(tx *gorm.DB, cr *changeRows) error { return sqliteChangeRows(tx, r.db, cr) }

// sqliteChangeRows inserts, statement by statement, the events, the outbox
// rows and the idempotency row of a change whose case is written.
func sqliteChangeRows(tx *gorm.DB, db *DB, cr *changeRows) error {
	for _, e := range cr.events() {
		ev := db.eventArgs(e)
		if err := tx.Exec(`INSERT INTO case_events (`+eventColumns+`) VALUES (`+placeholders(len(ev))+`)`, ev...).Error; err != nil {
			return err
		}
	}
	if len(cr.effects) > 0 {
		at := db.ts(cr.ev.At)
		rows := make([]string, len(cr.effects))
		args := make([]any, 0, 6*len(cr.effects))
		for i, e := range cr.effects {
			rows[i] = "(?, ?, ?, 'pending', ?, ?, ?)"
			args = append(args, cr.c.ID, e.Kind, e.Payload, at, at, at)
		}
		if err := tx.Exec(`INSERT INTO outbox (case_id, kind, payload, state, next_at, created_at, updated_at) VALUES `+
			strings.Join(rows, ", "), args...).Error; err != nil {
			return err
		}
	}
	if h := cr.hold; h != nil {
		if err := tx.Exec(`INSERT INTO case_claims (case_id, staff_id, department, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			cr.c.ID, h.staffID, h.department, db.ts(h.at), db.ts(h.until)).Error; err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO case_staff_log (case_id, seq, action, staff_id, at, data, prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, '', ?)`,
			cr.c.ID, string(h.log.Action), h.log.StaffID, db.ts(h.log.At), string(h.log.Data), h.log.Hash).Error; err != nil {
			return err
		}
	}
	if k := cr.idem; k != nil {
		if err := tx.Exec(`INSERT INTO idempotency_keys (scope, "key", request_hash, status, response, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, k.Scope, k.Key, k.RequestHash, k.Status, k.Response, db.ts(k.CreatedAt)).Error; err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
