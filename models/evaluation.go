package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"zerovisit/models/pii"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

// Evaluations, follow-ups and invitations are the domain's (package
// feedback); Evaluations stores them, the comment sealed at rest.
type (
	Evaluation     = feedback.Evaluation
	FollowupStatus = feedback.FollowupStatus
	Followup       = feedback.Followup
	Invitation     = feedback.Invitation
)

// Follow-up states.
const (
	FollowupOpen   = feedback.FollowupOpen
	FollowupClosed = feedback.FollowupClosed
)

// Evaluations keeps evaluations, invitations and follow-ups. It is safe for
// concurrent use.
type Evaluations struct {
	db     *DB
	sealer *pii.Sealer
	now    func() time.Time
}

// NewEvaluations returns the evaluation store.
func NewEvaluations(db *DB, sealer *pii.Sealer) *Evaluations {
	return &Evaluations{db: db, sealer: sealer, now: time.Now}
}

// Submit stores an evaluation and, for a bad one, its follow-up due at
// followupDue, in one transaction. A second evaluation of a case is
// workflow.ErrDuplicate.
func (s *Evaluations) Submit(ctx context.Context, e Evaluation, followupDue time.Time) (Evaluation, *Followup, error) {
	op := "submit evaluation"
	if e.Stars < 1 || e.Stars > 5 {
		return Evaluation{}, nil, fmt.Errorf("%s: %w: stars must be 1 to 5", op, workflow.ErrInvalidInput)
	}
	ind, err := json.Marshal(e.Indicators)
	if err != nil {
		return Evaluation{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	comment, err := s.sealer.Seal(e.Comment, sealCtx("evaluation", e.CaseID, "comment"))
	if err != nil {
		return Evaluation{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	e.CreatedAt = normTime(s.now())
	var f *Followup
	if e.Bad() {
		f = &Followup{ID: uuid.NewString(), CaseID: e.CaseID, Department: e.Department, Stars: e.Stars,
			Status: FollowupOpen, DueAt: normTime(followupDue), CreatedAt: e.CreatedAt}
	}
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO case_evaluations (case_id, principal_id, person_id, item_code, department, stars, indicators,
			comment_sealed, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.CaseID, e.PrincipalID, e.PersonID,
			e.ItemCode, e.Department, e.Stars, string(ind), comment, string(e.Channel), s.db.ts(e.CreatedAt)).Error; err != nil {
			return err
		}
		if f == nil {
			return nil
		}
		return tx.Exec(`INSERT INTO evaluation_followups (id, case_id, department, stars, status, due_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, f.ID, f.CaseID, f.Department, f.Stars, string(f.Status), s.db.ts(f.DueAt), s.db.ts(f.CreatedAt)).Error
	})
	if err != nil {
		return Evaluation{}, nil, translate(op, err)
	}
	return e, f, nil
}

// Get returns a case's evaluation, or workflow.ErrNotFound.
func (s *Evaluations) Get(ctx context.Context, caseID string) (Evaluation, error) {
	var (
		e                Evaluation
		ind, comment, ch string
		created          sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT case_id, principal_id, person_id, item_code, department, stars, indicators,
		comment_sealed, channel, created_at FROM case_evaluations WHERE case_id = ?`, caseID).Row().
		Scan(&e.CaseID, &e.PrincipalID, &e.PersonID, &e.ItemCode, &e.Department, &e.Stars, &ind, &comment, &ch, &created)
	if err != nil {
		return Evaluation{}, translate("evaluation of case "+caseID, err)
	}
	e.Channel, e.CreatedAt = workflow.Channel(ch), created.T
	if err := json.Unmarshal([]byte(ind), &e.Indicators); err != nil {
		return Evaluation{}, fmt.Errorf("decode evaluation of case %s: %w", caseID, err)
	}
	if e.Comment, err = s.sealer.Open(comment, sealCtx("evaluation", caseID, "comment")); err != nil {
		return Evaluation{}, fmt.Errorf("open evaluation comment of case %s: %w", caseID, err)
	}
	return e, nil
}

// ScheduleInvitation records that a completed case's applicant is to be
// invited to evaluate it at dueAt, unless they evaluate first. Scheduling
// a case again changes nothing.
func (s *Evaluations) ScheduleInvitation(ctx context.Context, caseID, principalID string, dueAt time.Time) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO evaluation_invitations (case_id, principal_id, due_at) VALUES (?, ?, ?)
		ON CONFLICT (case_id) DO NOTHING`, caseID, principalID, s.db.ts(dueAt)).Error
	return translate("schedule invitation", err)
}

// ClaimInvitations returns up to limit invitations due at now for cases
// not evaluated yet, each claimed by this call: replicas that run the same
// sweep never get the same invitation. Due invitations of evaluated cases
// are settled without being returned.
func (s *Evaluations) ClaimInvitations(ctx context.Context, now time.Time, limit int) ([]Invitation, error) {
	op := "claim invitations"
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT i.case_id, i.principal_id, i.due_at,
		CASE WHEN e.case_id IS NULL THEN 0 ELSE 1 END FROM evaluation_invitations i
		LEFT JOIN case_evaluations e ON e.case_id = i.case_id
		WHERE i.invited_at IS NULL AND i.due_at <= ? ORDER BY i.due_at LIMIT ?`, s.db.ts(now), limit).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	type due struct {
		inv       Invitation
		evaluated bool
	}
	var found []due
	for rows.Next() {
		var (
			d  due
			at sqlTime
			ev int
		)
		if err := rows.Scan(&d.inv.CaseID, &d.inv.PrincipalID, &at, &ev); err != nil {
			rows.Close()
			return nil, translate(op, err)
		}
		d.inv.DueAt, d.evaluated = at.T, ev == 1
		found = append(found, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(op, err)
	}
	var out []Invitation
	var errs []error
	for _, d := range found {
		res := s.db.gorm.WithContext(ctx).Exec(`UPDATE evaluation_invitations SET invited_at = ? WHERE case_id = ? AND invited_at IS NULL`,
			s.db.ts(now), d.inv.CaseID)
		if res.Error != nil {
			errs = append(errs, translate(op, res.Error))
			continue
		}
		if res.RowsAffected == 1 && !d.evaluated {
			out = append(out, d.inv)
		}
	}
	return out, errors.Join(errs...)
}

const followupColumns = `id, case_id, department, stars, status, due_at, resolution, closed_by, created_at, closed_at`

func scanFollowup(row rowScanner) (Followup, error) {
	var (
		f                    Followup
		st                   string
		due, created, closed sqlTime
	)
	err := row.Scan(&f.ID, &f.CaseID, &f.Department, &f.Stars, &st, &due, &f.Resolution, &f.ClosedBy, &created, &closed)
	f.Status, f.DueAt, f.CreatedAt, f.ClosedAt = FollowupStatus(st), due.T, created.T, closed.T
	return f, err
}

// Followups returns up to limit of a department's follow-ups in one
// state after the key from, earliest due first, then by id.
func (s *Evaluations) Followups(ctx context.Context, department string, status FollowupStatus, from feedback.FollowupKey, limit int) ([]Followup, error) {
	q, args := `SELECT `+followupColumns+` FROM evaluation_followups WHERE department = ? AND status = ?`, []any{department, string(status)}
	if from.ID != "" {
		q += ` AND (due_at > ? OR (due_at = ? AND id > ?))`
		args = append(args, s.db.ts(from.DueAt), s.db.ts(from.DueAt), from.ID)
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(q+` ORDER BY due_at, id LIMIT ?`, append(args, limit)...).Rows()
	if err != nil {
		return nil, translate("followups", err)
	}
	defer rows.Close()
	var out []Followup
	for rows.Next() {
		f, err := scanFollowup(rows)
		if err != nil {
			return nil, translate("followups", err)
		}
		out = append(out, f)
	}
	return out, translate("followups", rows.Err())
}

// FollowupOfCase returns the follow-up of a case's bad rating, or workflow.ErrNotFound.
func (s *Evaluations) FollowupOfCase(ctx context.Context, caseID string) (Followup, error) {
	f, err := scanFollowup(s.db.gorm.WithContext(ctx).Raw(`SELECT `+followupColumns+` FROM evaluation_followups WHERE case_id = ?`, caseID).Row())
	return f, translate("followup of case "+caseID, err)
}

// CloseFollowup records how a follow-up was resolved, by whom.
func (s *Evaluations) CloseFollowup(ctx context.Context, id, resolution, by string) error {
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE evaluation_followups SET status = 'closed', resolution = ?, closed_by = ?, closed_at = ?
		WHERE id = ? AND status = 'open'`, resolution, by, s.db.ts(s.now()), id)
	if res.Error != nil {
		return translate("close followup", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("close followup %s: %w", id, workflow.ErrNotFound)
	}
	return nil
}
