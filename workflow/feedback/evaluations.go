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

const (
	maxComment    = 500
	maxResolution = 1000
)

// CaseHistories is what evaluations read of a case: its state and its
// events (*workflow.Service).
type CaseHistories interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
	History(ctx context.Context, id string) ([]workflow.EventRecord, error)
}

// EvaluationsConfig is what Evaluations needs.
type EvaluationsConfig struct {
	Store EvaluationStore
	Cases CaseHistories
	// Calendar counts the working days a follow-up is due in.
	Calendar *workflow.Calendar
	Now      func() time.Time
	// LinkTTL is how long a one-time evaluation link stays valid
	// (DefaultLinkTTL when zero).
	LinkTTL time.Duration
}

// Evaluations takes the applicants' evaluations of their cases, at every
// stage and through every channel, and runs the cycle of bad ones.
type Evaluations struct{ cfg EvaluationsConfig }

// NewEvaluations returns the evaluations service.
func NewEvaluations(cfg EvaluationsConfig) *Evaluations {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = DefaultLinkTTL
	}
	return &Evaluations{cfg: cfg}
}

// Rating is what the applicant gives: the overall satisfaction in stars
// (1 非常不满意 … 5 非常满意), optional stars per indicator of the case's
// set and a comment.
type Rating struct {
	Stars      int            `json:"stars"`
	Indicators map[string]int `json:"indicators,omitempty"`
	Comment    string         `json:"comment,omitempty"`
}

// Check refuses a rating outside the scale or of an indicator not in the
// set of the service channel (every set when service is "").
func (r Rating) Check(service Service) error {
	bad := func(field, msg string) error {
		return workflow.Refuse(workflow.ErrInvalidInput, "invalid_evaluation", msg).WithDetail(map[string]string{"field": field})
	}
	if r.Stars < 1 || r.Stars > 5 {
		return bad("stars", "评价等级应为 1（非常不满意）至 5（非常满意）")
	}
	sets := [][]Indicator{IndicatorsOf(service)}
	if service == "" {
		sets = [][]Indicator{OnlineIndicators, OfflineIndicators}
	}
	for code, v := range r.Indicators {
		if !slices.ContainsFunc(slices.Concat(sets...), func(ind Indicator) bool { return ind.Code == code }) {
			return bad("indicators."+code, "评价指标不属于该办件的评价指标体系")
		}
		if v < 1 || v > 5 {
			return bad("indicators."+code, "指标评价应为 1 至 5")
		}
	}
	if utf8.RuneCountInString(r.Comment) > maxComment {
		return bad("comment", "评价内容不超过 500 字")
	}
	return nil
}

// Evaluate records the applicant's one evaluation of a case at a stage,
// given by person through acct. A bad rating opens a follow-up.
func (s *Evaluations) Evaluate(ctx context.Context, cs workflow.Case, acct citizen.Account, person citizen.Citizen, st Stage, r Rating) (Evaluation, *Followup, error) {
	return s.evaluate(ctx, cs, st, r, Evaluation{PrincipalID: cs.ApplicantID, PersonID: person.ID, Channel: Medium(acct.Channel)}, "")
}

// evaluate checks and stores an evaluation of cs at st, spending the link
// whose hash is tokenHash when there is one.
func (s *Evaluations) evaluate(ctx context.Context, cs workflow.Case, st Stage, r Rating, e Evaluation, tokenHash string) (Evaluation, *Followup, error) {
	service := ServiceOf(cs)
	if err := r.Check(service); err != nil {
		return Evaluation{}, nil, err
	}
	evs, err := s.cfg.Cases.History(ctx, cs.ID)
	if err != nil {
		return Evaluation{}, nil, err
	}
	h := HandlingOf(evs)
	if err := Evaluable(cs, h, st); err != nil {
		return Evaluation{}, nil, err
	}
	if r.Indicators == nil {
		r.Indicators = map[string]int{}
	}
	now := s.cfg.Now()
	e.CaseID, e.Stage, e.ItemCode, e.Department, e.Service = cs.ID, st, cs.ItemCode, cs.Department, service
	e.Stars, e.Indicators, e.Comment, e.AcceptedBy, e.DecidedBy, e.CreatedAt = r.Stars, r.Indicators, r.Comment, h.AcceptedBy, h.DecidedBy, now
	var f *Followup
	if e.Bad() {
		f = s.openFollowup(e, now)
	}
	saved, sf, err := s.cfg.Store.Submit(ctx, e, f, tokenHash)
	if errors.Is(err, workflow.ErrDuplicate) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrConflict, "already_evaluated", "该办件的"+st.Name()+"环节已评价").Because(err)
	}
	return saved, sf, err
}

// Evaluation returns a case's evaluation at a stage and, for a bad one,
// its follow-up.
func (s *Evaluations) Evaluation(ctx context.Context, caseID string, st Stage) (Evaluation, *Followup, error) {
	e, err := s.cfg.Store.Get(ctx, caseID, st)
	if errors.Is(err, workflow.ErrNotFound) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrNotFound, "not_evaluated", "该办件的"+st.Name()+"环节尚未评价")
	}
	if err != nil || !e.Bad() {
		return e, nil, err
	}
	if f, err := s.cfg.Store.FollowupOf(ctx, caseID, st); err == nil {
		return e, &f, nil
	}
	return e, nil, nil
}

// Evaluated reports whether a case's result has been evaluated.
func (s *Evaluations) Evaluated(ctx context.Context, caseID string) bool {
	_, err := s.cfg.Store.Get(ctx, caseID, StageResult)
	return err == nil
}

// FollowupOfCase returns the follow-up of the bad rating of a case's result.
func (s *Evaluations) FollowupOfCase(ctx context.Context, caseID string) (Followup, error) {
	return s.cfg.Store.FollowupOf(ctx, caseID, StageResult)
}

// ParseFollowupStatus reads a follow-up state.
func ParseFollowupStatus(s string) (FollowupStatus, bool) {
	switch st := FollowupStatus(s); st {
	case FollowupOpen, FollowupContacted, FollowupVerified, FollowupRectified, FollowupClosed, FollowupAppealed, FollowupExcluded:
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
