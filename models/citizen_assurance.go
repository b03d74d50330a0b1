package models

import (
	"context"
	"database/sql"
	"encoding/json"
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
func (s *Citizens) AssurePerson(ctx context.Context, accountID, name, idNumber string, p citizen.Proof) (citizen.Assured, error) {
	const op = "assure person"
	method := p.Method
	level := method.Level()
	if !level.Valid() {
		return citizen.Assured{}, fmt.Errorf("%s: %w: method %q", op, workflow.ErrInvalidInput, method)
	}
	index := s.sealer.Index(indexResidentID, idNumber)
	var out citizen.Assured
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		acct, err := scanAccount(tx.Raw(`SELECT `+accountColumns+` FROM citizen_accounts WHERE id = ?`+s.forUpdate(), accountID).Row())
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
		if err := proofUnused(tx, p); err != nil {
			return err
		}
		if cur.Kind != KindPerson {
			return fmt.Errorf("%w: the account's principal is not a person", workflow.ErrConflict)
		}
		switch target, err := s.lockCitizen(tx, `kind = 'person' AND id_index = ?`, index); {
		case cur.Verified():
			out.Citizen, err = s.raise(tx, cur, level, method)
			if err != nil {
				return err
			}
		case errors.Is(err, sql.ErrNoRows):
			if out.Citizen, err = s.bindAt(tx, cur, name, idNumber, index, level, method); err != nil {
				return err
			}
		case err != nil:
			return err
		case !method.Outranks(target.Level(), target.AssuredBy):
			return ErrIdentityElsewhere
		default:
			t, err := s.takeOver(tx, acct, cur, target, p)
			if err != nil {
				return err
			}
			out.Takeover = &t
			if out.Citizen, err = s.raise(tx, target, level, method); err != nil {
				return err
			}
		}
		return s.recordProof(tx, acct.ID, out, p)
	})
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, ErrIdentityBound) || errors.Is(err, ErrIdentityElsewhere) || errors.Is(err, citizen.ErrProofUsed):
		return citizen.Assured{}, fmt.Errorf("%s: %w", op, err)
	}
	return citizen.Assured{}, translate(op, err)
}

// forUpdate locks the rows a PostgreSQL query reads for the transaction.
func (s *Citizens) forUpdate() string {
	if s.db.isPostgres() {
		return ` FOR UPDATE`
	}
	return ""
}

// proofUnused refuses evidence that proved before (the unique index
// catches a race between two transactions).
func proofUnused(tx *gorm.DB, p citizen.Proof) error {
	if p.Evidence == "" {
		return nil
	}
	var n int
	if err := tx.Raw(`SELECT count(*) FROM identity_proofs WHERE evidence = ?`, p.Evidence).Row().Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return citizen.ErrProofUsed
	}
	return nil
}

// recordProof keeps the proof, its evidence usable once.
func (s *Citizens) recordProof(tx *gorm.DB, accountID string, out citizen.Assured, p citizen.Proof) error {
	var evidence, takeover any
	if p.Evidence != "" {
		evidence = p.Evidence
	}
	takeover = ""
	if out.Takeover != nil {
		takeover = out.Takeover.ID
	}
	err := tx.Exec(`INSERT INTO identity_proofs (id, account_id, citizen_id, method, actor, evidence, takeover_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.newID(), accountID, out.Citizen.ID, string(p.Method), p.Actor, evidence, takeover,
		s.db.ts(normTime(s.now()))).Error
	if errors.Is(translate("record proof", err), workflow.ErrDuplicate) {
		return citizen.ErrProofUsed
	}
	return err
}

// lockCitizen reads one citizen row for update within tx (PostgreSQL locks
// it; SQLite's writer lock serialises the transaction anyway).
func (s *Citizens) lockCitizen(tx *gorm.DB, where string, arg any) (Citizen, error) {
	return s.scanCitizen(tx.Raw(`SELECT `+citizenColumns+` FROM citizens WHERE `+where+s.forUpdate(), arg).Row())
}

// raise records level on a bound person unless it already holds as much.
func (s *Citizens) raise(tx *gorm.DB, c Citizen, level workflow.Assurance, method workflow.AssuranceMethod) (Citizen, error) {
	if c.Level().Above(level) || c.Level() == level && (c.AssuredBy.Bound() || !method.Bound()) {
		return c, nil // holds as much already (a bound check counts for more than Alipay's)
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
func (s *Citizens) takeOver(tx *gorm.DB, acct Account, cur, target Citizen, p citizen.Proof) (Takeover, error) {
	now := normTime(s.now())
	t := Takeover{ID: s.newID(), CitizenID: target.ID, DetachedCitizenID: s.newID(), AccountID: acct.ID,
		From: target.Level(), To: p.Method.Level(), Method: p.Method, Actor: p.Actor, At: now}
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
		// The earlier binder's phone number goes with them.
		{`UPDATE citizens SET phone_sealed = '', phone_index = NULL WHERE id = ?`, []any{target.ID}},
		{`UPDATE citizen_accounts SET citizen_id = ? WHERE citizen_id = ?`, []any{target.ID, cur.ID}},
		{`UPDATE citizen_addresses SET citizen_id = ? WHERE citizen_id = ?`, []any{target.ID, cur.ID}},
		{`INSERT INTO identity_takeovers (id, citizen_id, detached_citizen_id, account_id, from_level, to_level, method, actor,
			detached_accounts, revoked_agencies, open_cases, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{t.ID, t.CitizenID, t.DetachedCitizenID, t.AccountID, string(t.From), string(t.To), string(t.Method), t.Actor,
				strings.Join(t.DetachedAccounts, ","), strings.Join(t.RevokedAgencies, ","), strings.Join(t.OpenCases, ","), s.db.ts(now)}},
	}
	for _, st := range steps {
		if err := tx.Exec(st.q, st.args...).Error; err != nil {
			return Takeover{}, err
		}
	}
	return t, s.unsignDrafts(tx, target.ID, now)
}

// unsignDrafts drops the delivery choice and the signed commitment of the
// drafts in a person's name (or filed by them for a business): the earlier
// binder chose them, to an address that went with them, and signed a
// commitment the person never made.
func (s *Citizens) unsignDrafts(tx *gorm.DB, personID string, now time.Time) error {
	rows, err := tx.Raw(`SELECT a.case_id, a.data FROM citizen_applications a JOIN cases c ON c.id = a.case_id
		WHERE (a.principal_id = ? OR a.person_id = ?) AND c.status = ?`, personID, personID, string(workflow.StatusDraft)).Rows()
	if err != nil {
		return err
	}
	type draft struct{ id, data string }
	var drafts []draft
	for rows.Next() {
		var d draft
		if err := rows.Scan(&d.id, &d.data); err != nil {
			rows.Close()
			return err
		}
		drafts = append(drafts, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range drafts {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(d.data), &doc); err != nil {
			return fmt.Errorf("draft %s: %w", d.id, err)
		}
		delete(doc, "delivery")
		delete(doc, "signature")
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE citizen_applications SET data = ?, version = version + 1, updated_at = ? WHERE case_id = ?`,
			string(b), s.db.ts(now), d.id).Error; err != nil {
			return err
		}
	}
	return nil
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
	sel := `SELECT id, citizen_id, detached_citizen_id, account_id, from_level, to_level, method, actor, detached_accounts,
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
		if err := rows.Scan(&t.ID, &t.CitizenID, &t.DetachedCitizenID, &t.AccountID, &from, &to, &method, &t.Actor,
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
