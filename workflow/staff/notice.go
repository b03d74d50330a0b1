package staff

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zerovisit/workflow"
)

// NoticeKind names a written notice the department gives the applicant.
type NoticeKind string

// Notices (《行政许可法》第三十二条、第三十八条): acceptance, the one-time
// notice of what to correct, refusal before acceptance, and the decisions.
const (
	NoticeAccepted    NoticeKind = "accepted"     // 受理通知书
	NoticeSupplement  NoticeKind = "supplement"   // 一次性告知补正材料通知书
	NoticeNotAccepted NoticeKind = "not_accepted" // 不予受理通知书
	NoticeApproved    NoticeKind = "approved"     // 准予行政许可决定书
	NoticeRefused     NoticeKind = "refused"      // 不予行政许可决定书
)

// Notice is a notice ready to print: who gives it, about which case, what
// it says and on what basis, and the evaluation stage its QR code rates.
type Notice struct {
	Kind       NoticeKind `json:"kind"`
	Title      string     `json:"title"`
	DocNumber  string     `json:"doc_number"`
	CaseID     string     `json:"case_id"`
	CaseNumber string     `json:"case_number"`
	ItemName   string     `json:"item_name"`
	Department string     `json:"department"`
	// DepartmentCode is the department's unified social credit code (the
	// head of the item's 实施编码), empty for items without one.
	DepartmentCode string    `json:"department_code,omitempty"`
	IssuedAt       time.Time `json:"issued_at"`
	Paragraphs     []string  `json:"paragraphs"`
	Items          []string  `json:"items,omitempty"`
	LegalBasis     string    `json:"legal_basis"`
	// Remedy is how to challenge an adverse decision (救济途径).
	Remedy string `json:"remedy,omitempty"`
	// Stage is the evaluation stage (feedback) the notice invites: accept
	// or result.
	Stage string `json:"stage"`
}

const remedy = "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。"

// Notices lists the notices a case can be given now, in the order they
// arise.
func Notices(cs workflow.Case) []NoticeKind {
	var out []NoticeKind
	if cs.SLA.Started() {
		out = append(out, NoticeAccepted)
	}
	if cs.Supplement != nil {
		out = append(out, NoticeSupplement)
	}
	if d := cs.Decision; d != nil {
		switch {
		case d.Approved:
			out = append(out, NoticeApproved)
		case cs.SLA.Started():
			out = append(out, NoticeRefused)
		default:
			out = append(out, NoticeNotAccepted)
		}
	}
	return out
}

// Notice returns a notice of a case of the caller's department, worded
// from the case's record; a notice the case cannot be given (not yet
// accepted, say) is refused. Each one made is written to the case's staff
// log.
func (s *Service) Notice(ctx context.Context, who Caller, caseID string, kind NoticeKind) (Notice, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return Notice{}, err
	}
	found := false
	for _, k := range Notices(cs) {
		found = found || k == kind
	}
	if !found {
		return Notice{}, refuse(workflow.ErrConflict, "notice_not_applicable", "该办件当前不能出具此通知书", field("kind"))
	}
	names := map[string]string{}
	if it, err := s.cfg.Engine.Catalogue().Lookup(cs.ItemCode); err == nil {
		for _, m := range it.Materials {
			names[m.Code] = m.Name
		}
	}
	n := wordNotice(cs, kind, names)
	if err := s.cfg.Store.LogAccess(ctx, cs.ID, who.ID, ActionPrintNotice, s.cfg.Now(), map[string]string{"kind": string(kind)}); err != nil {
		return Notice{}, err
	}
	return n, nil
}

func wordNotice(cs workflow.Case, kind NoticeKind, names map[string]string) Notice {
	t := cs.Terms
	n := Notice{Kind: kind, CaseID: cs.ID, CaseNumber: cs.Number, ItemName: t.ItemName, Department: t.DepartmentName, Stage: "result"}
	if len(t.ImplCode) >= 18 {
		n.DepartmentCode = t.ImplCode[:18]
	}
	applied := "你（单位）于" + day(cs.SubmittedAt) + "提出的“" + t.ItemName + "”申请（办件号 " + cs.Number + "）"
	switch kind {
	case NoticeAccepted:
		n.Title, n.IssuedAt, n.Stage = "受理通知书", cs.SLA.StartedAt, "accept"
		n.LegalBasis = "《中华人民共和国行政许可法》第三十二条"
		n.Paragraphs = []string{applied + "，经审查，申请事项属于本机关职权范围，申请材料齐全、符合法定形式，根据" + n.LegalBasis + "的规定，决定予以受理。",
			"本机关将于" + day(cs.SLA.Deadline) + "前作出决定（特别程序所需时间不计算在内）。"}
		if cs.TrustFirst {
			n.Paragraphs = append(n.Paragraphs, "本事项实行告知承诺制。你（单位）已作出书面承诺，本机关将在办结时对承诺内容进行核验；承诺不实的，将依法撤销审批决定并记入信用记录。")
		}
	case NoticeSupplement:
		sr := cs.Supplement
		n.Title, n.IssuedAt = "一次性告知补正材料通知书", sr.RequestedAt
		n.LegalBasis = "《中华人民共和国行政许可法》第三十二条第一款第（四）项"
		n.Paragraphs = []string{applied + "，申请材料不齐全或者不符合法定形式。根据" + n.LegalBasis + "的规定，现一次性告知你（单位）需要补正的全部内容如下：",
			"请于" + day(sr.DueAt) + "前补正。逾期未补正的，视为撤回申请。"}
		for _, it := range sr.Items {
			label := "（其他事项）"
			if it.Material != "" {
				label = "“" + names[it.Material] + "”"
				if names[it.Material] == "" {
					label = it.Material
				}
			}
			n.Items = append(n.Items, strings.TrimSpace(label+"："+it.Reason))
		}
	case NoticeNotAccepted, NoticeRefused:
		d := cs.Decision
		n.IssuedAt, n.LegalBasis, n.Remedy = d.At, d.LegalBasis, remedy
		n.Title, n.Paragraphs = "不予行政许可决定书", []string{applied + "，经审查，" + d.Opinion + "。根据" + d.LegalBasis + "的规定，决定不予行政许可。"}
		if kind == NoticeNotAccepted {
			n.Title, n.Paragraphs = "不予受理通知书", []string{applied + "，经审查，" + d.Opinion + "。根据" + d.LegalBasis + "的规定，决定不予受理。"}
		}
	case NoticeApproved:
		d := cs.Decision
		n.Title, n.IssuedAt = "准予行政许可决定书", d.At
		n.LegalBasis = "《中华人民共和国行政许可法》第三十八条第一款"
		n.Paragraphs = []string{applied + "，经审查，符合法定条件、标准，根据" + n.LegalBasis + "的规定，决定准予行政许可。"}
		if d.Opinion != "" {
			n.Paragraphs = append(n.Paragraphs, "审查意见："+d.Opinion+"。")
		}
	}
	n.DocNumber = fmt.Sprintf("%s〔%d〕%s号", docPrefix(kind), workflow.DateOf(n.IssuedAt).Year, tail(cs.Number, 6))
	return n
}

func docPrefix(k NoticeKind) string {
	return map[NoticeKind]string{NoticeAccepted: "受字", NoticeSupplement: "补字", NoticeNotAccepted: "不受字",
		NoticeApproved: "准许字", NoticeRefused: "不许字"}[k]
}

func day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := workflow.DateOf(t)
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
