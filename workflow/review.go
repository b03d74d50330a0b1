package workflow

import (
	"fmt"
	"strconv"
)

// accept is a clerk accepting an ordinary-path case: the clock starts.
func accept(s *step, ev Accept) error {
	s.to = StatusAccepted
	s.reason = ev.Note
	s.startClock()
	s.acceptEffects()
	return nil
}

// requestSupplement asks for a correction and pauses the clock. The
// applicant has the item's supplement days to answer.
func requestSupplement(s *step, ev RequestSupplement) error {
	c := s.c
	if len(ev.Items) == 0 {
		return invalid("items", "nothing requested", "请列明需要补正的内容")
	}
	it, err := s.item()
	if err != nil {
		return err
	}
	for i, r := range ev.Items {
		field := fmt.Sprintf("items[%d]", i)
		if r.Reason == "" {
			return invalid(field, "reason is empty", "请说明补正原因")
		}
		m, ok := it.Material(r.Material)
		if r.Material != "" && !ok {
			return invalid(field, fmt.Sprintf("unknown material %q", r.Material), "材料"+r.Material+"不属于该事项")
		}
		if cm := c.material(r.Material); r.Material != "" && cm != nil && cm.HeldByLibrary() {
			return errMaterialHeld(m.Name, r.Material)
		}
	}
	round := 1
	if c.Supplement != nil {
		round = c.Supplement.Round + 1
	}
	due := s.e.cal.AddWorkingDays(s.at, c.Terms.SupplementDays)
	c.Supplement = &SupplementRequest{
		Round: round, Items: append([]SupplementItem(nil), ev.Items...), Note: ev.Note,
		By: s.actor, RequestedAt: s.at, DueAt: due,
	}
	c.SLA = c.SLA.Pause(s.at, "supplement")
	s.to = StatusSupplementRequested
	s.reason = ev.Note
	s.notify(TplSupplementRequested, map[string]string{
		"due": DateOf(due).String(), "count": strconv.Itoa(len(ev.Items)),
	})
	return nil
}

// supplySupplement hands in the correction: exactly the materials
// requested (each of them, and nothing else), never an upload in place of
// a material the libraries hold. The clock resumes.
func supplySupplement(s *step, ev SupplySupplement) error {
	c := s.c
	it, err := s.item()
	if err != nil {
		return err
	}
	asked := make(map[string]bool)
	for _, r := range c.Supplement.Items {
		asked[r.Material] = r.Material != ""
	}
	given := make(map[string]bool)
	for i, p := range ev.Materials {
		if err := checkProvided(it, fmt.Sprintf("materials[%d]", i), p); err != nil {
			return err
		}
		m, _ := it.Material(p.Code)
		if !asked[p.Code] {
			return Refuse(ErrInvalidInput, "material_not_requested", "补正只能提交要求补正的材料："+m.Name+"不在本次补正要求中").
				WithDetail(map[string]string{"material": p.Code})
		}
		if cm := c.material(p.Code); cm != nil && cm.HeldByLibrary() && p.Source == SourceUpload {
			return errMaterialHeld(m.Name, p.Code)
		}
		given[p.Code] = true
	}
	for _, r := range c.Supplement.Items {
		if r.Material != "" && !given[r.Material] {
			m, _ := it.Material(r.Material)
			return invalid("materials", "requested material "+r.Material+" is missing", "缺少补正材料："+m.Name)
		}
	}
	if len(ev.Materials) == 0 && ev.Note == "" {
		return invalid("materials", "nothing supplied", "请提交补正材料或说明")
	}
	c.supply(ev.Materials, s.at)
	c.Supplement.SuppliedAt = s.at
	c.SLA = c.SLA.Resume(s.e.cal, s.at)
	s.to = StatusAccepted
	s.reason = ev.Note
	s.push()
	return nil
}

// errMaterialHeld refuses to have an upload stand in for a material the
// government libraries hold for the case.
func errMaterialHeld(name, code string) error {
	return Refuse(ErrInvalidInput, "material_held", name+"由政府部门数据库提供，不能以上传文件替换").
		WithDetail(map[string]string{"material": code})
}

// approve grants the application.
func approve(s *step, ev Approve) error {
	if err := s.requireOriginals(); err != nil {
		return err
	}
	s.to = StatusApproved
	opinion := ev.Opinion
	if opinion == "" {
		opinion = "准予许可"
	}
	s.reason = ev.Opinion
	s.approveWith(opinion, s.actor)
	return nil
}

// reject refuses the application, with its reason and legal basis.
func reject(s *step, ev Reject) error {
	switch {
	case ev.Reason == "":
		return invalid("reason", "is empty", "请填写不予许可的理由")
	case ev.LegalBasis == "":
		return invalid("legal_basis", "is empty", "请填写不予许可的法律依据")
	}
	c := s.c
	c.SLA = c.SLA.Stop(s.e.cal, s.at)
	c.Decision = &Decision{Opinion: ev.Reason, LegalBasis: ev.LegalBasis, By: s.actor, At: s.at}
	s.to = StatusRejected
	s.reason = ev.Reason
	s.end(EndRejected, ev.Reason)
	s.notify(TplRejected, map[string]string{"reason": ev.Reason, "legal_basis": ev.LegalBasis})
	s.refund()
	return nil
}

// withdraw is the applicant taking the application back before a decision.
// A draft just closes; a submitted case tells the applicant, refunds, and
// tells the department if it had the case.
func withdraw(s *step, ev Withdraw) error {
	s.to = StatusWithdrawn
	reason := ev.Reason
	if reason == "" {
		reason = "申请人撤回申请"
	}
	s.reason = ev.Reason
	s.end(EndWithdrawn, reason)
	if s.from == StatusDraft {
		return nil
	}
	s.terminate(reason)
	return nil
}

// terminate ends a case before its decision: the clock stops, the
// applicant is told, a paid fee refunded and the department told.
func (s *step) terminate(reason string) {
	c := s.c
	hadClock := c.SLA.Started()
	c.SLA = c.SLA.Stop(s.e.cal, s.at)
	s.notify(TplWithdrawn, map[string]string{"reason": reason})
	s.refund()
	if hadClock {
		s.push()
	}
}

// pay records the payment of the case's fees.
func pay(s *step, ev Pay) error {
	c := s.c
	switch {
	case c.Terms.FeeFen == 0:
		return invalid("amount_fen", "the item charges no fee", "该事项不收费")
	case c.Payment != nil:
		return fmt.Errorf("%w: fee already paid by trade %s", ErrDuplicate, c.Payment.TradeNo)
	case ev.Channel != ChannelWeChat && ev.Channel != ChannelAlipay:
		return invalid("channel", fmt.Sprintf("cannot pay through %q", ev.Channel), "支付渠道不正确")
	case ev.TradeNo == "":
		return invalid("trade_no", "is empty", "缺少支付交易号")
	case ev.AmountFen != c.Terms.FeeFen:
		return invalid("amount_fen", fmt.Sprintf("paid %d fen, due %d", ev.AmountFen, c.Terms.FeeFen), "支付金额与应缴金额不符")
	}
	c.Payment = &Payment{Channel: ev.Channel, TradeNo: ev.TradeNo, AmountFen: ev.AmountFen, PaidAt: s.at}
	return nil
}
