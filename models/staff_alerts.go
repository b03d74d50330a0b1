package models

import (
	"context"
	"fmt"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// RecordAlert stores the card of a warn_supervisor effect once per outbox
// entry: a redelivered entry changes nothing.
func (s *StaffStore) RecordAlert(ctx context.Context, outboxID int64, w workflow.WarnSupervisor, at time.Time) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO supervision_alerts
		(outbox_id, case_id, number, department, card, reason, deadline, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING`,
		outboxID, w.CaseID, w.Number, w.Department, string(w.Card), w.Reason, s.db.tsNull(w.Deadline), s.db.ts(at)).Error
	return translate(fmt.Sprintf("record alert %d", outboxID), err)
}

// Alerts returns the newest alerts of some departments (all when empty),
// newest first, before the given outbox id (0 = from the newest).
func (s *StaffStore) Alerts(ctx context.Context, departments []string, beforeID int64, limit int) ([]staff.Alert, error) {
	op := "alerts"
	q, args := `SELECT outbox_id, case_id, number, department, card, reason, deadline, created_at FROM supervision_alerts WHERE 1 = 1`, []any{}
	if beforeID > 0 {
		q, args = q+` AND outbox_id < ?`, append(args, beforeID)
	}
	if len(departments) > 0 {
		q += ` AND department IN (` + placeholders(len(departments)) + `)`
		for _, d := range departments {
			args = append(args, d)
		}
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(q+` ORDER BY outbox_id DESC LIMIT ?`, append(args, limit)...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	out := []staff.Alert{}
	for rows.Next() {
		var (
			a                 staff.Alert
			card              string
			deadline, created sqlTime
		)
		if err := rows.Scan(&a.OutboxID, &a.CaseID, &a.Number, &a.Department, &card, &a.Reason, &deadline, &created); err != nil {
			return nil, translate(op, err)
		}
		a.Card, a.Deadline, a.CreatedAt = workflow.Card(card), deadline.T, created.T
		out = append(out, a)
	}
	return out, translate(op, rows.Err())
}

// Workloads counts the open cases with a yellow or red card by department
// and holder: the supervisor's view of who is late with what.
func (s *StaffStore) Workloads(ctx context.Context, departments []string, at time.Time) ([]staff.Workload, error) {
	op := "workloads"
	scope, args := "", []any{s.db.ts(at)}
	if len(departments) > 0 {
		scope = ` AND c.department IN (` + placeholders(len(departments)) + `)`
		for _, d := range departments {
			args = append(args, d)
		}
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT c.department, COALESCE(cl.staff_id, ''),
			sum(CASE WHEN c.card = 'red' THEN 1 ELSE 0 END), sum(CASE WHEN c.card = 'yellow' THEN 1 ELSE 0 END)
		FROM cases c LEFT JOIN case_claims cl ON cl.case_id = c.id AND cl.expires_at > ?
		WHERE `+workStates+` AND c.card IN ('red', 'yellow')`+scope+`
		GROUP BY c.department, COALESCE(cl.staff_id, '')
		ORDER BY c.department, COALESCE(cl.staff_id, '')`, args...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	out := []staff.Workload{}
	for rows.Next() {
		var w staff.Workload
		if err := rows.Scan(&w.Department, &w.StaffID, &w.Red, &w.Yellow); err != nil {
			return nil, translate(op, err)
		}
		out = append(out, w)
	}
	return out, translate(op, rows.Err())
}
