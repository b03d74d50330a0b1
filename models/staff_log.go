package models

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// staffLogFields is the canonical form of an entry: every field that says
// what happened, after the domain and the previous entry's hash.
func staffLogFields(e staff.LogEntry) []string {
	return []string{staffLogDomain, e.PrevHash, e.CaseID, strconv.FormatInt(e.Seq, 10), string(e.Action), e.StaffID,
		normTime(e.At).Format(time.RFC3339Nano), string(e.Data)}
}

// staffLogHash is the keyed link of an entry: HMAC-SM3 under the audit key
// over its canonical form.
func staffLogHash(k *auditKey, e staff.LogEntry) string { return k.sum(staffLogFields(e)...) }

// plainStaffLogHash is the unkeyed SM3 digest entries had before the audit
// key, each field written as its decimal length, a colon and its bytes.
// verify uses it only to name an entry hashed without the key.
func plainStaffLogHash(e staff.LogEntry) string {
	h := sm3.New()
	for _, f := range staffLogFields(e)[1:] {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendStaffLog adds an entry to a case's log inside tx, chained to the
// newest entry. Callers hold the case's claim row (written earlier in tx),
// which serialises writers of one case.
func (s *StaffStore) appendStaffLog(tx *gorm.DB, caseID string, action staff.Action, staffID string, at time.Time, data any) error {
	e := staff.LogEntry{CaseID: caseID, Action: action, StaffID: staffID, At: normTime(at)}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("encode staff log data: %w", err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return fmt.Errorf("encode staff log data: %w", err)
		}
		e.Data = buf.Bytes()
	}
	err := tx.Raw(`SELECT seq, hash FROM case_staff_log WHERE case_id = ? ORDER BY seq DESC LIMIT 1`, caseID).
		Row().Scan(&e.Seq, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	e.Seq++
	e.Hash = staffLogHash(s.db.audit, e)
	var raw any
	if len(e.Data) > 0 {
		raw = string(e.Data)
	}
	return tx.Exec(`INSERT INTO case_staff_log (case_id, seq, action, staff_id, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.CaseID, e.Seq, string(e.Action), e.StaffID, s.db.ts(e.At), raw, e.PrevHash, e.Hash).Error
}

// StaffLog returns a case's staff log in order.
func (s *StaffStore) StaffLog(ctx context.Context, caseID string) ([]staff.LogEntry, error) {
	op := "staff log of case " + caseID
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT case_id, seq, action, staff_id, at, data, prev_hash, hash
		FROM case_staff_log WHERE case_id = ? ORDER BY seq`, caseID).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	out := []staff.LogEntry{}
	for rows.Next() {
		e, err := scanStaffEntry(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, e)
	}
	return out, translate(op, rows.Err())
}

// scanStaffEntry scans case_id, seq, action, staff_id, at, data, prev_hash,
// hash and then extra.
func scanStaffEntry(s rowScanner, extra ...any) (staff.LogEntry, error) {
	var (
		e    staff.LogEntry
		at   sqlTime
		data sql.NullString
	)
	err := s.Scan(append([]any{&e.CaseID, &e.Seq, &e.Action, &e.StaffID, &at, &data, &e.PrevHash, &e.Hash}, extra...)...)
	e.At = at.T
	if data.Valid && data.String != "" {
		e.Data = json.RawMessage(data.String)
	}
	return e, err
}

// VerifyStaffLog checks a case's staff log chain and names the first entry
// that does not hash to what is stored or does not link to the one before.
func (s *StaffStore) VerifyStaffLog(ctx context.Context, caseID string) error {
	entries, err := s.StaffLog(ctx, caseID)
	if err != nil {
		return err
	}
	prev := ""
	for i, e := range entries {
		switch {
		case e.Seq != int64(i+1):
			return fmt.Errorf("%w: staff log of case %s: entry %d has seq %d", workflow.ErrConflict, caseID, i+1, e.Seq)
		case e.PrevHash != prev:
			return fmt.Errorf("%w: staff log of case %s: entry %d does not link to the one before", workflow.ErrConflict, caseID, e.Seq)
		case staffLogHash(s.db.audit, e) != e.Hash:
			return fmt.Errorf("%w: staff log of case %s: entry %d was altered", workflow.ErrConflict, caseID, e.Seq)
		}
		prev = e.Hash
	}
	return nil
}

// LogAccess records in the case's staff log that staffID read personal
// data of the case (a revealed ID number or phone, a door photo, a
// printed notice), chained like every other entry.
func (s *StaffStore) LogAccess(ctx context.Context, caseID, staffID string, action staff.Action, at time.Time, data any) error {
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.appendStaffLog(tx, caseID, action, staffID, at, data)
	})
	return translate("log access to case "+caseID, err)
}
