package staff

import (
	"context"

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

// allow lets only a reviewer (审核) settle a breach: a clerk alone can
// neither take the applicant's licence away nor wipe out a courier's or a
// library's finding. The engine also keeps whoever ordered the
// rectification or recorded a statement from revoking.
func (a *DecideBreach) allow(who Caller) error { return reviewerOnly(who) }

func (a *ClearBreach) allow(who Caller) error { return reviewerOnly(who) }

func reviewerOnly(who Caller) error {
	if !who.Has(RoleReviewer) {
		return refuse(workflow.ErrForbidden, "reviewer_required", "核查结论和整改决定须由审核人员作出", nil)
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
// A final statement needs the scan of the applicant's signed statement
// (陈述申辩书 or 放弃陈述申辩声明, from POST /staff/scans): a clerk's word
// alone does not end the applicant's period.
type RecordStatement struct {
	Text       string `json:"text"`
	Final      bool   `json:"final"`
	SignedScan string `json:"signed_scan"`
}

func (a *RecordStatement) event(_ *Service, m workflow.Meta) (workflow.Event, error) {
	if err := checkText("statement", a.Text, true); err != nil {
		return nil, err
	}
	return workflow.StateCase{Meta: m, Text: a.Text, Final: a.Final, SignedScan: a.SignedScan}, nil
}

// check refuses a signed statement whose scan is not stored, and a final
// one without it.
func (a *RecordStatement) check(ctx context.Context, s *Service) error {
	switch {
	case a.Final && a.SignedScan == "":
		return refuse(workflow.ErrInvalidInput, "signed_statement_required", "申请人表示陈述申辩完毕的，须扫描其签字的书面声明", field("signed_scan"))
	case a.SignedScan != "" && !s.scanExists(ctx, a.SignedScan):
		return refuse(workflow.ErrInvalidInput, "unknown_scan", "扫描件不存在，请重新扫描", field("signed_scan"))
	}
	return nil
}

// checked is a step whose input needs the stores to check.
type checked interface {
	check(ctx context.Context, s *Service) error
}
