package staff

import (
	"context"

	"zerovisit/workflow"
)

// Step is a step of the case workflow a member of staff takes on a case
// they hold: Accept, Supplement, Approve, Reject, StartSpecial, EndSpecial,
// Refer, Dispatch or Verify. Each checks what the clerk wrote and
// becomes the workflow's event.
type Step interface {
	event(s *Service, m workflow.Meta) (workflow.Event, error)
}

// Act takes a step on a case of the caller's department that the caller
// holds. With idem, a retry answers as the first time. The answer is the
// case after the step and the caller's claim, nil when the step sent the
// case to another department (the claim is then given back).
func (s *Service) Act(ctx context.Context, who Caller, caseID string, step Step, idem *workflow.IdempotencyRequest) (workflow.Case, *Claim, error) {
	cs, cl, err := s.claimedCase(ctx, who, caseID, false)
	switch {
	case err != nil:
		return workflow.Case{}, nil, err
	case cl == nil:
		return workflow.Case{}, nil, errClaimRequired
	case cl.StaffID != who.ID:
		return workflow.Case{}, nil, errHeld(*cl)
	}
	if a, ok := step.(authorized); ok {
		if err := a.allow(who); err != nil {
			return workflow.Case{}, nil, err
		}
	}
	if c, ok := step.(checked); ok {
		if err := c.check(ctx, s); err != nil {
			return workflow.Case{}, nil, err
		}
	}
	ev, err := step.event(s, workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: who.ID}})
	if err != nil {
		return workflow.Case{}, nil, err
	}
	// The claim is checked again as the decision is written: a hand-over
	// or an expiry since the read above refuses it and writes nothing.
	after, err := s.cfg.Cases.DoOn(ctx, cs, ev, idem, &workflow.Guard{ClaimedBy: who.ID})
	if err != nil {
		return workflow.Case{}, nil, err
	}
	s.cfg.Log.InfoContext(ctx, "staff action", "staff_id", who.ID, "case_id", cs.ID, "event", ev.EventName(), "status", after.Status)
	if after.Department != cs.Department {
		// Transferred: the case left this department's queue.
		_ = s.cfg.Store.Release(ctx, cs.ID, who.ID, s.cfg.Now())
		cl = nil
	}
	return after, cl, nil
}

// Accept accepts an ordinary-path application (受理).
type Accept struct {
	Note string `json:"note"`
}

func (a *Accept) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("note", a.Note, false); err != nil {
		return nil, err
	}
	return workflow.Accept{Meta: m, Note: a.Note}, nil
}

// Supplement asks the applicant for a correction (补正): what and why.
type Supplement struct {
	Items []workflow.SupplementItem `json:"items"`
	Note  string                    `json:"note"`
}

func (a *Supplement) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if len(a.Items) == 0 || len(a.Items) > 50 {
		return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "请列明需要补正的内容（至多50项）", field("items"))
	}
	for _, it := range a.Items {
		if err := checkText("reason", it.Reason, true); err != nil {
			return nil, err
		}
	}
	if err := checkText("note", a.Note, false); err != nil {
		return nil, err
	}
	return workflow.RequestSupplement{Meta: m, Items: a.Items, Note: a.Note}, nil
}

// Approve grants the application; the result licence is issued by the
// workflow's effect.
type Approve struct {
	Opinion string `json:"opinion"`
}

func (a *Approve) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("opinion", a.Opinion, false); err != nil {
		return nil, err
	}
	return workflow.Approve{Meta: m, Opinion: a.Opinion}, nil
}

// Reject refuses the application with its reason and legal basis.
type Reject struct {
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
}

func (a *Reject) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("reason", a.Reason, true); err != nil {
		return nil, err
	}
	if err := checkText("legal_basis", a.LegalBasis, true); err != nil {
		return nil, err
	}
	return workflow.Reject{Meta: m, Reason: a.Reason, LegalBasis: a.LegalBasis}, nil
}

// StartSpecial starts a special procedure (特别程序), pausing the clock.
type StartSpecial struct {
	Kind   workflow.ProcedureKind `json:"kind"`
	Reason string                 `json:"reason"`
	Days   int                    `json:"days"`
}

func (a *StartSpecial) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	return workflow.StartSpecialProcedure{Meta: m, Kind: a.Kind, Reason: a.Reason, Days: a.Days}, nil
}

// EndSpecial ends the special procedure with its outcome.
type EndSpecial struct {
	Outcome string `json:"outcome"`
}

func (a *EndSpecial) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	return workflow.EndSpecialProcedure{Meta: m, Outcome: a.Outcome}, nil
}

// Refer hands an undecided case to another department (转办).
type Refer struct {
	Department string `json:"department"`
	Reason     string `json:"reason"`
}

func (a *Refer) event(s *Service, m workflow.Meta) (workflow.Event, error) {
	if !s.IsDepartment(a.Department) {
		return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "转办部门不存在", field("department"))
	}
	return workflow.Transfer{Meta: m, Department: a.Department, Reason: a.Reason}, nil
}

// Dispatch sends the approved result out (结果发放).
type Dispatch struct {
	Note string `json:"note"`
}

func (a *Dispatch) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("note", a.Note, false); err != nil {
		return nil, err
	}
	return workflow.Dispatch{Meta: m, Note: a.Note}, nil
}

// Verify records the clerk's checks of a trust-first case's materials:
// all passed closes it, a failure revokes the decision.
type Verify struct {
	Results []VerifyResult `json:"results"`
}

// VerifyResult is the clerk's check of one material.
type VerifyResult struct {
	Material string `json:"material"`
	Passed   bool   `json:"passed"`
	Evidence string `json:"evidence"`
	Note     string `json:"note"`
}

func (a *Verify) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if len(a.Results) == 0 || len(a.Results) > 50 {
		return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "请填写核验结果", field("results"))
	}
	ev := workflow.RecordVerification{Meta: m}
	for _, r := range a.Results {
		if err := checkText("note", r.Note, !r.Passed); err != nil {
			return nil, err
		}
		if err := checkText("evidence", r.Evidence, false); err != nil {
			return nil, err
		}
		ev.Results = append(ev.Results, workflow.VerificationResult{Material: r.Material, Passed: r.Passed, Evidence: r.Evidence, Note: r.Note})
	}
	return ev, nil
}
