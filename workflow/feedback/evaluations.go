package feedback

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// followupWorkingDays is how long a supervisor has to follow a bad rating up.
const followupWorkingDays = 15

const (
	maxComment    = 500
	maxResolution = 1000
)

// EvaluationsConfig is what Evaluations needs.
type EvaluationsConfig struct {
	Store EvaluationStore
	// Calendar counts the working days a follow-up is due in.
	Calendar *workflow.Calendar
	Now      func() time.Time
}

// Evaluations takes the applicants' evaluations of completed cases and
// keeps the supervisors' follow-ups of bad ones.
type Evaluations struct{ cfg EvaluationsConfig }

// NewEvaluations returns the evaluations service.
func NewEvaluations(cfg EvaluationsConfig) *Evaluations {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Evaluations{cfg: cfg}
}

// Rating is what the applicant gives: overall stars, optional stars per
// indicator and a comment.
type Rating struct {
	Stars      int            `json:"stars"`
	Indicators map[string]int `json:"indicators,omitempty"`
	Comment    string         `json:"comment,omitempty"`
}

// Check refuses a rating outside the scale or of an unknown indicator.
func (r Rating) Check() error {
	bad := func(field, msg string) error {
		return workflow.Refuse(workflow.ErrInvalidInput, "invalid_evaluation", msg).WithDetail(map[string]string{"field": field})
	}
	if r.Stars < 1 || r.Stars > 5 {
		return bad("stars", "评价星级应为 1 至 5")
	}
	for code, v := range r.Indicators {
		if !slices.ContainsFunc(Indicators, func(ind Indicator) bool { return ind.Code == code }) {
			return bad("indicators."+code, "评价指标不存在")
		}
		if v < 1 || v > 5 {
			return bad("indicators."+code, "指标评分应为 1 至 5")
		}
	}
	if utf8.RuneCountInString(r.Comment) > maxComment {
		return bad("comment", "评价内容不超过 500 字")
	}
	return nil
}

// Evaluate records the applicant's one evaluation of a completed case,
// given by person through acct. A bad rating (1–2 stars) opens a
// follow-up for the department's supervisor, due in 15 working days.
func (s *Evaluations) Evaluate(ctx context.Context, cs workflow.Case, acct citizen.Account, person citizen.Citizen, r Rating) (Evaluation, *Followup, error) {
	if err := r.Check(); err != nil {
		return Evaluation{}, nil, err
	}
	if !Completed(cs.Status) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrConflict, "not_completed", "办件办结后才能评价")
	}
	if r.Indicators == nil {
		r.Indicators = map[string]int{}
	}
	e, f, err := s.cfg.Store.Submit(ctx, Evaluation{CaseID: cs.ID, PrincipalID: cs.ApplicantID, PersonID: person.ID,
		ItemCode: cs.ItemCode, Department: cs.Department, Stars: r.Stars, Indicators: r.Indicators, Comment: r.Comment,
		Channel: acct.Channel}, s.cfg.Calendar.AddWorkingDays(s.cfg.Now(), followupWorkingDays))
	if errors.Is(err, workflow.ErrDuplicate) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrConflict, "already_evaluated", "该办件已评价")
	}
	return e, f, err
}

// Evaluation returns a case's evaluation and, for a bad one, its follow-up.
func (s *Evaluations) Evaluation(ctx context.Context, caseID string) (Evaluation, *Followup, error) {
	e, err := s.cfg.Store.Get(ctx, caseID)
	if errors.Is(err, workflow.ErrNotFound) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrNotFound, "not_evaluated", "该办件尚未评价")
	}
	if err != nil || !e.Bad() {
		return e, nil, err
	}
	if f, err := s.cfg.Store.FollowupOfCase(ctx, caseID); err == nil {
		return e, &f, nil
	}
	return e, nil, nil
}

// Evaluated reports whether a case has been evaluated.
func (s *Evaluations) Evaluated(ctx context.Context, caseID string) bool {
	_, err := s.cfg.Store.Get(ctx, caseID)
	return err == nil
}

// FollowupOfCase returns the follow-up of a case's bad rating.
func (s *Evaluations) FollowupOfCase(ctx context.Context, caseID string) (Followup, error) {
	return s.cfg.Store.FollowupOfCase(ctx, caseID)
}

// ParseFollowupStatus reads a follow-up state.
func ParseFollowupStatus(s string) (FollowupStatus, bool) {
	switch st := FollowupStatus(s); st {
	case FollowupOpen, FollowupClosed:
		return st, true
	}
	return "", false
}

// FollowupKey is where a page of follow-ups starts: after the one due at
// DueAt with id ID (the zero key: from the first).
type FollowupKey struct {
	DueAt time.Time
	ID    string
}

// Followups returns up to limit follow-ups in one state of the given
// departments, earliest due first (then by id), from the page key after (a
// workflow.TimeKey of the due time and id of the last follow-up of the
// previous page; "" for the first). next is the key of the following page,
// empty on the last.
func (s *Evaluations) Followups(ctx context.Context, departments []string, status FollowupStatus, after string, limit int) (list []Followup, next string, err error) {
	var from FollowupKey
	if after != "" {
		if from.DueAt, from.ID, err = workflow.ParseTimeKey(after); err != nil {
			return nil, "", err
		}
	}
	for _, d := range departments {
		fs, err := s.cfg.Store.Followups(ctx, d, status, from, limit+1)
		if err != nil {
			return nil, "", err
		}
		list = append(list, fs...)
	}
	slices.SortFunc(list, func(a, b Followup) int { return cmp.Or(a.DueAt.Compare(b.DueAt), strings.Compare(a.ID, b.ID)) })
	if len(list) > limit && limit > 0 {
		list = list[:limit]
		next = workflow.TimeKey(list[limit-1].DueAt, list[limit-1].ID)
	}
	return list, next, nil
}

// CloseFollowup records how a supervisor (by) resolved the bad rating of
// a case; departments are those they oversee (nil: all of them).
func (s *Evaluations) CloseFollowup(ctx context.Context, caseID string, departments []string, resolution, by string) (Followup, error) {
	resolution = strings.TrimSpace(resolution)
	if resolution == "" || utf8.RuneCountInString(resolution) > maxResolution {
		return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请填写整改情况（不超过1000字）").
			WithDetail(map[string]string{"field": "resolution"})
	}
	f, err := s.cfg.Store.FollowupOfCase(ctx, caseID)
	if err != nil {
		return Followup{}, err
	}
	if departments != nil && !slices.Contains(departments, f.Department) {
		return Followup{}, workflow.Refuse(workflow.ErrForbidden, "other_department", "无权处理其他部门的整改任务")
	}
	if err := s.cfg.Store.CloseFollowup(ctx, f.ID, resolution, by); err != nil {
		return Followup{}, err
	}
	f.Status, f.Resolution, f.ClosedBy = FollowupClosed, resolution, by
	return f, nil
}
