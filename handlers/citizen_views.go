package handlers

import (
	"context"
	"time"

	"zerovisit/workflow"
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
	Needed      []citizenNeed               `json:"needed"`
	Materials   []workflow.CaseMaterial     `json:"materials,omitempty"`
	Supplement  *workflow.SupplementRequest `json:"supplement,omitempty"`
	Decision    *workflow.Decision          `json:"decision,omitempty"`
	Ending      *workflow.Ending            `json:"ending,omitempty"`
	Evaluated   bool                        `json:"evaluated"`
	CreatedAt   time.Time                   `json:"created_at"`
	SubmittedAt *time.Time                  `json:"submitted_at,omitempty"`
	UpdatedAt   time.Time                   `json:"updated_at"`
}

// citizenNeed is one thing the applicant has to do.
type citizenNeed struct {
	Kind     string     `json:"kind"` // submit, pay, supplement, promised_material, evaluate
	Material string     `json:"material,omitempty"`
	Due      *time.Time `json:"due,omitempty"`
	Note     string     `json:"note"`
}

var stageNotes = map[string]string{
	string(workflow.StatusDraft):               "草稿，待提交",
	string(workflow.StatusSubmitted):           "已提交，等待受理",
	string(workflow.StatusAccepted):            "已受理，审批中",
	string(workflow.StatusSupplementRequested): "需要补正材料",
	string(workflow.StatusApproved):            "已批准，等待发放结果",
	string(workflow.StatusRejected):            "不予许可",
	string(workflow.StatusDelivering):          "办理结果寄送中",
	string(workflow.StatusDelivered):           "办理结果已送达",
	string(workflow.StatusVerifying):           "办结核验中",
	string(workflow.StatusClosed):              "已办结",
	string(workflow.StatusRevoked):             "审批决定已撤销",
	string(workflow.StatusWithdrawn):           "已撤回",
	"awaiting_payment":                         "已批准，请缴纳费用后发放结果",
}

// payable reports whether a case's fees can and must still be paid.
func payable(cs workflow.Case) bool {
	if cs.Terms.FeeFen == 0 || cs.Payment != nil {
		return false
	}
	switch cs.Status {
	case workflow.StatusSubmitted, workflow.StatusAccepted, workflow.StatusSupplementRequested, workflow.StatusApproved:
		return true
	}
	return false
}

func tptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// completed reports whether a case can be evaluated.
func completed(s workflow.Status) bool {
	return s == workflow.StatusClosed || s == workflow.StatusRejected
}

func (h *Handler) caseView(ctx context.Context, cs workflow.Case) citizenCaseView {
	v := citizenCaseView{
		ID: cs.ID, Number: cs.Number, ItemCode: cs.ItemCode, ItemName: cs.Terms.ItemName, Department: cs.Department,
		DepartmentName: cs.Terms.DepartmentName, ApplicantID: cs.ApplicantID, Status: cs.Status, Stage: string(cs.Status),
		TrustFirst: cs.TrustFirst, Deadline: tptr(cs.Deadline), Card: cs.Card, FeeFen: cs.Terms.FeeFen,
		Paid: cs.Payment != nil, Payment: cs.Payment, Delivery: cs.Delivery.Method, Needed: []citizenNeed{},
		Materials: cs.Materials, Supplement: cs.Supplement, Decision: cs.Decision, Ending: cs.Ending,
		CreatedAt: cs.CreatedAt, SubmittedAt: tptr(cs.SubmittedAt), UpdatedAt: cs.UpdatedAt,
	}
	if cs.PathReason != "" {
		v.Path = &citizenPathView{TrustFirst: cs.TrustFirst, Reason: cs.PathReason, Note: cs.PathNote}
	}
	if cs.Status == workflow.StatusApproved && payable(cs) {
		v.Stage = "awaiting_payment"
	}
	v.StageNote = stageNotes[v.Stage]
	switch {
	case cs.Status == workflow.StatusDraft:
		v.Needed = append(v.Needed, citizenNeed{Kind: "submit", Note: "完善材料后提交申请"})
	case cs.Status == workflow.StatusSupplementRequested && cs.Supplement != nil:
		for _, it := range cs.Supplement.Items {
			v.Needed = append(v.Needed, citizenNeed{Kind: "supplement", Material: it.Material, Due: tptr(cs.Supplement.DueAt), Note: it.Reason})
		}
	}
	if payable(cs) {
		v.Needed = append(v.Needed, citizenNeed{Kind: "pay", Note: "请缴纳办理费用"})
	}
	if !cs.Status.Terminal() {
		for _, m := range cs.Outstanding() {
			v.Needed = append(v.Needed, citizenNeed{Kind: "promised_material", Material: m.Code, Due: tptr(m.DueAt), Note: "请在承诺期限内补齐容缺材料"})
		}
	}
	if completed(cs.Status) && h.citizen.Evaluations != nil {
		if _, err := h.citizen.Evaluations.Get(ctx, cs.ID); err == nil {
			v.Evaluated = true
		} else {
			v.Needed = append(v.Needed, citizenNeed{Kind: "evaluate", Note: "欢迎对本次办事服务作出评价"})
		}
	}
	return v
}
