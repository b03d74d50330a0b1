package staff

import (
	"zerovisit/workflow"
)

// ClearBreach finds a commitment in doubt a misunderstanding (核查无误):
// the original matches after all, or the promised material is not needed.
type ClearBreach struct {
	Finding string `json:"finding"`
}

func (a *ClearBreach) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("finding", a.Finding, true); err != nil {
		return nil, err
	}
	return workflow.ClearBreach{Meta: m, Finding: a.Finding}, nil
}

// Rectify orders the applicant to rectify within a period (责令限期整改).
type Rectify struct {
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
	Days       int    `json:"days"`
}

func (a *Rectify) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("reason", a.Reason, true); err != nil {
		return nil, err
	}
	if err := checkText("legal_basis", a.LegalBasis, true); err != nil {
		return nil, err
	}
	return workflow.OrderRectification{Meta: m, Reason: a.Reason, LegalBasis: a.LegalBasis, Days: a.Days}, nil
}

// DecideBreach decides a commitment in doubt after the rectification
// period: rectified, or the decision revoked (撤销), with the clerk's
// finding of whether the commitment was false.
type DecideBreach struct {
	Outcome         workflow.BreachOutcome `json:"outcome"`
	Reason          string                 `json:"reason"`
	LegalBasis      string                 `json:"legal_basis"`
	FalseCommitment bool                   `json:"false_commitment"`
}

func (a *DecideBreach) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("reason", a.Reason, true); err != nil {
		return nil, err
	}
	if err := checkText("legal_basis", a.LegalBasis, a.Outcome == workflow.OutcomeRevoked); err != nil {
		return nil, err
	}
	return workflow.DecideBreach{Meta: m, Outcome: a.Outcome, Reason: a.Reason, LegalBasis: a.LegalBasis,
		FalseCommitment: a.FalseCommitment}, nil
}

// allow lets only a reviewer (审核) revoke a decision: the clerk who found
// or pursued the breach cannot alone take the applicant's licence away
// and record them in the credit library.
func (a *DecideBreach) allow(who Caller) error {
	if a.Outcome == workflow.OutcomeRevoked && !who.Has(RoleReviewer) {
		return refuse(workflow.ErrForbidden, "reviewer_required", "撤销审批决定须由审核人员作出", nil)
	}
	return nil
}

// authorized is a step only some of those who handle cases may take.
type authorized interface {
	allow(who Caller) error
}

// RecordStatement records what an applicant stated in person at the
// counter during a rectification (当面陈述申辩, the clerk's record of it),
// for applicants without an online account.
type RecordStatement struct {
	Text  string `json:"text"`
	Final bool   `json:"final"`
}

func (a *RecordStatement) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("statement", a.Text, true); err != nil {
		return nil, err
	}
	return workflow.StateCase{Meta: m, Text: a.Text, Final: a.Final}, nil
}
