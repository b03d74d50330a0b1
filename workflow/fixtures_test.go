package workflow_test

import (
	"testing"
	"time"

	"zerovisit/workflow"
)

// fixtureStart is Monday 2025-09-01 09:00. The trust-first fixture case is
// accepted at 10:00 with 5 promised working days: due at the end of Monday
// 2025-09-08, yellow from Friday 2025-09-05 00:00; material "d" is promised
// for 2025-09-10.
const fixtureStart = "2025-09-01 09:00"

// fixtures returns one case in every state, each reached through the engine.
func fixtures(tb testing.TB, e *workflow.Engine) map[workflow.Status]workflow.Case {
	tb.Helper()
	t0 := at(tb, fixtureStart)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	f := make(map[workflow.Status]workflow.Case)

	draft := newDraft(tb, e, "tf", t0)
	f[workflow.StatusDraft] = draft
	f[workflow.StatusSubmitted] = mustApply(tb, e, draft, ordinarySubmit(h(1)))
	f[workflow.StatusRejected] = mustApply(tb, e, f[workflow.StatusSubmitted],
		workflow.Reject{Meta: meta(clerk, h(2)), Reason: "经营场所不符合要求", LegalBasis: "《食品经营许可和备案管理办法》第十七条"})
	f[workflow.StatusWithdrawn] = mustApply(tb, e, f[workflow.StatusSubmitted], workflow.Withdraw{Meta: meta(citizen, h(2))})

	accepted := mustApply(tb, e, draft, trustSubmit(tb, h(1)))
	f[workflow.StatusAccepted] = accepted
	f[workflow.StatusSupplementRequested] = mustApply(tb, e, accepted, workflow.RequestSupplement{
		Meta: meta(clerk, h(2)), Items: []workflow.SupplementItem{{Material: "b", Reason: "申请书缺少签字"}},
	})
	f[workflow.StatusSpecialProcedure] = mustApply(tb, e, accepted, workflow.StartSpecialProcedure{
		Meta: meta(clerk, h(2)), Kind: workflow.ProcedureHearing, Reason: "利害关系人申请听证", Days: 10,
	})
	approved := mustApply(tb, e, accepted, workflow.Approve{Meta: meta(clerk, h(3))})
	f[workflow.StatusApproved] = approved
	f[workflow.StatusDelivering] = mustApply(tb, e, approved, payEvent(h(3)), workflow.Dispatch{Meta: meta(clerk, h(4))})
	f[workflow.StatusDelivered] = mustApply(tb, e, f[workflow.StatusDelivering], workflow.Deliver{Meta: meta(courier, h(5)), Waybill: "SF100"})
	verifying := mustApply(tb, e, f[workflow.StatusDelivered], workflow.StartVerification{Meta: meta(system, h(6))})
	f[workflow.StatusVerifying] = verifying
	f[workflow.StatusClosed] = mustApply(tb, e, verifying,
		workflow.ProvideMaterial{Meta: meta(citizen, h(7)), Material: provided("d")[0]},
		workflow.RecordVerification{Meta: meta(clerk, h(8)), Results: []workflow.VerificationResult{{Material: "c", Passed: true}}},
	)
	// Under review: promised material "d" (due 2025-09-10) was reminded on
	// 09-11 with five more working days, which ended on 09-18.
	review := mustApply(tb, e, approved,
		workflow.Tick{Meta: meta(system, at(tb, "2025-09-11 09:00"))},
		workflow.Tick{Meta: meta(system, at(tb, "2025-09-19 09:00"))})
	f[workflow.StatusCommitmentReview] = review
	f[workflow.StatusRectifying] = mustApply(tb, e, review, rectify(at(tb, "2025-09-19 10:00")))
	// Revoked: a failed check at the door, reviewed, ordered rectified by
	// 2025-09-08, and revoked after that on the clerk's finding.
	failed := mustApply(tb, e, verifying, workflow.RecordVerification{
		Meta: meta(courier, h(7)), Results: []workflow.VerificationResult{{Material: "c", Passed: false, Note: "平面布局图与现场不符"}},
	})
	f[workflow.StatusRevoked] = mustApply(tb, e, failed, rectify(h(8)), workflow.DecideBreach{
		Meta: meta(reviewer, at(tb, "2025-09-10 09:00")), Outcome: workflow.OutcomeRevoked, Reason: "逾期未整改，承诺不实",
		LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: true,
	})
	for _, st := range workflow.Statuses() {
		if got, ok := f[st]; !ok || got.Status != st {
			tb.Fatalf("fixture for %s is missing or in %s", st, got.Status)
		}
	}
	return f
}

// sampleEvent returns an event of the given name that is valid for a case
// in the fixture state c (and merely well formed otherwise).
func sampleEvent(tb testing.TB, name workflow.EventName, c workflow.Case) workflow.Event {
	tb.Helper()
	next := c.UpdatedAt.Add(time.Hour)
	switch name {
	case workflow.EventSubmit:
		return trustSubmit(tb, next)
	case workflow.EventAccept:
		return workflow.Accept{Meta: meta(clerk, next)}
	case workflow.EventRequestSupplement:
		return workflow.RequestSupplement{Meta: meta(clerk, next), Items: []workflow.SupplementItem{{Material: "c", Reason: "图纸不清晰"}}}
	case workflow.EventSupplySupplement:
		return workflow.SupplySupplement{Meta: meta(citizen, next), Materials: provided("b")}
	case workflow.EventApprove:
		return workflow.Approve{Meta: meta(clerk, next), Opinion: "准予许可"}
	case workflow.EventReject:
		return workflow.Reject{Meta: meta(clerk, next), Reason: "不符合条件", LegalBasis: "《中华人民共和国行政许可法》第三十八条"}
	case workflow.EventWithdraw:
		return workflow.Withdraw{Meta: meta(citizen, next)}
	case workflow.EventPay:
		return payEvent(next)
	case workflow.EventProvideMaterial:
		return workflow.ProvideMaterial{Meta: meta(citizen, next), Material: provided("d")[0]}
	case workflow.EventDispatch:
		return workflow.Dispatch{Meta: meta(clerk, next)}
	case workflow.EventDeliver:
		return workflow.Deliver{Meta: meta(courier, next), Waybill: "SF100"}
	case workflow.EventStartVerification:
		return workflow.StartVerification{Meta: meta(system, next)}
	case workflow.EventRecordVerification:
		return workflow.RecordVerification{Meta: meta(courier, next), Results: []workflow.VerificationResult{{Material: "c", Passed: true}}}
	case workflow.EventTick:
		return workflow.Tick{Meta: meta(system, tickTime(tb, c))}
	case workflow.EventCollectOriginals:
		return workflow.CollectOriginals{Meta: meta(courier, next), Stage: workflow.OriginalsPickedUp, Waybill: "SF200"}
	case workflow.EventDeliveryFailed:
		return workflow.DeliveryFailed{Meta: meta(courier, next), Waybill: "SF100", Reason: workflow.LegRefused}
	case workflow.EventStartSpecialProcedure:
		return workflow.StartSpecialProcedure{Meta: meta(clerk, next), Kind: workflow.ProcedureExpertReview, Reason: "需组织专家评审", Days: 5}
	case workflow.EventEndSpecialProcedure:
		return workflow.EndSpecialProcedure{Meta: meta(clerk, next), Outcome: "专家评审通过"}
	case workflow.EventTransfer:
		return workflow.Transfer{Meta: meta(clerk, next), Department: "gaj", Reason: "属公安机关职权范围"}
	case workflow.EventClearBreach:
		return workflow.ClearBreach{Meta: meta(clerk, next), Finding: "经核查，材料已于期限内通过其他渠道提交"}
	case workflow.EventOrderRectification:
		return rectify(next)
	case workflow.EventStateCase:
		return workflow.StateCase{Meta: meta(citizen, next), Text: "因出差未能按期提交，现申请补交"}
	case workflow.EventDecideBreach:
		if c.Status == workflow.StatusRectifying {
			return workflow.DecideBreach{Meta: meta(clerk, next), Outcome: workflow.OutcomeRectified, Reason: "已按期整改到位"}
		}
		return workflow.DecideBreach{Meta: meta(reviewer, next), Outcome: workflow.OutcomeRevoked, Reason: "催告期满仍未补齐容缺材料",
			LegalBasis: "《中华人民共和国行政许可法》第六十九条"}
	}
	tb.Fatalf("no sample for event %s", name)
	return nil
}

// rectify orders rectification within 5 working days.
func rectify(t time.Time) workflow.OrderRectification {
	return workflow.OrderRectification{Meta: meta(clerk, t), Reason: "核验发现平面布局图与现场不符，请限期整改",
		LegalBasis: "国办发〔2020〕42号", Days: 5}
}

// payEvent pays the 500 fen of item "tf".
func payEvent(t time.Time) workflow.Pay {
	return workflow.Pay{Meta: meta(system, t), Channel: workflow.ChannelWeChat, TradeNo: "wx-1", AmountFen: 500}
}

// tickTime is a moment something is due on the fixture case: the yellow
// threshold while accepted, the start of verification once delivered, and
// otherwise well past every deadline.
func tickTime(tb testing.TB, c workflow.Case) time.Time {
	switch c.Status {
	case workflow.StatusAccepted:
		return at(tb, "2025-09-05 08:00")
	case workflow.StatusDelivered:
		return c.UpdatedAt
	}
	return at(tb, "2025-12-01 09:00")
}
