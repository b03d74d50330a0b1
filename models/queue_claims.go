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

// staff.Claim takes the case for staffID until at+lease, or renews the caller's
// own claim. The database decides: one conditional upsert on the claims
// table, whose primary key is the case, succeeds only when there is no
// claim, the claim has lapsed, or it is the caller's. Otherwise it fails
// with a *staff.ClaimHeldError naming the holder. A new claim is logged; a
// renewal is not.
func (s *StaffStore) Claim(ctx context.Context, caseID, department, staffID string, at time.Time, lease time.Duration) (staff.Claim, error) {
	op := fmt.Sprintf("claim case %s for %s", caseID, staffID)
	at = normTime(at)
	var got staff.Claim
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var (
			holder           string
			claimed, expires sqlTime
		)
		now := s.db.ts(at)
		err := tx.Raw(`INSERT INTO case_claims (case_id, staff_id, department, claimed_at, expires_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (case_id) DO UPDATE SET
				staff_id = excluded.staff_id,
				department = excluded.department,
				claimed_at = CASE WHEN case_claims.staff_id = excluded.staff_id AND case_claims.expires_at > ?
					THEN case_claims.claimed_at ELSE excluded.claimed_at END,
				expires_at = excluded.expires_at
			WHERE case_claims.expires_at <= ? OR case_claims.staff_id = excluded.staff_id
			RETURNING staff_id, claimed_at, expires_at`,
			caseID, staffID, department, now, s.db.ts(at.Add(lease)), now, now).Row().Scan(&holder, &claimed, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			held, ok, err := s.claimOf(tx, caseID, at)
			if err != nil {
				return err
			}
			if !ok { // lapsed between the two statements: let the caller retry
				return fmt.Errorf("%w: claim changed during the attempt", workflow.ErrConflict)
			}
			return &staff.ClaimHeldError{Holder: held}
		}
		if err != nil {
			return err
		}
		got = staff.Claim{CaseID: caseID, StaffID: holder, Department: department, ClaimedAt: claimed.T, ExpiresAt: expires.T}
		if !claimed.T.Equal(at) {
			return nil // a renewal
		}
		return s.appendStaffLog(tx, caseID, staff.ActionClaim, staffID, at, map[string]any{"expires_at": expires.T})
	})
	if err != nil {
		var held *staff.ClaimHeldError
		if errors.As(err, &held) {
			return staff.Claim{}, err
		}
		return staff.Claim{}, translate(op, err)
	}
	return got, nil
}

// ClaimOf returns the live claim on a case at `at`, if any.
func (s *StaffStore) ClaimOf(ctx context.Context, caseID string, at time.Time) (staff.Claim, bool, error) {
	c, ok, err := s.claimOf(s.db.gorm.WithContext(ctx), caseID, at)
	return c, ok, translate("claim of case "+caseID, err)
}

func (s *StaffStore) claimOf(q *gorm.DB, caseID string, at time.Time) (staff.Claim, bool, error) {
	var (
		c                staff.Claim
		claimed, expires sqlTime
	)
	err := q.Raw(`SELECT case_id, staff_id, department, claimed_at, expires_at FROM case_claims
		WHERE case_id = ? AND expires_at > ?`, caseID, s.db.ts(at)).Row().
		Scan(&c.CaseID, &c.StaffID, &c.Department, &claimed, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return staff.Claim{}, false, nil
	}
	if err != nil {
		return staff.Claim{}, false, err
	}
	c.ClaimedAt, c.ExpiresAt = claimed.T, expires.T
	return c, true, nil
}

// Release gives the caller's live claim back to the queue; staff.ErrNotHolder if
// the caller holds none.
func (s *StaffStore) Release(ctx context.Context, caseID, staffID string, at time.Time) error {
	op := fmt.Sprintf("release case %s by %s", caseID, staffID)
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM case_claims WHERE case_id = ? AND staff_id = ? AND expires_at > ?`, caseID, staffID, s.db.ts(at))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return staff.ErrNotHolder
		}
		return s.appendStaffLog(tx, caseID, staff.ActionRelease, staffID, at, nil)
	})
	return translate(op, err)
}

// HandOver passes the caller's live claim to another member of staff, with
// a fresh lease and the reason in the log; staff.ErrNotHolder if the caller holds
// no live claim.
func (s *StaffStore) HandOver(ctx context.Context, caseID, fromStaff, toStaff, reason string, at time.Time, lease time.Duration) (staff.Claim, error) {
	op := fmt.Sprintf("hand case %s from %s to %s", caseID, fromStaff, toStaff)
	at = normTime(at)
	var got staff.Claim
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE case_claims SET staff_id = ?, claimed_at = ?, expires_at = ?
			WHERE case_id = ? AND staff_id = ? AND expires_at > ?`,
			toStaff, s.db.ts(at), s.db.ts(at.Add(lease)), caseID, fromStaff, s.db.ts(at))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return staff.ErrNotHolder
		}
		c, _, err := s.claimOf(tx, caseID, at)
		if err != nil {
			return err
		}
		got = c
		return s.appendStaffLog(tx, caseID, staff.ActionHandOver, fromStaff, at, map[string]string{"to": toStaff, "reason": reason})
	})
	if err != nil {
		return staff.Claim{}, translate(op, err)
	}
	return got, nil
}

// Reassign is a supervisor (by) giving the case to toStaff with a fresh
// lease, or back to the queue when toStaff is empty, whoever holds it.
func (s *StaffStore) Reassign(ctx context.Context, caseID, department, toStaff, by, reason string, at time.Time, lease time.Duration) (staff.Claim, error) {
	op := fmt.Sprintf("reassign case %s to %q", caseID, toStaff)
	at = normTime(at)
	var got staff.Claim
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		lock := ""
		if s.db.isPostgres() {
			lock = " FOR UPDATE"
		}
		var from string
		err := tx.Raw(`SELECT staff_id FROM case_claims WHERE case_id = ? AND expires_at > ?`+lock, caseID, s.db.ts(at)).Row().Scan(&from)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if toStaff == "" {
			if err := tx.Exec(`DELETE FROM case_claims WHERE case_id = ?`, caseID).Error; err != nil {
				return err
			}
		} else {
			err := tx.Exec(`INSERT INTO case_claims (case_id, staff_id, department, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (case_id) DO UPDATE SET staff_id = excluded.staff_id, department = excluded.department,
					claimed_at = excluded.claimed_at, expires_at = excluded.expires_at`,
				caseID, toStaff, department, s.db.ts(at), s.db.ts(at.Add(lease))).Error
			if err != nil {
				return err
			}
			got = staff.Claim{CaseID: caseID, StaffID: toStaff, Department: department, ClaimedAt: at, ExpiresAt: normTime(at.Add(lease))}
		}
		return s.appendStaffLog(tx, caseID, staff.ActionReassign, by, at, map[string]string{"from": from, "to": toStaff, "reason": reason})
	})
	if err != nil {
		return staff.Claim{}, translate(op, err)
	}
	return got, nil
}

// CaseAndClaim reads a case with its live claim at `at` (ok false when the
// case is free) in one statement, for the decisions a clerk takes on it;
// workflow.ErrNotFound when there is no such case.
func (r *Repo) CaseAndClaim(ctx context.Context, id string, at time.Time) (workflow.Case, staff.Claim, bool, error) {
	op := "get case " + id + " with its claim"
	var (
		claimCase, claimStaff, dept sql.NullString
		claimed, expires            sqlTime
	)
	row := r.db.gorm.WithContext(ctx).Raw(`SELECT `+prefixColumns(caseColumns, "c.")+`, k.case_id, k.staff_id, k.department, k.claimed_at, k.expires_at
		FROM cases c LEFT JOIN case_claims k ON k.case_id = c.id AND k.expires_at > ?
		WHERE c.id = ?`, r.db.ts(at), id).Row()
	cr, err := scanCase(rowWith{row: row, last: []any{&claimCase, &claimStaff, &dept, &claimed, &expires}})
	if err != nil {
		return workflow.Case{}, staff.Claim{}, false, translate(op, err)
	}
	r.heads.put(cr.ID, head{version: cr.Version, hash: cr.LastHash})
	c, err := toCaseDomain(cr)
	if err != nil {
		return workflow.Case{}, staff.Claim{}, false, fmt.Errorf("%s: %w", op, err)
	}
	if !claimCase.Valid {
		return c, staff.Claim{}, false, nil
	}
	cl := staff.Claim{CaseID: claimCase.String, StaffID: claimStaff.String, Department: dept.String, ClaimedAt: claimed.T, ExpiresAt: expires.T}
	return c, cl, true, nil
}
