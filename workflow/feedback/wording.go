package feedback

import (
	"strings"

	"zerovisit/workflow"
)

// TplEvaluationInvitation is the inbox template of an invitation to
// evaluate a completed case (not a workflow effect: a citizen worker sends it).
const TplEvaluationInvitation = "evaluation_invitation"

// message is the wording of a notification.
type message struct {
	Title string
	Body  string
	// Phrase is the status in at most five characters, for message templates.
	Phrase string
}

// messageFor words a notification template with its parameters. Unknown
// templates (added to the workflow later) get a general wording, so the
// inbox never misses a message.
func messageFor(tpl string, p map[string]string) message {
	item, number := p["item"], p["number"]
	ref := "您申请的“" + item + "”（办件号 " + number + "）"
	switch tpl {
	case workflow.TplSubmitted:
		return message{"申请已提交", ref + "已提交，等待受理。" + p["path"], "已提交"}
	case workflow.TplAccepted:
		return message{"申请已受理", ref + "已受理，承诺办结日期 " + p["deadline"] + "。", "已受理"}
	case workflow.TplSupplementRequested:
		return message{"请补正材料", ref + "需要补正材料，请于 " + p["due"] + " 前提交，逾期视为撤回。", "待补正"}
	case workflow.TplApproved:
		return message{"审批通过", ref + "已批准。", "已批准"}
	case workflow.TplRejected:
		return message{"不予许可", ref + "不予许可。理由：" + p["reason"] + "；依据：" + p["legal_basis"] + "。", "不予许可"}
	case workflow.TplWithdrawn:
		return message{"申请已终止", ref + "已终止：" + p["reason"] + "。已缴费用将原路退回。", "已终止"}
	case workflow.TplResultDispatched:
		return message{"结果已寄出", ref + "的办理结果已交快递寄出，请注意查收。", "已寄出"}
	case workflow.TplResultIssued:
		return message{"结果已发放", ref + "的办理结果已发放。", "已发放"}
	case workflow.TplResultDelivered:
		return message{"结果已送达", ref + "的办理结果已送达。", "已送达"}
	case workflow.TplClosed:
		return message{"办件已办结", ref + "已办结，欢迎对本次服务作出评价。", "已办结"}
	case workflow.TplRevoked:
		return message{"审批决定已撤销", ref + "的审批决定已撤销：" + p["reason"], "已撤销"}
	case workflow.TplCommitmentReview:
		return message{"办结核验发现问题", ref + "在办结核验中发现“" + p["material"] + "”与承诺不符（" + p["note"] +
			"），工作人员将进行审查，审查前不会撤销审批决定。", "核验审查"}
	case workflow.TplRectificationOrdered:
		return message{"责令限期整改通知", ref + "需限期整改：" + p["reason"] + "（依据：" + p["legal_basis"] + "）。请于 " + p["due"] +
			" 前完成整改，期间可提交陈述、申辩意见及证明材料；逾期未整改的，将依法撤销审批决定。", "限期整改"}
	case workflow.TplCommitmentCleared:
		return message{"核查结论", ref + "经审查：" + p["finding"] + "。办件继续办理。", "审查通过"}
	case workflow.TplPromiseReminder:
		return message{"容缺材料催告", ref + "承诺补交的材料“" + p["material"] + "”已逾期，请于 " + p["due"] +
			" 前补交；逾期仍未补交的，工作人员将依法处理。", "催告补交"}
	case TplEvaluationInvitation:
		return message{"邀请您评价", ref + "已办结三天，诚邀您对本次办事服务作出评价（好差评）。", "待评价"}
	}
	return message{"办件有新进展", ref + "有新进展，请在小程序中查看。", "有进展"}
}

// templateData fills a channel message template: case number, item, status
// and a short note, each within the channel's field limits.
func templateData(msg message, p map[string]string) map[string]string {
	return map[string]string{
		"character_string1": numberTail(p["number"], 32),
		"thing2":            clip(p["item"], 20),
		"phrase3":           clip(msg.Phrase, 5),
		"thing4":            clip(msg.Title, 20),
	}
}

// numberTail fits a case number into a field of n characters that takes
// letters, digits and symbols only (WeChat's character_string, 32): a
// 办件编号 (实施编码 + date + sequence, 45 characters) keeps its end, the
// date and the sequence, which with the item named beside it tell the
// applicant which case it is; an ellipsis would not be accepted there.
func numberTail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
