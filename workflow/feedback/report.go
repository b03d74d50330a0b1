package feedback

import (
	"context"
	"errors"
	"time"

	"zerovisit/workflow"
)

// Report is what the provincial 好差评 system receives of one evaluation:
// the rating with its indicators, channel and the staff who served, and,
// once the follow-up of a bad rating has ended, its outcome. Version 1 is
// the rating, 2 the outcome; the system keeps the latest version of each
// EvaluationID. Nothing in it names the applicant, and the comment, which
// may, stays here.
type Report struct {
	EvaluationID   string         `json:"evaluation_id"`
	Version        int            `json:"version"`
	CaseNumber     string         `json:"case_number"`
	ItemCode       string         `json:"item_code"`
	ItemName       string         `json:"item_name"`
	Department     string         `json:"department"`
	DepartmentName string         `json:"department_name"`
	Stage          Stage          `json:"stage"`
	Service        Service        `json:"service"`
	Channel        Medium         `json:"channel"`
	Level          int            `json:"level"`
	LevelName      string         `json:"level_name"`
	Indicators     map[string]int `json:"indicators"`
	StaffID        string         `json:"staff_id,omitempty"`
	EvaluatedAt    time.Time      `json:"evaluated_at"`
	Rectification  *Rectification `json:"rectification,omitempty"`
}

// Rectification is the outcome of a bad rating's follow-up.
type Rectification struct {
	Status   FollowupStatus `json:"status"`
	Finding  string         `json:"finding,omitempty"`
	DueAt    time.Time      `json:"due_at"`
	ClosedAt time.Time      `json:"closed_at,omitzero"`
	OnTime   bool           `json:"on_time"`
}

// ReportOf builds the current report of a case's evaluation at a stage.
func (s *Evaluations) ReportOf(ctx context.Context, caseID string, st Stage) (Report, error) {
	e, err := s.cfg.Store.Get(ctx, caseID, st)
	if err != nil {
		return Report{}, err
	}
	cs, err := s.cfg.Cases.Get(ctx, caseID)
	if err != nil {
		return Report{}, err
	}
	r := Report{EvaluationID: e.ID(), Version: 1, CaseNumber: cs.Number, ItemCode: e.ItemCode, ItemName: cs.Terms.ItemName,
		Department: e.Department, DepartmentName: cs.Terms.DepartmentName, Stage: e.Stage, Service: e.Service, Channel: e.Channel,
		Level: e.Stars, LevelName: e.Level(), Indicators: e.Indicators, StaffID: Handling{AcceptedBy: e.AcceptedBy, DecidedBy: e.DecidedBy}.ServedBy(st),
		EvaluatedAt: e.CreatedAt}
	if !e.Bad() {
		return r, nil
	}
	f, err := s.cfg.Store.FollowupOf(ctx, caseID, st)
	if errors.Is(err, workflow.ErrNotFound) {
		return r, nil
	}
	if err != nil {
		return Report{}, err
	}
	r.Rectification = &Rectification{Status: f.Status, Finding: f.Finding, DueAt: f.DueAt, ClosedAt: f.ClosedAt,
		OnTime: f.Status == FollowupClosed && !f.ClosedAt.After(f.DueAt)}
	if f.Status == FollowupClosed || f.Status == FollowupExcluded {
		r.Version = 2
	}
	return r, nil
}
