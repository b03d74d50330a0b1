package province

import "zerovisit/workflow"

// Step is how an event of a case reads as a process row: the step's name
// (办理环节名称) and the business action (业务动作) from the platform's
// code table.
type Step struct {
	Name   string
	Action string
}

// Business actions (业务动作, event_name) of the platform's code table.
const (
	ActionApply      = "01" // 申报、收件
	ActionAccept     = "02" // 受理
	ActionSupplement = "03" // 补正告知、补正
	ActionReview     = "04" // 审查、核验
	ActionApprove    = "05" // 决定（准予）
	ActionReject     = "06" // 决定（不予）、不予受理
	ActionWithdraw   = "07" // 撤回
	ActionPay        = "08" // 缴费
	ActionDeliver    = "09" // 送达
	ActionSpecial    = "10" // 特别程序
	ActionTransfer   = "11" // 转办
	ActionRevoke     = "12" // 撤销
	ActionOther      = "99" // 其他
)

// Actions is the value set of event_name.
var Actions = []string{ActionApply, ActionAccept, ActionSupplement, ActionReview, ActionApprove, ActionReject,
	ActionWithdraw, ActionPay, ActionDeliver, ActionSpecial, ActionTransfer, ActionRevoke, ActionOther}

// steps maps each event of the case engine to its process row. A new
// event of the engine needs one row here; an event missing from it is
// still reported, as 业务动作 "其他" under its own name, so nothing the
// case went through is left out. Events that are not steps of the case
// (create, a tick that changed nothing) are skipped before this table is
// read.
var steps = map[workflow.EventName]Step{
	workflow.EventSubmit:                {"网上申报", ActionApply},
	workflow.EventAccept:                {"受理", ActionAccept},
	workflow.EventRequestSupplement:     {"补正告知", ActionSupplement},
	workflow.EventSupplySupplement:      {"补正材料", ActionSupplement},
	workflow.EventApprove:               {"审批决定", ActionApprove},
	workflow.EventReject:                {"审批决定", ActionReject},
	workflow.EventWithdraw:              {"申请人撤回", ActionWithdraw},
	workflow.EventPay:                   {"缴费", ActionPay},
	workflow.EventProvideMaterial:       {"容缺材料补交", ActionSupplement},
	workflow.EventDispatch:              {"结果寄递", ActionDeliver},
	workflow.EventDeliver:               {"结果送达", ActionDeliver},
	workflow.EventStartVerification:     {"办结核验", ActionReview},
	workflow.EventRecordVerification:    {"核验结果", ActionReview},
	workflow.EventStartSpecialProcedure: {"特别程序开始", ActionSpecial},
	workflow.EventEndSpecialProcedure:   {"特别程序结束", ActionSpecial},
	workflow.EventTransfer:              {"转办", ActionTransfer},
	workflow.EventTick:                  {"系统处理", ActionOther},
	// Due process for a commitment in doubt (workflow/breach.go).
	workflow.EventClearBreach:        {"核验审查", ActionReview},
	workflow.EventOrderRectification: {"责令限期整改", ActionReview},
	workflow.EventStateCase:          {"陈述申辩", ActionOther},
	workflow.EventDecideBreach:       {"整改审查决定", ActionReview},
}

// StepOf returns the process row of an event: from the table, else
// "其他" under the event's own name.
func StepOf(name workflow.EventName) Step {
	if s, ok := steps[name]; ok {
		return s
	}
	return Step{Name: "办理（" + string(name) + "）", Action: ActionOther}
}
