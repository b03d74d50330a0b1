package province

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"zerovisit/workflow"
)

// Value sets of the platform's code tables used by the rows.
const (
	// 申请类型 (apply_type).
	ApplyCounter = "1" // 窗口申请
	ApplyWeb     = "2" // 网上申请（门户网站）
	ApplyMobile  = "3" // 移动端申请（小程序）
	// 办理类型 (project_type): 即办件 and 承诺件.
	ProjectImmediate = "1"
	ProjectPromised  = "2"
	// 申请人类型 (applyer_type).
	ApplicantPerson   = "1" // 自然人
	ApplicantBusiness = "2" // 法人及其他组织
	// 证件类型 (applyer_page_type), GA/T 517 for personal documents.
	IDResident        = "111" // 居民身份证
	IDForeignResident = "553" // 外国人永久居留身份证
	IDCreditCode      = "001" // 统一社会信用代码
	// 办结结果 (result_type).
	ResultGranted   = "1" // 准予（出证）办结
	ResultRefused   = "2" // 不予许可、不予受理
	ResultWithdrawn = "3" // 撤回、视为撤回
	ResultRevoked   = "4" // 撤销
	// 收取方式 (get_type).
	GetElectronic = "1" // 电子材料（在线上传）
	GetLicence    = "2" // 电子证照库调取
	GetShared     = "3" // 数据共享（基础库）
	GetPromised   = "4" // 容缺后补
	GetPaper      = "5" // 纸质材料（快递收取原件）
	// 特别程序种类 (special_type).
	SpecialHearing    = "1" // 听证
	SpecialExpert     = "2" // 专家评审
	SpecialInspection = "3" // 现场核查、检验检测
	// 是否快递递送结果 (is_delivery_results).
	Yes = "1"
	No  = "0"
)

// Facts is what the rows of a case are built from: the case and its
// history, the national codes of its item, the accepting department and
// the applicant's identity. The caller gathers them from its stores.
type Facts struct {
	Case    workflow.Case
	History []workflow.EventRecord
	// Item and its national codes as the case was submitted under.
	ImplCode, BasicCode, ItemName string
	ItemVersion                   int
	// Materials names the item's materials by code.
	Materials map[string]string
	// Department is the accepting department's credit code and name.
	DepartmentCode, DepartmentName string
	// Applicant's name and ID number (resident ID or credit code).
	ApplicantName, ApplicantID string
	// LicenceName and LicenceNumber describe the result licence, if any.
	LicenceName, LicenceNumber string
	// DataSource is this system's code at the platform (数据来源).
	DataSource string
	// HandlerName names the person behind an actor (a clerk's name);
	// nil uses the actor's kind and ID.
	HandlerName func(workflow.Actor) string
	// Now is when the batch is assembled (cd_time).
	Now time.Time
}

// Reportable reports whether a case has rows for the platform yet: from
// submission on (a draft has none).
func Reportable(c workflow.Case) bool { return !c.SubmittedAt.IsZero() }

// Build returns the rows of a case at its reported data version: a
// process row for every step from submission on (the 网上申报 included),
// the acceptance row once the case is accepted or refused, a row per
// special procedure and per material, and the result row once decided or
// ended. Every row carries the batch's version, so the latest batch wins
// row by row.
func Build(f Facts) (Batch, error) {
	c := f.Case
	if !Reportable(c) {
		return Batch{}, fmt.Errorf("%w: case %s was never submitted", ErrInvalidReport, c.Number)
	}
	version := c.Version
	if c.Reported != nil {
		version = c.Reported.Version
	}
	b := Batch{ProjectNo: c.Number, DataVersion: version}
	sync := func(suffix string) Sync {
		op := OpUpdate
		if version <= 1 {
			op = OpInsert
		}
		return Sync{
			RowGUID: c.Number + ":" + suffix, Version: version, ProjectNo: c.Number, DataSource: f.DataSource,
			Operation: op, Batch: c.Number + ":" + strconv.FormatInt(version, 10), Time: f.Now,
		}
	}
	handler := f.HandlerName
	if handler == nil {
		handler = func(a workflow.Actor) string { return string(a.Kind) + ":" + a.ID }
	}
	var (
		prevAt     = c.SubmittedAt
		acceptedAt time.Time
		accepter   workflow.Actor
		specials   []Special
	)
	for _, e := range f.History {
		if !isStep(e) {
			continue
		}
		st := StepOf(workflow.EventName(e.Name))
		start := prevAt
		if start.IsZero() || start.After(e.At) {
			start = e.At
		}
		b.Process = append(b.Process, Process{
			Sync: sync("P" + strconv.FormatInt(e.Seq, 10)), ProcessName: st.Name, EventName: st.Action,
			StartTime: start, EndTime: e.At, Opinion: opinion(e, st), HandlerName: handler(e.Actor),
		})
		prevAt = e.At
		switch workflow.EventName(e.Name) {
		case workflow.EventAccept:
			acceptedAt, accepter = e.At, e.Actor
		case workflow.EventStartSpecialProcedure:
			var d workflow.StartSpecialProcedure
			_ = json.Unmarshal(e.Data, &d) // an unreadable body leaves the kind empty, which the check refuses
			specials = append(specials, Special{
				Sync: sync("S" + strconv.Itoa(len(specials)+1)), SpecialType: specialType(d.Kind), SpecialName: d.Kind.Name(),
				Reason: d.Reason, StartTime: e.At, EndTime: time.Time{}, HandlerName: handler(e.Actor),
			})
		case workflow.EventEndSpecialProcedure:
			if n := len(specials); n > 0 && specials[n-1].EndTime.IsZero() {
				var d workflow.EndSpecialProcedure
				_ = json.Unmarshal(e.Data, &d)
				specials[n-1].EndTime, specials[n-1].Outcome = e.At, d.Outcome
			}
		}
		if acceptedAt.IsZero() && (e.From == workflow.StatusSubmitted || e.From == workflow.StatusDraft) &&
			e.To != workflow.StatusSubmitted && e.To != workflow.StatusWithdrawn && e.To != workflow.StatusDraft {
			// Accepted on submission (trust first, 先行受理), approved at
			// once (承诺即办) or refused at acceptance (不予受理): that
			// step is the acceptance.
			acceptedAt, accepter = e.At, e.Actor
		}
	}
	for i := range specials {
		if specials[i].EndTime.IsZero() && c.Special != nil && i == len(specials)-1 {
			specials[i].EndTime = c.Special.DueAt // still running: the planned end
		}
	}
	b.Special = specials
	if !acceptedAt.IsZero() {
		b.Accept = []Accept{f.accept(sync("A"), acceptedAt, handler(accepter))}
	}
	for _, m := range c.Materials {
		name := f.Materials[m.Code]
		if name == "" {
			name = m.Code
		}
		b.Material = append(b.Material, Material{Sync: sync("M" + m.Code), MaterialName: name, GetType: getType(m), Remark: m.Note})
	}
	if r, ok := f.result(sync("R"), handler); ok {
		b.Result = []Result{r}
	}
	return b, nil
}

// isStep reports whether an event is a step of the case: not its creation,
// and not a tick that changed nothing.
func isStep(e workflow.EventRecord) bool {
	switch workflow.EventName(e.Name) {
	case workflow.EventCreate:
		return false
	case workflow.EventTick:
		return e.From != e.To
	}
	return true
}

func opinion(e workflow.EventRecord, st Step) string {
	if e.Reason != "" {
		return e.Reason
	}
	return st.Name
}

func (f Facts) accept(s Sync, at time.Time, handler string) Accept {
	c := f.Case
	a := Accept{
		Sync: s, TaskCode: f.ImplCode, CatalogCode: f.BasicCode, TaskName: f.ItemName, TaskVersion: f.ItemVersion,
		OrgCode: f.DepartmentCode, OrgName: f.DepartmentName, ApplyDate: c.SubmittedAt, AcceptDate: at,
		PromiseDate: c.Deadline, ApplyType: applyType(c.Channel), ProjectType: ProjectPromised,
		ApplicantName: f.ApplicantName, ApplicantIDNumber: f.ApplicantID, HandlerName: handler,
	}
	if c.Terms.PromisedDays == 0 || (c.TrustFirst && c.Decision != nil && c.Decision.At.Equal(at)) {
		a.ProjectType = ProjectImmediate
	}
	switch {
	case c.ApplicantType == workflow.ApplicantBusiness:
		a.ApplicantType, a.ApplicantIDType = ApplicantBusiness, IDCreditCode
	case len(f.ApplicantID) == 18 && f.ApplicantID[0] == '9':
		// The foreign permanent-residence ID issued since 2023 starts with 9.
		a.ApplicantType, a.ApplicantIDType = ApplicantPerson, IDForeignResident
	default:
		a.ApplicantType, a.ApplicantIDType = ApplicantPerson, IDResident
	}
	return a
}

func (f Facts) result(s Sync, handler func(workflow.Actor) string) (Result, bool) {
	c := f.Case
	r := Result{Sync: s, DeliveryByPost: No}
	if c.Delivery.Method == workflow.DeliveryCourier {
		r.DeliveryByPost = Yes
	}
	switch {
	case c.Status == workflow.StatusRevoked:
		r.ResultType, r.ResultDate = ResultRevoked, endAt(c)
	case c.Decision != nil && c.Decision.Approved:
		r.ResultType, r.ResultDate, r.Explain = ResultGranted, c.Decision.At, c.Decision.Opinion
		r.HandlerName = handler(c.Decision.By)
		r.LicenceName, r.LicenceNumber = f.LicenceName, f.LicenceNumber
	case c.Decision != nil:
		r.ResultType, r.ResultDate, r.Explain = ResultRefused, c.Decision.At, c.Decision.Opinion
		r.HandlerName = handler(c.Decision.By)
	case c.Status == workflow.StatusRejected:
		r.ResultType, r.ResultDate = ResultRefused, endAt(c)
	case c.Status == workflow.StatusWithdrawn:
		r.ResultType, r.ResultDate = ResultWithdrawn, endAt(c)
	default:
		return Result{}, false
	}
	if c.Ending != nil && r.Explain == "" {
		r.Explain = c.Ending.Reason
	}
	return r, true
}

func endAt(c workflow.Case) time.Time {
	if c.Ending != nil {
		return c.Ending.At
	}
	return c.UpdatedAt
}

func applyType(ch workflow.Channel) string {
	switch ch {
	case workflow.ChannelCounter:
		return ApplyCounter
	case workflow.ChannelWeb:
		return ApplyWeb
	}
	return ApplyMobile
}

func getType(m workflow.CaseMaterial) string {
	switch {
	case m.Promised && m.ProvidedAt.IsZero():
		return GetPromised
	case m.Source == workflow.SourceELicense:
		return GetLicence
	case m.Source == workflow.SourceBaseData:
		return GetShared
	}
	return GetElectronic
}

func specialType(k workflow.ProcedureKind) string {
	switch k {
	case workflow.ProcedureHearing:
		return SpecialHearing
	case workflow.ProcedureExpertReview:
		return SpecialExpert
	case workflow.ProcedureInspection:
		return SpecialInspection
	}
	return ""
}
