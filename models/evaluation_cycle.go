package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/staff"
)

// Advance moves a follow-up from one of the states from to f's state,
// records the step and audits it in the case's staff log, all in one
// transaction. workflow.ErrConflict when the follow-up has moved on.
func (s *Evaluations) Advance(ctx context.Context, f Followup, from []FollowupStatus, st feedback.Step) error {
	return s.step(ctx, "advance followup "+f.ID, f, from, st, nil)
}

// Exclude ends an appealed follow-up as excluded and marks its evaluation
// excluded from every count, in one transaction with the step.
func (s *Evaluations) Exclude(ctx context.Context, f Followup, st feedback.Step) error {
	return s.step(ctx, "exclude evaluation "+f.ID, f, []FollowupStatus{feedback.FollowupAppealed}, st, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE case_evaluations SET excluded = ? WHERE case_id = ? AND stage = ?`, true, f.CaseID, string(f.Stage)).Error
	})
}

func (s *Evaluations) step(ctx context.Context, op string, f Followup, from []FollowupStatus, st feedback.Step, more func(*gorm.DB) error) error {
	states := make([]any, len(from))
	for i, v := range from {
		states[i] = string(v)
	}
	at := normTime(st.At)
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		args := append([]any{string(f.Status), s.db.tsNull(f.StepDueAt), f.Finding, string(f.AppealFrom), f.AppealedBy,
			f.Resolution, f.ClosedBy, s.db.tsNull(f.ClosedAt), f.ID}, states...)
		res := tx.Exec(`UPDATE evaluation_followups SET status = ?, step_due_at = ?, finding = ?, appeal_from = ?, appealed_by = ?,
			resolution = ?, closed_by = ?, closed_at = ?, escalated = '' WHERE id = ? AND status IN (`+placeholders(len(from))+`)`, args...)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("followup %s is no longer %v: %w", f.ID, from, workflow.ErrConflict)
		}
		if err := tx.Exec(`INSERT INTO evaluation_followup_steps (followup_id, seq, step, staff_id, note, at)
			SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM evaluation_followup_steps WHERE followup_id = ?`,
			f.ID, string(st.Name), st.StaffID, st.Note, s.db.ts(at), f.ID).Error; err != nil {
			return err
		}
		if more != nil {
			if err := more(tx); err != nil {
				return err
			}
		}
		if f.Status == feedback.FollowupClosed || f.Status == feedback.FollowupExcluded {
			if err := s.enqueue(tx, f.CaseID, reportOf(f.CaseID, f.Stage), at); err != nil {
				return err
			}
		}
		audit := &StaffStore{db: s.db}
		return audit.appendStaffLog(tx, f.CaseID, staff.Action("evaluation_"+string(st.Name)), st.StaffID, at,
			map[string]string{"followup_id": f.ID, "stage": string(f.Stage), "status": string(f.Status), "finding": f.Finding})
	})
	return translate(op, err)
}

// Steps returns the steps of a follow-up in order.
func (s *Evaluations) Steps(ctx context.Context, followupID string) ([]feedback.Step, error) {
	op := "steps of followup " + followupID
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT seq, step, staff_id, note, at FROM evaluation_followup_steps
		WHERE followup_id = ? ORDER BY seq`, followupID).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []feedback.Step
	for rows.Next() {
		var (
			st   feedback.Step
			name string
			at   sqlTime
		)
		if err := rows.Scan(&st.Seq, &name, &st.StaffID, &st.Note, &at); err != nil {
			return nil, translate(op, err)
		}
		st.Name, st.At = feedback.StepName(name), at.T
		out = append(out, st)
	}
	return out, translate(op, rows.Err())
}

// SaveToken stores a one-time evaluation link by its hash and audits its
// issue in the case's staff log (who, which stage and medium; never the
// token).
func (s *Evaluations) SaveToken(ctx context.Context, t feedback.Token) error {
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO evaluation_tokens (token_hash, case_id, stage, medium, issued_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.Hash, t.CaseID, string(t.Stage), string(t.Medium), t.IssuedBy, s.db.ts(t.CreatedAt), s.db.ts(t.ExpiresAt)).Error; err != nil {
			return err
		}
		audit := &StaffStore{db: s.db}
		return audit.appendStaffLog(tx, t.CaseID, staff.Action("evaluation_link"), t.IssuedBy, normTime(t.CreatedAt),
			map[string]string{"stage": string(t.Stage), "medium": string(t.Medium), "expires_at": normTime(t.ExpiresAt).Format(time.RFC3339)})
	})
	return translate("save evaluation link", err)
}

// Token returns the link stored under a hash, or workflow.ErrNotFound.
func (s *Evaluations) Token(ctx context.Context, hash string) (feedback.Token, error) {
	var (
		t                      feedback.Token
		stage, medium          string
		created, expires, used sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT token_hash, case_id, stage, medium, issued_by, created_at, expires_at, used_at
		FROM evaluation_tokens WHERE token_hash = ?`, hash).Row().Scan(&t.Hash, &t.CaseID, &stage, &medium, &t.IssuedBy, &created, &expires, &used)
	if err != nil {
		return feedback.Token{}, translate("evaluation link", err)
	}
	t.Stage, t.Medium, t.CreatedAt, t.ExpiresAt, t.UsedAt = feedback.Stage(stage), feedback.Medium(medium), created.T, expires.T, used.T
	return t, nil
}

// StepsOverdue returns up to limit follow-ups waiting for a step (or a
// review) past its due time at now, not yet escalated for that step.
func (s *Evaluations) StepsOverdue(ctx context.Context, now time.Time, limit int) ([]Followup, error) {
	return s.followups(ctx, "overdue followup steps", `SELECT `+followupColumns+` FROM evaluation_followups
		WHERE status IN ('open', 'contacted', 'verified', 'rectified', 'appealed') AND step_due_at IS NOT NULL AND step_due_at <= ?
		AND escalated <> status ORDER BY step_due_at LIMIT ?`, s.db.ts(now), limit)
}

// Escalate marks a follow-up escalated for its current step and queues the
// supervisor's warning in the outbox, in one transaction; false when it
// had been escalated already (another replica, or the step moved on).
func (s *Evaluations) Escalate(ctx context.Context, f Followup, w workflow.WarnSupervisor, at time.Time) (bool, error) {
	done := false
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE evaluation_followups SET escalated = status WHERE id = ? AND status = ? AND escalated <> status`, f.ID, string(f.Status))
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		done = true
		return s.enqueue(tx, f.CaseID, w, at)
	})
	return done && err == nil, translate("escalate followup "+f.ID, err)
}

// ItemStats counts the ratings of each department and item after the key,
// in order of department and item: ratings excluded on appeal are left out.
func (s *Evaluations) ItemStats(ctx context.Context, after feedback.StatsKey, limit int) ([]feedback.ItemStats, error) {
	op := "evaluation statistics"
	q, args := `SELECT e.department, e.item_code, COUNT(*), SUM(e.stars),
		SUM(CASE WHEN e.stars <= 2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN f.status = 'closed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN f.status = 'closed' AND f.closed_at <= f.due_at THEN 1 ELSE 0 END)
		FROM case_evaluations e LEFT JOIN evaluation_followups f ON f.case_id = e.case_id AND f.stage = e.stage
		WHERE e.excluded = ?`, []any{false}
	if after.Department != "" {
		q += ` AND (e.department > ? OR (e.department = ? AND e.item_code > ?))`
		args = append(args, after.Department, after.Department, after.ItemCode)
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(q+` GROUP BY e.department, e.item_code ORDER BY e.department, e.item_code LIMIT ?`,
		append(args, limit)...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []feedback.ItemStats
	for rows.Next() {
		var st feedback.ItemStats
		if err := rows.Scan(&st.Department, &st.ItemCode, &st.Ratings, &st.SumStars, &st.Bad, &st.Rectified, &st.OnTime); err != nil {
			return nil, translate(op, err)
		}
		out = append(out, st)
	}
	return out, translate(op, rows.Err())
}

// enqueue adds an effect of a case to the outbox inside tx, due at once.
func (s *Evaluations) enqueue(tx *gorm.DB, caseID string, eff workflow.Effect, at time.Time) error {
	payload, err := json.Marshal(eff)
	if err != nil {
		return fmt.Errorf("encode %s: %w", eff.EffectKind(), err)
	}
	cast := "?"
	if s.db.isPostgres() {
		cast = "CAST(? AS jsonb)"
	}
	ts := s.db.ts(at)
	return tx.Exec(`INSERT INTO outbox (case_id, kind, payload, state, next_at, created_at, updated_at)
		VALUES (?, ?, `+cast+`, 'pending', ?, ?, ?)`, caseID, string(eff.EffectKind()), string(payload), ts, ts, ts).Error
}

// reportOf is the effect that sends an evaluation's state upward.
func reportOf(caseID string, stage feedback.Stage) workflow.ReportEvaluation {
	return workflow.ReportEvaluation{CaseID: caseID, EvaluationID: caseID + ":" + string(stage), Stage: string(stage)}
}
