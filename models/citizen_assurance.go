package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// Takeover is an identity taken over from an earlier binder.
type Takeover = citizen.Takeover

// AssurePerson records that the holder of an account proved, by method, to
// be the person with a checked name and resident ID number (normalised).
// The account's citizen is raised to the method's level, or takes the
// identity when it is unbound. When another citizen holds the identity at
// a lower level, the account takes it over: that citizen's accounts and
// addresses move to a new, unverified citizen (the earlier binder, now
// detached), the agencies it held or granted end, the account and its
// citizen's accounts join the identity, and the takeover is recorded with
// the open cases in the person's name, all in one transaction. An
// identity held at the same or a higher level is ErrIdentityElsewhere; an
// account already bound to another identity is ErrIdentityBound.
func (s *Citizens) AssurePerson(ctx context.Context, accountID, name, idNumber string, method workflow.AssuranceMethod) (citizen.Assured, error) {
	const op = "assure person"
	level := method.Level()
	if !level.Valid() {
		return citizen.Assured{}, fmt.Errorf("%s: %w: method %q", op, workflow.ErrInvalidInput, method)
	}
	index := s.sealer.Index(indexResidentID, idNumber)
	var out citizen.Assured
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		acct, err := scanAccount(tx.Raw(`SELECT `+accountColumns+` FROM citizen_accounts WHERE id = ?`, accountID).Row())
		if err != nil {
			return err
		}
		cur, err := s.lockCitizen(tx, `id = ?`, acct.CitizenID)
		if err != nil {
			return err
		}
		if cur.Verified() && cur.IDNumber != idNumber {
			return ErrIdentityBound
		}
		if cur.Verified() {
			out.Citizen, err = s.raise(tx, cur, level, method)
			return err
		}
		target, err := s.lockCitizen(tx, `kind = 'person' AND id_index = ?`, index)
		if errors.Is(err, sql.ErrNoRows) {
			out.Citizen, err = s.bindAt(tx, cur, name, idNumber, index, level, method)
			return err
		}
		if err != nil {
			return err
		}
		if !level.Above(target.Level()) {
			return ErrIdentityElsewhere
		}
		t, err := s.takeOver(tx, acct, cur, target, method)
		if err != nil {
			return err
		}
		out.Takeover = &t
		out.Citizen, err = s.raise(tx, target, level, method)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrIdentityBound) || errors.Is(err, ErrIdentityElsewhere) {
			return citizen.Assured{}, fmt.Errorf("%s: %w", op, err)
		}
		return citizen.Assured{}, translate(op, err)
	}
	return out, nil
}

// lockCitizen reads one citizen row for update within tx (PostgreSQL locks
// it; SQLite's writer lock serialises the transaction anyway).
func (s *Citizens) lockCitizen(tx *gorm.DB, where string, arg any) (Citizen, error) {
	q := `SELECT ` + citizenColumns + ` FROM citizens WHERE ` + where
	if s.db.isPostgres() {
		q += ` FOR UPDATE`
	}
	return s.scanCitizen(tx.Raw(q, arg).Row())
}

// raise records level on a bound person unless it already holds as much.
func (s *Citizens) raise(tx *gorm.DB, c Citizen, level workflow.Assurance, method workflow.AssuranceMethod) (Citizen, error) {
	if c.Level().AtLeast(level) {
		return c, nil
	}
	now := normTime(s.now())
	if err := tx.Exec(`UPDATE citizens SET assurance = ?, assured_by = ?, assured_at = ?, updated_at = ? WHERE id = ?`,
		string(level), string(method), s.db.ts(now), s.db.ts(now), c.ID).Error; err != nil {
		return Citizen{}, err
	}
	c.Assurance, c.AssuredBy, c.AssuredAt, c.UpdatedAt = level, method, now, now
	return c, nil
}

// bindAt binds an unbound identity to an unverified citizen at level.
func (s *Citizens) bindAt(tx *gorm.DB, c Citizen, name, idNumber, index string, level workflow.Assurance, method workflow.AssuranceMethod) (Citizen, error) {
	nameS, err1 := s.sealer.Seal(name, sealCtx("citizen", c.ID, "name"))
	idS, err2 := s.sealer.Seal(idNumber, sealCtx("citizen", c.ID, "id_number"))
	if err := errors.Join(err1, err2); err != nil {
		return Citizen{}, err
	}
	now := normTime(s.now())
	if err := tx.Exec(`UPDATE citizens SET name_sealed = ?, id_sealed = ?, id_index = ?, verified_at = ?, updated_at = ?,
		assurance = ?, assured_by = ?, assured_at = ? WHERE id = ? AND verified_at IS NULL`,
		nameS, idS, index, s.db.ts(now), s.db.ts(now), string(level), string(method), s.db.ts(now), c.ID).Error; err != nil {
		return Citizen{}, err
	}
	c.Name, c.IDNumber, c.VerifiedAt, c.UpdatedAt = name, idNumber, now, now
	c.Assurance, c.AssuredBy, c.AssuredAt = level, method, now
	return c, nil
}

// takeOver detaches the earlier binder of target and joins cur (the
// account's unverified citizen) to it.
func (s *Citizens) takeOver(tx *gorm.DB, acct Account, cur, target Citizen, method workflow.AssuranceMethod) (Takeover, error) {
	now := normTime(s.now())
	t := Takeover{ID: s.newID(), CitizenID: target.ID, DetachedCitizenID: s.newID(), AccountID: acct.ID,
		From: target.Level(), To: method.Level(), Method: method, At: now}
	var err error
	if t.DetachedAccounts, err = pluck(tx, `SELECT id FROM citizen_accounts WHERE citizen_id = ? ORDER BY id`, target.ID); err != nil {
		return Takeover{}, err
	}
	if t.RevokedAgencies, err = pluck(tx, `SELECT business_id || ':' || person_id FROM citizen_agencies
		WHERE (person_id = ? OR granted_by = ?) AND revoked_at IS NULL ORDER BY business_id, person_id`, target.ID, target.ID); err != nil {
		return Takeover{}, err
	}
	if t.OpenCases, err = pluck(tx, `SELECT id FROM cases WHERE applicant_id = ? AND status NOT IN ?  ORDER BY id`,
		target.ID, terminalStatuses()); err != nil {
		return Takeover{}, err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO citizens (id, kind, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			[]any{t.DetachedCitizenID, string(KindPerson), s.db.ts(now), s.db.ts(now)}},
		{`UPDATE citizen_accounts SET citizen_id = ? WHERE citizen_id = ?`, []any{t.DetachedCitizenID, target.ID}},
		{`UPDATE citizen_addresses SET citizen_id = ? WHERE citizen_id = ?`, []any{t.DetachedCitizenID, target.ID}},
		{`UPDATE citizen_agencies SET revoked_at = ? WHERE (person_id = ? OR granted_by = ?) AND revoked_at IS NULL`,
			[]any{s.db.ts(now), target.ID, target.ID}},
		{`UPDATE citizen_accounts SET citizen_id = ? WHERE citizen_id = ?`, []any{target.ID, cur.ID}},
		{`UPDATE citizen_addresses SET citizen_id = ? WHERE citizen_id = ?`, []any{target.ID, cur.ID}},
		{`INSERT INTO identity_takeovers (id, citizen_id, detached_citizen_id, account_id, from_level, to_level, method,
			detached_accounts, revoked_agencies, open_cases, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{t.ID, t.CitizenID, t.DetachedCitizenID, t.AccountID, string(t.From), string(t.To), string(t.Method),
				strings.Join(t.DetachedAccounts, ","), strings.Join(t.RevokedAgencies, ","), strings.Join(t.OpenCases, ","), s.db.ts(now)}},
	}
	for _, st := range steps {
		if err := tx.Exec(st.q, st.args...).Error; err != nil {
			return Takeover{}, err
		}
	}
	return t, nil
}

// terminalStatuses are the statuses a case ends in.
func terminalStatuses() []string {
	var out []string
	for _, st := range workflow.Statuses() {
		if st.Terminal() {
			out = append(out, string(st))
		}
	}
	return out
}

// pluck reads one text column of a query's rows.
func pluck(tx *gorm.DB, q string, args ...any) ([]string, error) {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Takeovers returns identity takeovers newest first, at most limit, those
// before the (at, id) cursor when it is given: what supervisors review.
func (s *Citizens) Takeovers(ctx context.Context, before time.Time, beforeID string, limit int) ([]Takeover, error) {
	q := s.db.gorm.WithContext(ctx)
	sel := `SELECT id, citizen_id, detached_citizen_id, account_id, from_level, to_level, method, detached_accounts,
		revoked_agencies, open_cases, at FROM identity_takeovers `
	var (
		rows *sql.Rows
		err  error
	)
	if before.IsZero() {
		rows, err = q.Raw(sel+`ORDER BY at DESC, id DESC LIMIT ?`, limit).Rows()
	} else {
		rows, err = q.Raw(sel+`WHERE at < ? OR (at = ? AND id < ?) ORDER BY at DESC, id DESC LIMIT ?`,
			s.db.ts(before), s.db.ts(before), beforeID, limit).Rows()
	}
	if err != nil {
		return nil, translate("list takeovers", err)
	}
	defer rows.Close()
	var out []Takeover
	for rows.Next() {
		var (
			t                          Takeover
			from, to, method           string
			detached, agencies, opened string
			at                         sqlTime
		)
		if err := rows.Scan(&t.ID, &t.CitizenID, &t.DetachedCitizenID, &t.AccountID, &from, &to, &method,
			&detached, &agencies, &opened, &at); err != nil {
			return nil, translate("list takeovers", err)
		}
		t.From, t.To, t.Method, t.At = workflow.Assurance(from), workflow.Assurance(to), workflow.AssuranceMethod(method), at.T
		t.DetachedAccounts, t.RevokedAgencies, t.OpenCases = splitList(detached), splitList(agencies), splitList(opened)
		out = append(out, t)
	}
	return out, translate("list takeovers", rows.Err())
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
