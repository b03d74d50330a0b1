package apply

import (
	"context"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/payment"
)

// Standing is where a case stands for its applicant and what is needed
// from them.
type Standing struct {
	// Stage refines the status for the applicant: awaiting_payment is an
	// approved case whose fees are unpaid (the result waits for them).
	Stage     string
	StageNote string
	Needs     []Need
	Evaluated bool
}

// StageAwaitingPayment is the stage of an approved case whose fees are unpaid.
const StageAwaitingPayment = "awaiting_payment"

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
	string(workflow.StatusCommitmentReview):    "办结核验发现问题，工作人员审查中",
	string(workflow.StatusRectifying):          "限期整改中，可在期限内提交陈述申辩",
	string(workflow.StatusClosed):              "已办结",
	string(workflow.StatusRevoked):             "审批决定已撤销",
	string(workflow.StatusWithdrawn):           "已撤回",
	StageAwaitingPayment:                       "已批准，请缴纳费用后发放结果",
}

// Standing says where a case stands for its applicant and what they have
// to do next.
func (s *Service) Standing(ctx context.Context, cs workflow.Case) Standing {
	st := Standing{Stage: string(cs.Status), Needs: needs(cs)}
	if cs.Status == workflow.StatusApproved && payment.Due(cs) {
		st.Stage = StageAwaitingPayment
	}
	st.StageNote = stageNotes[st.Stage]
	if feedback.Completed(cs) && s.cfg.Evaluations != nil {
		if st.Evaluated = s.cfg.Evaluations.Evaluated(ctx, cs.ID); !st.Evaluated {
			st.Needs = append(st.Needs, Need{Kind: "evaluate", Note: "欢迎对本次办事服务作出评价"})
		}
	}
	return st
}

// needs are what the applicant has to do on a case, evaluation aside.
func needs(cs workflow.Case) []Need {
	out := []Need{}
	switch {
	case cs.Status == workflow.StatusDraft:
		out = append(out, Need{Kind: "submit", Note: "完善材料后提交申请"})
	case cs.Status == workflow.StatusSupplementRequested && cs.Supplement != nil:
		for _, it := range cs.Supplement.Items {
			out = append(out, Need{Kind: "supplement", Material: it.Material, Due: TimeOrNil(cs.Supplement.DueAt), Note: it.Reason})
		}
	}
	if payment.Due(cs) {
		out = append(out, Need{Kind: "pay", Note: "请缴纳办理费用"})
	}
	if !cs.Status.Terminal() {
		for _, m := range cs.Outstanding() {
			out = append(out, Need{Kind: "promised_material", Material: m.Code, Due: TimeOrNil(m.DueAt), Note: "请在承诺期限内补齐容缺材料"})
		}
	}
	return out
}

// TimeOrNil is t, or nil when it is zero (for optional times in answers).
func TimeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
