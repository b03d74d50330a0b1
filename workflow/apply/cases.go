package apply

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
)

// Query picks a page of an applicant's cases.
type Query struct {
	// Status is one status to list, or "" for all.
	Status string
	// Cursor is the key where a previous page ended ("" for the first).
	Cursor string
	Limit  int
}

func badQuery(field, message string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrMalformed, "invalid_query", message).WithDetail(map[string]string{"field": field})
}

// Cases pages through the cases of the principals (a person and the
// businesses they act for), newest first.
func (s *Service) Cases(ctx context.Context, principals []string, q Query) (CasePage, error) {
	var status workflow.Status
	if q.Status != "" {
		var err error
		if status, err = workflow.ParseStatus(q.Status); err != nil {
			return CasePage{}, badQuery("status", "status 不是有效的办件状态")
		}
	}
	if len(q.Cursor) > 128 {
		return CasePage{}, workflow.ErrBadCursor
	}
	page, err := s.cfg.Index.CasesOfApplicants(ctx, principals, status, q.Cursor, q.Limit)
	if errors.Is(err, workflow.ErrInvalidInput) || errors.Is(err, workflow.ErrBadCursor) {
		return CasePage{}, workflow.ErrBadCursor
	}
	return page, err
}

// Need is one thing the applicant has to do on a case.
type Need struct {
	Kind     string     `json:"kind"` // submit, pay, supplement, promised_material, evaluate
	Material string     `json:"material,omitempty"`
	Due      *time.Time `json:"due,omitempty"`
	Note     string     `json:"note"`
}

// TimelineEntry is one event of a case's history as the applicant sees
// it: who (an opaque actor id, never personal data), what and when.
type TimelineEntry struct {
	Seq    int64           `json:"seq"`
	Event  string          `json:"event"`
	Label  string          `json:"label"`
	Actor  workflow.Actor  `json:"actor"`
	At     time.Time       `json:"at"`
	From   workflow.Status `json:"from,omitempty"`
	To     workflow.Status `json:"to"`
	Reason string          `json:"reason,omitempty"`
}

var eventLabels = map[string]string{
	"create": "创建申请", "submit": "提交申请", "accept": "受理", "request_supplement": "要求补正",
	"supply_supplement": "提交补正材料", "approve": "批准", "reject": "不予许可", "withdraw": "撤回",
	"pay": "缴费", "provide_material": "补齐容缺材料", "dispatch": "发放结果", "deliver": "送达",
	"start_verification": "开始办结核验", "record_verification": "核验", "tick": "时限处理",
	"clear_breach": "核查无误，继续办理", "order_rectification": "责令限期整改", "state_case": "陈述申辩",
	"decide_breach": "整改审查决定",
}

// Timeline returns a case's history, oldest first.
func (s *Service) Timeline(ctx context.Context, cs workflow.Case) ([]TimelineEntry, error) {
	evs, err := s.cfg.Cases.History(ctx, cs.ID)
	if err != nil {
		return nil, err
	}
	items := make([]TimelineEntry, 0, len(evs))
	for _, e := range evs {
		label := eventLabels[e.Name]
		if label == "" {
			label = e.Name
		}
		// The applicant sees who acted by kind; staff and courier account
		// ids stay with the department.
		who := workflow.Actor{Kind: e.Actor.Kind}
		if e.Actor.Kind == workflow.ActorCitizen {
			who.ID = e.Actor.ID
		}
		items = append(items, TimelineEntry{Seq: e.Seq, Event: e.Name, Label: label, Actor: who, At: e.At,
			From: e.From, To: e.To, Reason: e.Reason})
	}
	return items, nil
}

// maxNote bounds the applicant's notes and reasons.
const maxNote = 500

// MaterialRef names an upload handed in for a material.
type MaterialRef struct {
	Code     string `json:"code"`
	UploadID string `json:"upload_id"`
}

// Supplement hands in the correction a clerk asked for (补正).
func (s *Service) Supplement(ctx context.Context, cs workflow.Case, note string, refs []MaterialRef, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	if utf8.RuneCountInString(note) > maxNote || len(refs) > 50 {
		return workflow.Case{}, invalid("too_long", "补正说明或材料过多", nil)
	}
	ev := workflow.SupplySupplement{Meta: workflow.Meta{Actor: actor(cs), At: s.cfg.Now()}, Note: note}
	for _, m := range refs {
		pm, err := s.uploaded(ctx, cs, m.Code, m.UploadID)
		if err != nil {
			return workflow.Case{}, err
		}
		ev.Materials = append(ev.Materials, pm)
	}
	return s.cfg.Cases.Do(ctx, cs.ID, ev, idem)
}

// ProvideMaterial hands in a material promised for later (容缺).
func (s *Service) ProvideMaterial(ctx context.Context, cs workflow.Case, code, uploadID string, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	pm, err := s.uploaded(ctx, cs, code, uploadID)
	if err != nil {
		return workflow.Case{}, err
	}
	return s.cfg.Cases.Do(ctx, cs.ID, workflow.ProvideMaterial{Meta: workflow.Meta{Actor: actor(cs), At: s.cfg.Now()}, Material: pm}, idem)
}

// StateCase hands in the applicant's statement (陈述申辩) during a
// rectification period, with uploads of the case's materials (the
// original that was in doubt, a certificate).
func (s *Service) StateCase(ctx context.Context, cs workflow.Case, text string, refs []MaterialRef, final bool, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	if len(refs) > 20 {
		return workflow.Case{}, invalid("too_long", "附件至多 20 份", nil)
	}
	ev := workflow.StateCase{Meta: workflow.Meta{Actor: actor(cs), At: s.cfg.Now()}, Text: text, Final: final}
	for _, m := range refs {
		pm, err := s.uploaded(ctx, cs, m.Code, m.UploadID)
		if err != nil {
			return workflow.Case{}, err
		}
		ev.Attachments = append(ev.Attachments, pm)
	}
	return s.cfg.Cases.Do(ctx, cs.ID, ev, idem)
}

// Withdraw takes an application back before a decision; a paid fee is
// refunded (the workflow's RefundFee effect).
func (s *Service) Withdraw(ctx context.Context, cs workflow.Case, reason string, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	if utf8.RuneCountInString(reason) > maxNote {
		return workflow.Case{}, invalid("too_long", "撤回理由过长", nil)
	}
	return s.cfg.Cases.Do(ctx, cs.ID, workflow.Withdraw{Meta: workflow.Meta{Actor: actor(cs), At: s.cfg.Now()}, Reason: reason}, idem)
}

// Licences returns the licences the e-license library issued for the case.
func (s *Service) Licences(ctx context.Context, cs workflow.Case) ([]Licence, error) {
	if cs.Terms.ResultLicence == "" {
		return nil, workflow.Refuse(workflow.ErrNotFound, "no_result_licence", "该事项的办理结果不是电子证照")
	}
	principal, err := s.cfg.Store.Get(ctx, cs.ApplicantID)
	if err != nil {
		return nil, err
	}
	all, err := s.cfg.Licences.Licences(ctx, principal.IDNumber, cs.Terms.ResultLicence)
	if err != nil {
		return nil, err
	}
	out := []Licence{}
	for _, l := range all {
		if l.CaseNumber == cs.Number {
			out = append(out, l)
		}
	}
	return out, nil
}

// LicenceFile returns a result licence of the case and its file.
func (s *Service) LicenceFile(ctx context.Context, cs workflow.Case, licenceID string) (Licence, []byte, error) {
	ls, err := s.Licences(ctx, cs)
	if err != nil {
		return Licence{}, nil, err
	}
	for _, l := range ls {
		if l.ID == licenceID {
			b, err := s.cfg.Licences.File(ctx, l.ID)
			return l, b, err
		}
	}
	return Licence{}, nil, workflow.Refuse(workflow.ErrNotFound, "licence_not_found", "未找到该证照")
}
