package handlers

import (
	"encoding/json"
	"regexp"
	"sort"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/staff"
)

// statusName is a state's Chinese name, as the console shows it.
func statusName(s workflow.Status) string {
	return map[workflow.Status]string{
		workflow.StatusDraft: "草稿", workflow.StatusSubmitted: "待受理", workflow.StatusAccepted: "审查中",
		workflow.StatusSupplementRequested: "待补正", workflow.StatusSpecialProcedure: "特别程序",
		workflow.StatusApproved: "已准予", workflow.StatusRejected: "不予许可", workflow.StatusDelivering: "送达中",
		workflow.StatusDelivered: "已送达", workflow.StatusVerifying: "办结核验", workflow.StatusClosed: "已办结",
		workflow.StatusRevoked: "已撤销", workflow.StatusWithdrawn: "已撤回",
		workflow.StatusCommitmentReview: "核验审查", workflow.StatusRectifying: "限期整改",
	}[s]
}

// claimView is a claim as a member of staff sees it.
type claimView struct {
	StaffID   string    `json:"staff_id"`
	StaffName string    `json:"staff_name,omitempty"`
	Mine      bool      `json:"mine"`
	ClaimedAt time.Time `json:"claimed_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

func viewClaim(cl *staff.Claim, me string) *claimView {
	if cl == nil {
		return nil
	}
	return &claimView{StaffID: cl.StaffID, Mine: cl.StaffID == me, ClaimedAt: cl.ClaimedAt, ExpiresAt: cl.ExpiresAt}
}

// caseSummary is a case in a queue. Cases hold no personal data, only the
// applicant's opaque id.
type caseSummary struct {
	ID             string                  `json:"id"`
	Number         string                  `json:"number"`
	ItemCode       string                  `json:"item_code"`
	ItemName       string                  `json:"item_name"`
	Department     string                  `json:"department"`
	Status         workflow.Status         `json:"status"`
	StatusName     string                  `json:"status_name"`
	Card           workflow.Card           `json:"card"`
	Deadline       time.Time               `json:"deadline,omitzero"`
	VerifyDue      time.Time               `json:"verify_due,omitzero"`
	RemainingDays  int                     `json:"remaining_days"`
	OverdueDays    int                     `json:"overdue_days"`
	ApplicantName  string                  `json:"applicant_name,omitempty"`
	TrustFirst     bool                    `json:"trust_first"`
	Priority       bool                    `json:"priority"`
	ApplicantType  workflow.ApplicantType  `json:"applicant_type"`
	Channel        workflow.Channel        `json:"channel"`
	Version        int64                   `json:"version"`
	SubmittedAt    time.Time               `json:"submitted_at,omitzero"`
	UpdatedAt      time.Time               `json:"updated_at"`
	Claim          *claimView              `json:"claim"`
	DeliveryMethod workflow.DeliveryMethod `json:"delivery_method,omitempty"`
}

// summarize is a case in a list; names are the names of claim holders.
func (h *Handler) summarize(cs workflow.Case, cl *staff.Claim, me string, names map[string]string) caseSummary {
	claim := viewClaim(cl, me)
	if claim != nil {
		claim.StaffName = names[claim.StaffID]
	}
	at := cs.ApplicantType
	if at == "" {
		at = workflow.ApplicantPerson
	}
	return caseSummary{
		ID: cs.ID, Number: cs.Number, ItemCode: cs.ItemCode, ItemName: cs.Terms.ItemName, Department: cs.Department,
		Status: cs.Status, StatusName: statusName(cs.Status), Card: cs.Card, Deadline: cs.Deadline,
		VerifyDue: cs.Verification.DueAt, RemainingDays: cs.SLA.Remaining(h.svc.Engine().Calendar(), h.staffNow()),
		OverdueDays: staff.OverdueDays(cs.SLA, h.svc.Engine().Calendar(), h.staffNow()),
		TrustFirst:  cs.TrustFirst, Priority: cs.Priority, ApplicantType: at, Channel: cs.Channel, Version: cs.Version,
		SubmittedAt: cs.SubmittedAt, UpdatedAt: cs.UpdatedAt, Claim: claim, DeliveryMethod: cs.Delivery.Method,
	}
}

// materialView is one material of a case with what the item says of it.
type materialView struct {
	Code               string              `json:"code"`
	Name               string              `json:"name"`
	Source             workflow.SourceKind `json:"source,omitempty"`
	Ref                string              `json:"ref,omitempty"`
	Core               bool                `json:"core"`
	VerifyOnCompletion bool                `json:"verify_on_completion"`
	ProvidedAt         time.Time           `json:"provided_at,omitzero"`
	Promised           bool                `json:"promised"`
	DueAt              time.Time           `json:"due_at,omitzero"`
	Preview            bool                `json:"preview"`
}

var blobKey = regexp.MustCompile(`^[0-9a-f]{64}$`)

// maskRef hides a reference that may be a resident ID number (a base-data
// material named by the applicant's number).
func maskRef(m workflow.CaseMaterial) string {
	if m.Source == workflow.SourceBaseData && len(m.Ref) == 18 {
		return ident.MaskResidentID(m.Ref)
	}
	return m.Ref
}

// caseDetail is a case as the console's detail page shows it.
type caseDetail struct {
	caseSummary
	PathNote    string `json:"path_note,omitempty"`
	ApplicantID string `json:"applicant_id"`
	// Assurance is how sure the product was of the submitting person
	// (身份核验等级), AssuranceNote the same in words; empty for cases
	// submitted before levels were recorded.
	Assurance     workflow.Assurance          `json:"assurance,omitempty"`
	AssuranceNote string                      `json:"assurance_note,omitempty"`
	Materials     []materialView              `json:"materials"`
	MaterialNames map[string]string           `json:"material_names"`
	Supplement    *workflow.SupplementRequest `json:"supplement,omitempty"`
	Special       *workflow.SpecialProcedure  `json:"special,omitempty"`
	Breach        *workflow.Breach            `json:"breach,omitempty"`
	Notices       []staff.NoticeKind          `json:"notices"`
	SLA           workflow.SLA                `json:"sla"`
	Decision      *workflow.Decision          `json:"decision,omitempty"`
	Verification  verificationView            `json:"verification"`
	Ending        *workflow.Ending            `json:"ending,omitempty"`
	Paid          bool                        `json:"paid"`
	FeeFen        int64                       `json:"fee_fen"`
	Actions       []string                    `json:"actions"`
}

type verificationView struct {
	Required []string                      `json:"required"`
	Pending  []string                      `json:"pending"`
	DueAt    time.Time                     `json:"due_at,omitzero"`
	Overdue  bool                          `json:"overdue"`
	Results  []workflow.VerificationResult `json:"results"`
}

func (h *Handler) detail(cs workflow.Case, cl *staff.Claim, who staff.Caller) caseDetail {
	d := caseDetail{
		caseSummary: h.summarize(cs, cl, who.ID, nil), PathNote: cs.PathNote, ApplicantID: cs.ApplicantID,
		Assurance: cs.Assurance, AssuranceNote: cs.Assurance.Note(),
		Supplement: cs.Supplement, Special: cs.Special, Breach: cs.Breach, Notices: orEmptyKinds(staff.Notices(cs)), SLA: cs.SLA, Decision: cs.Decision, Ending: cs.Ending,
		Paid: cs.Payment != nil, FeeFen: cs.Terms.FeeFen, Materials: []materialView{},
		Verification: verificationView{Required: orEmpty(cs.Verification.Required), Pending: orEmpty(cs.Verification.Pending()),
			DueAt: cs.Verification.DueAt, Overdue: cs.Verification.Overdue, Results: cs.Verification.Results},
	}
	if d.Verification.Results == nil {
		d.Verification.Results = []workflow.VerificationResult{}
	}
	it, _ := h.svc.Engine().Catalogue().Lookup(cs.ItemCode)
	d.MaterialNames = staff.MaterialNames(it)
	for _, m := range cs.Materials {
		im, _ := it.Material(m.Code)
		d.Materials = append(d.Materials, materialView{
			Code: m.Code, Name: im.Name, Source: m.Source, Ref: maskRef(m), Core: im.Core,
			VerifyOnCompletion: im.VerifyOnCompletion, ProvidedAt: m.ProvidedAt, Promised: m.Promised, DueAt: m.DueAt,
			Preview: m.Source == workflow.SourceUpload && blobKey.MatchString(m.Ref),
		})
	}
	if l, ok := cs.Letter(); ok {
		d.Materials = append(d.Materials, materialView{Code: l.Code, Name: workflow.LetterName, Source: l.Source,
			Ref: maskRef(l), ProvidedAt: l.ProvidedAt, Preview: blobKey.MatchString(l.Ref)})
	}
	d.Actions = staff.AllowedActions(cs, cl, who)
	return d
}

func orEmptyKinds(s []staff.NoticeKind) []staff.NoticeKind {
	if s == nil {
		return []staff.NoticeKind{}
	}
	return s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// timelineEntry is one line of a case's history: a workflow event or a
// staff action (claim, hand-over…), oldest first.
type timelineEntry struct {
	At    time.Time      `json:"at"`
	Kind  string         `json:"kind"` // event or staff
	Name  string         `json:"name"`
	Label string         `json:"label"`
	Actor workflow.Actor `json:"actor"`
	// ActorName is who acted, in words ("工作人员 王审批", "系统（微信支付）").
	ActorName string          `json:"actor_name"`
	From      workflow.Status `json:"from,omitempty"`
	To        workflow.Status `json:"to,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Note      string          `json:"note,omitempty"`
	Detail    map[string]any  `json:"detail,omitempty"`
	Hash      string          `json:"hash"`
}

// timeline merges a case's workflow events and staff log, oldest first.
func timeline(tl staff.Timeline, deps []workflow.Department) []timelineEntry {
	out := make([]timelineEntry, 0, len(tl.Events)+len(tl.Log))
	for _, e := range tl.Events {
		out = append(out, timelineEntry{At: e.At, Kind: "event", Name: e.Name, Label: staff.EventLabel(e.Name), Actor: e.Actor, ActorName: staff.ActorName(e.Actor, tl.Names, deps),
			From: e.From, To: e.To, Reason: e.Reason, Note: staff.ReasonNote(e.Reason), Hash: e.Hash})
	}
	for _, e := range tl.Log {
		var detail map[string]any
		_ = json.Unmarshal(e.Data, &detail)
		actor := workflow.Actor{Kind: workflow.ActorClerk, ID: e.StaffID}
		out = append(out, timelineEntry{At: e.At, Kind: "staff", Name: string(e.Action), Label: staff.EventLabel(string(e.Action)),
			Actor: actor, ActorName: staff.ActorName(actor, tl.Names, deps), Detail: detail, Hash: e.Hash})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
