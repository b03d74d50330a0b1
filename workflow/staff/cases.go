package staff

import (
	"context"
	"errors"
	"slices"

	"zerovisit/workflow"
)

// maxCaseID bounds a case id before it reaches the store.
const maxCaseID = 64

// caseFor reads a case and checks that the caller may see it: staff of its
// department, or (when adminReads) an administrator.
func (s *Service) caseFor(ctx context.Context, who Caller, id string, adminReads bool) (workflow.Case, error) {
	if id == "" || len(id) > maxCaseID {
		return workflow.Case{}, refuse(workflow.ErrMalformed, "invalid_path", "办件编号格式不正确", field("id"))
	}
	cs, err := s.cfg.Cases.Get(ctx, id)
	if err != nil {
		return workflow.Case{}, err
	}
	if cs.Department != who.Department && !(adminReads && who.Admin()) {
		return workflow.Case{}, errOtherDepartment
	}
	return cs, nil
}

// claimedCase reads a case with its live claim (nil when free), in one
// read, and checks that the caller may see it, as caseFor does.
func (s *Service) claimedCase(ctx context.Context, who Caller, id string, adminReads bool) (workflow.Case, *Claim, error) {
	if id == "" || len(id) > maxCaseID {
		return workflow.Case{}, nil, refuse(workflow.ErrMalformed, "invalid_path", "办件编号格式不正确", field("id"))
	}
	cs, cl, ok, err := s.cfg.Claimed.CaseAndClaim(ctx, id, s.cfg.Now())
	if err != nil {
		return workflow.Case{}, nil, err
	}
	if cs.Department != who.Department && !(adminReads && who.Admin()) {
		return workflow.Case{}, nil, errOtherDepartment
	}
	if !ok {
		return cs, nil, nil
	}
	return cs, &cl, nil
}

// Case returns a case the caller may see, with its live claim (nil when free).
func (s *Service) Case(ctx context.Context, who Caller, id string) (workflow.Case, *Claim, error) {
	return s.claimedCase(ctx, who, id, true)
}

// Timeline is a case's history: the workflow's events and the staff log,
// with the names of the staff who acted, by id.
type Timeline struct {
	Case   workflow.Case
	Events []workflow.EventRecord
	Log    []LogEntry
	Names  map[string]string
}

// Timeline returns the history of a case the caller may see.
func (s *Service) Timeline(ctx context.Context, who Caller, id string) (Timeline, error) {
	cs, err := s.caseFor(ctx, who, id, true)
	if err != nil {
		return Timeline{}, err
	}
	evs, err := s.cfg.Cases.History(ctx, cs.ID)
	if err != nil {
		return Timeline{}, err
	}
	log, err := s.cfg.Store.StaffLog(ctx, cs.ID)
	if err != nil {
		return Timeline{}, err
	}
	var ids []string
	for _, e := range evs {
		if e.Actor.Kind == workflow.ActorClerk && !slices.Contains(ids, e.Actor.ID) {
			ids = append(ids, e.Actor.ID)
		}
	}
	for _, e := range log {
		if !slices.Contains(ids, e.StaffID) {
			ids = append(ids, e.StaffID)
		}
	}
	names, err := s.cfg.Store.StaffNames(ctx, ids)
	if err != nil {
		return Timeline{}, err
	}
	return Timeline{Case: cs, Events: evs, Log: log, Names: names}, nil
}

// errNoMaterial refuses a material the case does not have.
var errNoMaterial = workflow.Refuse(workflow.ErrNotFound, "material_not_found", "该办件没有此项材料")

// Material returns a material of a case the caller may see.
func (s *Service) Material(ctx context.Context, who Caller, caseID, code string) (workflow.CaseMaterial, error) {
	cs, err := s.caseFor(ctx, who, caseID, true)
	if err != nil {
		return workflow.CaseMaterial{}, err
	}
	if letter, ok := cs.Letter(); ok && code == workflow.LetterMaterial {
		return letter, nil
	}
	i := slices.IndexFunc(cs.Materials, func(m workflow.CaseMaterial) bool { return m.Code == code })
	if i < 0 {
		return workflow.CaseMaterial{}, errNoMaterial
	}
	return cs.Materials[i], nil
}

// liveClaim is the live claim on a case, or nil.
func (s *Service) liveClaim(ctx context.Context, caseID string) (*Claim, error) {
	cl, ok, err := s.cfg.Store.ClaimOf(ctx, caseID, s.cfg.Now())
	if err != nil || !ok {
		return nil, err
	}
	return &cl, nil
}

// errClaimRequired refuses to act on a case the caller does not hold.
var errClaimRequired = workflow.Refuse(workflow.ErrConflict, "claim_required", "请先领取该办件")

// errHeld refuses to act on a case someone else holds.
func errHeld(cl Claim) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrConflict, "claimed_by_other", "该办件已由其他工作人员领取").
		WithDetail(map[string]any{"staff_id": cl.StaffID, "expires_at": cl.ExpiresAt})
}

// claimError explains a claim the store refused: held by someone else, or
// not held.
func claimError(err error) error {
	var held *ClaimHeldError
	switch {
	case errors.As(err, &held):
		return errHeld(held.Holder)
	case errors.Is(err, ErrNotHolder):
		return errClaimRequired
	}
	return err
}

// inQueue reports whether a case in st is worked from a queue.
func inQueue(st workflow.Status) bool {
	return slices.Contains(QueueStatuses(), st) || slices.Contains(VerificationStatuses(), st)
}
