package staff

import (
	"context"
	"errors"
	"strings"

	"zerovisit/workflow"
)

// Claim takes a case for the caller or renews the caller's claim.
func (s *Service) Claim(ctx context.Context, who Caller, caseID string) (workflow.Case, Claim, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return workflow.Case{}, Claim{}, err
	}
	if !inQueue(cs.Status) {
		return workflow.Case{}, Claim{}, refuse(workflow.ErrConflict, "not_in_queue", "该办件当前无需办理", map[string]any{"status": cs.Status})
	}
	cl, err := s.cfg.Store.Claim(ctx, cs.ID, cs.Department, who.ID, s.cfg.Now(), s.cfg.ClaimLease)
	if err != nil {
		return workflow.Case{}, Claim{}, claimError(err)
	}
	return cs, cl, nil
}

// Release gives the caller's claim back to the queue.
func (s *Service) Release(ctx context.Context, who Caller, caseID string) error {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return err
	}
	return claimError(s.cfg.Store.Release(ctx, cs.ID, who.ID, s.cfg.Now()))
}

// Transfer of a claim: to whom, and why.
type Transfer struct {
	ToStaffID string `json:"to_staff_id"`
	Reason    string `json:"reason"`
}

// HandOver passes the caller's claim to a colleague, with a reason.
func (s *Service) HandOver(ctx context.Context, who Caller, caseID string, t Transfer) (Claim, error) {
	if err := checkText("reason", t.Reason, true); err != nil {
		return Claim{}, err
	}
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return Claim{}, err
	}
	if err := s.checkColleague(ctx, t.ToStaffID, cs.Department); err != nil {
		return Claim{}, err
	}
	cl, err := s.cfg.Store.HandOver(ctx, cs.ID, who.ID, t.ToStaffID, strings.TrimSpace(t.Reason), s.cfg.Now(), s.cfg.ClaimLease)
	if err != nil {
		return Claim{}, claimError(err)
	}
	return cl, nil
}

// Reassign is a supervisor giving a case to a clerk of its department, or
// back to the queue (ToStaffID empty, answered with a nil claim), whoever
// holds it now.
func (s *Service) Reassign(ctx context.Context, who Caller, caseID string, t Transfer) (*Claim, error) {
	if err := checkText("reason", t.Reason, true); err != nil {
		return nil, err
	}
	cs, err := s.caseFor(ctx, who, caseID, true)
	if err != nil {
		return nil, err
	}
	if t.ToStaffID != "" {
		if err := s.checkColleague(ctx, t.ToStaffID, cs.Department); err != nil {
			return nil, err
		}
	}
	cl, err := s.cfg.Store.Reassign(ctx, cs.ID, cs.Department, t.ToStaffID, who.ID, strings.TrimSpace(t.Reason), s.cfg.Now(), s.cfg.ClaimLease)
	if err != nil || t.ToStaffID == "" {
		return nil, err
	}
	return &cl, nil
}

// checkColleague checks that id is an enabled member of staff of the
// department who handles cases.
func (s *Service) checkColleague(ctx context.Context, id, department string) error {
	a, err := s.cfg.Store.GetStaff(ctx, id)
	switch {
	case errors.Is(err, workflow.ErrNotFound):
		return refuse(workflow.ErrInvalidInput, "unknown_staff", "接收人不存在", field("to_staff_id"))
	case err != nil:
		return err
	case a.Disabled || a.Department != department || !(a.Has(RoleClerk) || a.Has(RoleReviewer)):
		return refuse(workflow.ErrInvalidInput, "unsuitable_staff", "接收人须为本部门在岗的窗口或审核人员", field("to_staff_id"))
	}
	return nil
}
