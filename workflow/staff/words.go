package staff

import (
	"strings"

	"zerovisit/workflow"
)

// ActorName is who acted on a case, in words: a member of staff by name
// (names by id), the applicant, a courier, a department's system by the
// department's name, or the system by what it is.
func ActorName(a workflow.Actor, names map[string]string, deps []workflow.Department) string {
	switch a.Kind {
	case workflow.ActorClerk:
		if n := names[a.ID]; n != "" {
			return "工作人员 " + n
		}
		return "工作人员"
	case workflow.ActorCitizen:
		return "申请人"
	case workflow.ActorCourier:
		return "快递员"
	case workflow.ActorDepartment:
		for _, d := range deps {
			if d.Code == a.ID {
				return "部门系统（" + d.Name + "）"
			}
		}
		return "部门系统"
	case workflow.ActorSystem:
		return "系统（" + systemName(a.ID) + "）"
	}
	return "其他"
}

// systemName is what a system actor is, by its id.
func systemName(id string) string {
	switch {
	case id == "timer":
		return "时限检查"
	case id == "approve-on-commit":
		return "承诺即办"
	case id == "courier-desk":
		return "寄递服务台"
	case strings.HasPrefix(id, "courier:"):
		return "快递公司"
	case id == "payment-wechat":
		return "微信支付"
	case id == "payment-alipay":
		return "支付宝"
	case strings.HasPrefix(id, "payment"):
		return "统一支付"
	}
	return "自动处理"
}

// EventLabel is the Chinese label of an event or staff action.
func EventLabel(name string) string {
	return map[string]string{
		"create": "创建办件", "submit": "提交申请", "accept": "受理", "request_supplement": "要求补正",
		"supply_supplement": "提交补正", "approve": "准予许可", "reject": "不予许可", "withdraw": "撤回",
		"pay": "缴费", "provide_material": "补齐容缺材料", "dispatch": "发放结果", "deliver": "送达",
		"start_verification": "开始办结核验", "record_verification": "记录核验结果", "tick": "时限检查",
		"start_special_procedure": "启动特别程序", "end_special_procedure": "特别程序结束", "transfer": "转办",
		"reveal_applicant": "查看申请人完整信息", "read_door_photo": "查看上门核验照片", "print_notice": "打印通知书",
		"clear_breach": "核查无误", "order_rectification": "责令限期整改", "rectify": "责令限期整改",
		"state_case": "申请人陈述申辩", "decide_breach": "整改结论", "collect_originals": "原件收取",
		"delivery_failed":   "投递失败",
		string(ActionClaim): "领取办件", string(ActionRelease): "退回队列",
		string(ActionHandOver): "移交同事", string(ActionReassign): "督办改派",
		"evaluation_link": "生成评价码", "evaluation_contact": "差评回访", "evaluation_verify": "差评核实",
		"evaluation_rectify": "差评整改", "evaluation_feedback": "整改反馈", "evaluation_appeal": "差评申诉",
		"evaluation_exclude": "复核剔除差评", "evaluation_uphold": "复核维持差评",
	}[name]
}

// ReasonNote is the Chinese reading of a machine reason the workflow
// records (a path, a timer's finding, an ending), or "" for free text.
func ReasonNote(reason string) string {
	if n := workflow.PathReason(reason).Note(); n != "" {
		return n
	}
	return map[string]string{
		"card": "监察亮牌", "start_verification": "开始办结核验", "verification_overdue": "办结核验超期",
		string(workflow.EndClosed): "办结", string(workflow.EndRejected): "不予许可", string(workflow.EndWithdrawn): "申请人撤回",
		string(workflow.EndSupplementOverdue): "逾期未补正，视为撤回", string(workflow.EndPromiseOverdue): "容缺材料逾期未补齐",
		string(workflow.EndVerificationFailed): "承诺不实，撤销审批决定", string(workflow.EndPromiseUnkept): "未履行承诺，撤销审批决定",
		string(workflow.BreachCheckFailed): "核验不通过，转人工审查", string(workflow.BreachPromiseUnkept): "容缺材料催告期满未补齐，转人工审查",
		"promise_reminder": "容缺材料逾期催告", "statement": "申请人陈述申辩", "rectification_period_ended": "整改期限届满",
		string(workflow.OutcomeCleared): "核查无误", string(workflow.OutcomeRectified): "整改到位",
		string(workflow.ProcedureHearing): "听证", string(workflow.ProcedureExpertReview): "专家评审",
		string(workflow.ProcedureInspection): "现场核查",
		string(workflow.OriginalsPickedUp):   "快递员已上门取得原件", string(workflow.OriginalsReceived): "原件已交回窗口",
		string(workflow.OriginalsFailed): "上门取件未成功",
	}[reason]
}

// MaterialNames are the names of an item's materials by code, and of the
// commitment letter, for the console to name what a code stands for.
func MaterialNames(it workflow.Item) map[string]string {
	out := map[string]string{workflow.LetterMaterial: workflow.LetterName}
	for _, m := range it.Materials {
		out[m.Code] = m.Name
	}
	return out
}
