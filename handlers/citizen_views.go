package handlers

import (
	"context"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
)

// citizenCaseView is a case as its applicant sees it: where it stands,
// its deadline and what is needed from them. It holds no personal data.
type citizenCaseView struct {
	ID             string          `json:"id"`
	Number         string          `json:"number"`
	ItemCode       string          `json:"item_code"`
	ItemName       string          `json:"item_name"`
	Department     string          `json:"department"`
	DepartmentName string          `json:"department_name"`
	ApplicantID    string          `json:"applicant_id"`
	Status         workflow.Status `json:"status"`
	// Stage refines Status for the applicant: awaiting_payment is an
	// approved case whose fees are unpaid (the result waits for them).
	Stage       string                      `json:"stage"`
	StageNote   string                      `json:"stage_note"`
	TrustFirst  bool                        `json:"trust_first"`
	Path        *citizenPathView            `json:"path,omitempty"`
	Deadline    *time.Time                  `json:"deadline,omitempty"`
	Card        workflow.Card               `json:"card,omitempty"`
	FeeFen      int64                       `json:"fee_fen"`
	Paid        bool                        `json:"paid"`
	Payment     *workflow.Payment           `json:"payment,omitempty"`
	Delivery    workflow.DeliveryMethod     `json:"delivery,omitempty"`
	Needed      []apply.Need                `json:"needed"`
	Materials   []workflow.CaseMaterial     `json:"materials,omitempty"`
	Supplement  *workflow.SupplementRequest `json:"supplement,omitempty"`
	Review      *citizenReviewView          `json:"review,omitempty"`
	Decision    *workflow.Decision          `json:"decision,omitempty"`
	Ending      *workflow.Ending            `json:"ending,omitempty"`
	Evaluated   bool                        `json:"evaluated"`
	CreatedAt   time.Time                   `json:"created_at"`
	SubmittedAt *time.Time                  `json:"submitted_at,omitempty"`
	UpdatedAt   time.Time                   `json:"updated_at"`
}

// citizenReviewView is a commitment in doubt as the applicant sees it:
// what was found, the order to rectify and their statements, and how it
// ended; who checked and decided stay with the department.
type citizenReviewView struct {
	Kind          workflow.BreachKind    `json:"kind"`
	Material      string                 `json:"material"`
	Note          string                 `json:"note,omitempty"`
	FoundAt       time.Time              `json:"found_at"`
	Reason        string                 `json:"rectification_reason,omitempty"`
	LegalBasis    string                 `json:"rectification_legal_basis,omitempty"`
	DueAt         *time.Time             `json:"rectification_due_at,omitempty"`
	Statements    []workflow.Statement   `json:"statements,omitempty"`
	Outcome       workflow.BreachOutcome `json:"outcome,omitempty"`
	Finding       string                 `json:"finding,omitempty"`
	MayStateUntil *time.Time             `json:"may_state_until,omitempty"`
}

func reviewView(cs workflow.Case) *citizenReviewView {
	b := cs.Breach
	if b == nil {
		return nil
	}
	v := &citizenReviewView{Kind: b.Kind, Material: b.Material, Note: b.Note, FoundAt: b.FoundAt, Outcome: b.Outcome, Finding: b.Finding}
	if r := b.Rectification; r != nil {
		v.Reason, v.LegalBasis, v.DueAt, v.Statements = r.Reason, r.LegalBasis, tptr(r.DueAt), r.Statements
		if cs.Status == workflow.StatusRectifying {
			v.MayStateUntil = tptr(r.DueAt)
		}
	}
	return v
}

func tptr(t time.Time) *time.Time { return apply.TimeOrNil(t) }

func (h *Handler) caseView(ctx context.Context, cs workflow.Case) citizenCaseView {
	st := h.citizen.Applications.Standing(ctx, cs)
	v := citizenCaseView{
		ID: cs.ID, Number: cs.Number, ItemCode: cs.ItemCode, ItemName: cs.Terms.ItemName, Department: cs.Department,
		DepartmentName: cs.Terms.DepartmentName, ApplicantID: cs.ApplicantID, Status: cs.Status, Stage: st.Stage,
		StageNote: st.StageNote, TrustFirst: cs.TrustFirst, Deadline: tptr(cs.Deadline), Card: cs.Card, FeeFen: cs.Terms.FeeFen,
		Paid: cs.Payment != nil, Payment: cs.Payment, Delivery: cs.Delivery.Method, Needed: st.Needs,
		Materials: cs.Materials, Supplement: cs.Supplement, Review: reviewView(cs), Decision: cs.Decision, Ending: cs.Ending,
		Evaluated: st.Evaluated, CreatedAt: cs.CreatedAt, SubmittedAt: tptr(cs.SubmittedAt), UpdatedAt: cs.UpdatedAt,
	}
	if cs.PathReason != "" {
		v.Path = &citizenPathView{TrustFirst: cs.TrustFirst, Reason: cs.PathReason, Note: cs.PathNote}
	}
	return v
}
