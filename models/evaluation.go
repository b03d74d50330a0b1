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

var _ feedback.EvaluationStore = (*Evaluations)(nil)

// Evaluations keeps evaluations, invitations, follow-ups and one-time
// links. It is safe for concurrent use.
type Evaluations struct {
	db     *DB
	sealer *pii.Sealer
	now    func() time.Time
}

// NewEvaluations returns the evaluation store.
func NewEvaluations(db *DB, sealer *pii.Sealer) *Evaluations {
	return &Evaluations{db: db, sealer: sealer, now: time.Now}
}

// Submit stores an evaluation and, for a bad one, its follow-up, in one
// transaction; with a token hash it spends that one-time link in the same
// transaction (workflow.ErrNotFound when it is unknown, used or expired). A
// second evaluation of a case at a stage is workflow.ErrDuplicate: the
// primary key (case_id, stage) decides between concurrent submissions.
func (s *Evaluations) Submit(ctx context.Context, e Evaluation, f *Followup, tokenHash string) (Evaluation, *Followup, error) {
	op := "submit evaluation"
	if e.Stars < 1 || e.Stars > 5 {
		return Evaluation{}, nil, fmt.Errorf("%s: %w: stars must be 1 to 5", op, workflow.ErrInvalidInput)
	}
	if e.Stage == "" {
		e.Stage = feedback.StageResult
	}
	if e.Service == "" {
		e.Service = feedback.ServiceOnline
	}
	ind, err := json.Marshal(e.Indicators)
	if err != nil {
		return Evaluation{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	comment, err := s.sealer.Seal(e.Comment, sealCtx("evaluation", e.CaseID, "comment"))
	if err != nil {
		return Evaluation{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.now()
	}
	e.CreatedAt = normTime(e.CreatedAt)
	if f != nil {
		f.Stage, f.DueAt, f.StepDueAt, f.CreatedAt = e.Stage, normTime(f.DueAt), normTime(f.StepDueAt), e.CreatedAt
		if f.ID == "" {
			f.ID = uuid.NewString()
		}
	}
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tokenHash != "" {
			res := tx.Exec(`UPDATE evaluation_tokens SET used_at = ? WHERE token_hash = ? AND case_id = ? AND stage = ?
				AND used_at IS NULL AND expires_at > ?`, s.db.ts(e.CreatedAt), tokenHash, e.CaseID, string(e.Stage), s.db.ts(e.CreatedAt))
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return fmt.Errorf("evaluation link: %w", workflow.ErrNotFound)
			}
		}
		if err := tx.Exec(`INSERT INTO case_evaluations (case_id, stage, principal_id, person_id, item_code, department, stars, indicators,
			comment_sealed, channel, service, accepted_by, decided_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.CaseID, string(e.Stage), e.PrincipalID, e.PersonID, e.ItemCode, e.Department, e.Stars, string(ind), comment,
			string(e.Channel), string(e.Service), e.AcceptedBy, e.DecidedBy, s.db.ts(e.CreatedAt)).Error; err != nil {
			return err
		}
		if err := s.enqueue(tx, e.CaseID, reportOf(e.CaseID, e.Stage), e.CreatedAt); err != nil {
			return err
		}
		if f == nil {
			return nil
		}
		return tx.Exec(`INSERT INTO evaluation_followups (id, case_id, stage, department, stars, status, due_at, step_due_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.CaseID, string(f.Stage), f.Department, f.Stars, string(f.Status),
			s.db.ts(f.DueAt), s.db.tsNull(f.StepDueAt), s.db.ts(f.CreatedAt)).Error
	})
	if err != nil {
		return Evaluation{}, nil, translate(op, err)
	}
	return e, f, nil
}

const evaluationColumns = `case_id, stage, principal_id, person_id, item_code, department, stars, indicators,
	comment_sealed, channel, service, accepted_by, decided_by, excluded, created_at`

// Get returns a case's evaluation at a stage, or workflow.ErrNotFound.
func (s *Evaluations) Get(ctx context.Context, caseID string, stage feedback.Stage) (Evaluation, error) {
	e, err := s.scanEvaluation(s.db.gorm.WithContext(ctx).Raw(`SELECT `+evaluationColumns+` FROM case_evaluations
		WHERE case_id = ? AND stage = ?`, caseID, string(stage)).Row())
	if err != nil {
		return Evaluation{}, translate("evaluation of case "+caseID, err)
	}
	return e, nil
}

func (s *Evaluations) scanEvaluation(row rowScanner) (Evaluation, error) {
	var (
		e                                Evaluation
		stage, ind, comment, ch, service string
		created                          sqlTime
	)
	if err := row.Scan(&e.CaseID, &stage, &e.PrincipalID, &e.PersonID, &e.ItemCode, &e.Department, &e.Stars, &ind, &comment, &ch,
		&service, &e.AcceptedBy, &e.DecidedBy, &e.Excluded, &created); err != nil {
		return Evaluation{}, err
	}
	e.Stage, e.Channel, e.Service, e.CreatedAt = feedback.Stage(stage), feedback.Medium(ch), feedback.Service(service), created.T
	if err := json.Unmarshal([]byte(ind), &e.Indicators); err != nil {
		return Evaluation{}, fmt.Errorf("decode evaluation of case %s: %w", e.CaseID, err)
	}
	var err error
	if e.Comment, err = s.sealer.Open(comment, sealCtx("evaluation", e.CaseID, "comment")); err != nil {
		return Evaluation{}, fmt.Errorf("open evaluation comment of case %s: %w", e.CaseID, err)
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
		LEFT JOIN case_evaluations e ON e.case_id = i.case_id AND e.stage = 'result'
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

const followupColumns = `id, case_id, stage, department, stars, status, due_at, step_due_at, finding, appeal_from, appealed_by,
	escalated, resolution, closed_by, created_at, closed_at`

func scanFollowup(row rowScanner) (Followup, error) {
	var (
		f                             Followup
		stage, st, from, esc          string
		due, stepDue, created, closed sqlTime
	)
	err := row.Scan(&f.ID, &f.CaseID, &stage, &f.Department, &f.Stars, &st, &due, &stepDue, &f.Finding, &from, &f.AppealedBy,
		&esc, &f.Resolution, &f.ClosedBy, &created, &closed)
	f.Stage, f.Status, f.AppealFrom, f.Escalated = feedback.Stage(stage), FollowupStatus(st), FollowupStatus(from), FollowupStatus(esc)
	f.DueAt, f.StepDueAt, f.CreatedAt, f.ClosedAt = due.T, stepDue.T, created.T, closed.T
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
	return s.followups(ctx, "followups", q+` ORDER BY due_at, id LIMIT ?`, append(args, limit)...)
}

func (s *Evaluations) followups(ctx context.Context, op, q string, args ...any) ([]Followup, error) {
	rows, err := s.db.gorm.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []Followup
	for rows.Next() {
		f, err := scanFollowup(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, f)
	}
	return out, translate(op, rows.Err())
}

// FollowupOf returns the follow-up of a case's bad rating at a stage, or
// workflow.ErrNotFound.
func (s *Evaluations) FollowupOf(ctx context.Context, caseID string, stage feedback.Stage) (Followup, error) {
	f, err := scanFollowup(s.db.gorm.WithContext(ctx).Raw(`SELECT `+followupColumns+` FROM evaluation_followups
		WHERE case_id = ? AND stage = ?`, caseID, string(stage)).Row())
	return f, translate("followup of case "+caseID, err)
}

// FollowupOfCase returns the follow-up of the bad rating of a case's result.
func (s *Evaluations) FollowupOfCase(ctx context.Context, caseID string) (Followup, error) {
	return s.FollowupOf(ctx, caseID, feedback.StageResult)
}

// Followup returns a follow-up by id, or workflow.ErrNotFound.
func (s *Evaluations) Followup(ctx context.Context, id string) (Followup, error) {
	f, err := scanFollowup(s.db.gorm.WithContext(ctx).Raw(`SELECT `+followupColumns+` FROM evaluation_followups WHERE id = ?`, id).Row())
	return f, translate("followup "+id, err)
}
