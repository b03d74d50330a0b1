package workflow

import "fmt"

// submit sends a draft in on the path the trust-first rules choose:
// ordinary (submitted, waiting for a clerk), trust-first (accepted at once,
// the clock starts) or approve-on-commit (approved at once).
func submit(s *step, ev Submit) error {
	c := s.c
	it, err := s.item()
	if err != nil {
		return err
	}
	if !ev.Credit.Valid() {
		return invalid("credit", fmt.Sprintf("unknown credit status %q", ev.Credit), "信用状态不正确")
	}
	if ev.PriorFalseCommitments < 0 || ev.History.FalseCommitments < 0 {
		return invalid("prior_false_commitments", "is negative", "虚假承诺次数不正确")
	}
	if err := checkDelivery(it, ev.Delivery); err != nil {
		return err
	}
	if err := checkSignature(it, ev); err != nil {
		return err
	}
	if ev.Assurance != "" && !ev.Assurance.Valid() {
		return invalid("assurance", fmt.Sprintf("unknown assurance %q", ev.Assurance), "身份核验等级不正确")
	}
	if ev.Assurance != "" && ev.Delivery.Method == DeliveryCourier && !ev.Assurance.AtLeast(AssuranceVerifiedPerson) {
		// A result handed over at the door goes to whoever holds the
		// account: only to the person themselves.
		return ErrVerifiedPersonRequired.WithDetail(map[string]string{"field": "delivery"})
	}
	trust := DecideTrust(it, ev.Signature, ev.Credit, weighedFalseCommitments(ev)).WithAssurance(ev.Assurance)
	materials, err := s.e.checkMaterials(it, ev, trust)
	if err != nil {
		return err
	}

	c.Terms = termsOf(it)
	c.Department = it.Department
	c.Credit = ev.Credit
	c.Assurance = ev.Assurance
	c.Priority = trust.Priority
	c.TrustFirst = trust.TrustFirst
	c.PathReason, c.PathNote = trust.Reason, trust.Reason.Note()
	c.Signature = clonePtr(ev.Signature)
	c.Delivery = ev.Delivery
	c.Materials = materials
	c.SubmittedAt = s.at
	s.reason = string(trust.Reason)

	if !trust.TrustFirst {
		s.to = StatusSubmitted
		s.notify(TplSubmitted, map[string]string{"path": trust.Reason.Note()})
		return nil
	}
	s.startClock()
	if !trust.ApproveOnCommit {
		s.to = StatusAccepted
		s.acceptEffects()
		return nil
	}
	s.to = StatusApproved
	s.push()
	s.orderPickup()
	s.approveWith("承诺即办", Actor{Kind: ActorSystem, ID: "approve-on-commit"})
	return nil
}

func checkDelivery(it Item, d Delivery) error {
	switch {
	case !d.Method.Valid():
		return invalid("delivery.method", fmt.Sprintf("unknown method %q", d.Method), "送达方式不正确")
	case !it.Offers(d.Method):
		return invalid("delivery.method", fmt.Sprintf("item %s does not offer %s", it.Code, d.Method), "该事项不支持所选送达方式")
	case d.Method == DeliveryCourier && d.AddressRef == "":
		return invalid("delivery.address_ref", "courier delivery needs an address", "邮寄送达须填写收件地址")
	case it.NeedsOriginalsPickup && d.AddressRef == "":
		return invalid("delivery.address_ref", "originals are collected by courier: an address is needed", "该事项须快递上门收取材料原件，请填写地址")
	}
	return nil
}

// checkSignature refuses a malformed signature, and a signature of the
// current template version whose text hash is not that template's: the
// applicant was shown altered wording.
func checkSignature(it Item, ev Submit) error {
	sig := ev.Signature
	if sig == nil {
		return nil
	}
	switch {
	case sig.TemplateVersion == "":
		return invalid("signature.template_version", "is empty", "承诺书版本缺失")
	case sig.TextHash == "":
		return invalid("signature.text_hash", "is empty", "承诺书摘要缺失")
	case sig.SignedAt.IsZero() || sig.SignedAt.After(ev.At):
		return invalid("signature.signed_at", "is zero or after the submission", "签署时间不正确")
	case !sig.Channel.Valid():
		return invalid("signature.channel", fmt.Sprintf("unknown channel %q", sig.Channel), "签署渠道不正确")
	case sig.Channel == ChannelCounter && !isBlobKey(sig.Letter):
		return invalid("signature.letter", "a counter signature needs the key of the scanned signed letter",
			"窗口签署须附申请人签字的告知承诺书扫描件")
	case sig.Channel != ChannelCounter && sig.Letter != "":
		return invalid("signature.letter", "only a counter signature carries a scanned letter", "仅窗口签署附告知承诺书扫描件")
	case it.TrustFirst && sig.TemplateVersion == it.Commitment.TemplateVersion &&
		sig.TextHash != it.Commitment.TextHash:
		return invalid("signature.text_hash", "does not match the commitment template "+sig.TemplateVersion,
			"所签承诺书内容与现行版本不一致")
	}
	return nil
}

// isBlobKey reports whether s has the form of a stored file's key: 64
// lower-case hex digits (SHA-256).
func isBlobKey(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// item returns the case's item from the catalogue.
func (s *step) item() (Item, error) {
	it, err := s.e.cat.Lookup(s.c.ItemCode)
	if err != nil {
		return Item{}, invalid("item_code", fmt.Sprintf("item %q is not in the catalogue", s.c.ItemCode), "办理事项已停止办理")
	}
	return it, nil
}

func (s *step) startClock() {
	s.c.SLA = s.c.SLA.Start(s.e.cal, s.at, s.c.Terms.PromisedDays, s.c.Terms.YellowDays)
}

// acceptEffects are the effects of an acceptance, on either path.
func (s *step) acceptEffects() {
	s.notify(TplAccepted, map[string]string{"deadline": DateOf(s.c.SLA.Deadline).String()})
	s.push()
	s.orderPickup()
}

// approveWith records an approval by `by`, stops the clock and issues the result.
func (s *step) approveWith(opinion string, by Actor) {
	c := s.c
	c.SLA = c.SLA.Stop(s.e.cal, s.at)
	c.Decision = &Decision{Approved: true, Opinion: opinion, By: by, At: s.at}
	s.notify(TplApproved, nil)
	if c.Terms.ResultLicence != "" {
		s.effects = append(s.effects, IssueLicence{
			CaseID: c.ID, Number: c.Number, ItemCode: c.ItemCode, Department: c.Department,
			LicenceType: c.Terms.ResultLicence, HolderID: c.ApplicantID,
		})
	}
}

func (s *step) notify(tpl string, params map[string]string) {
	p := map[string]string{"number": s.c.Number, "item": s.c.Terms.ItemName}
	for k, v := range params {
		p[k] = v
	}
	s.effects = append(s.effects, NotifyApplicant{
		CaseID: s.c.ID, Number: s.c.Number, ApplicantID: s.c.ApplicantID, Template: tpl, Params: p,
	})
}

func (s *step) push() {
	c := s.c
	s.effects = append(s.effects, PushDepartment{
		CaseID: c.ID, Number: c.Number, ItemCode: c.ItemCode, Department: c.Department,
		Version: c.Version, Status: s.to,
	})
}

// orderPickup orders a courier for the uploaded materials' originals when
// the item needs them in hand.
func (s *step) orderPickup() {
	c := s.c
	if !c.Terms.NeedsOriginalsPickup {
		return
	}
	var codes []string
	for _, m := range c.Materials {
		if m.Source == SourceUpload {
			codes = append(codes, m.Code)
		}
	}
	s.effects = append(s.effects, OrderCourierPickup{
		CaseID: c.ID, Number: c.Number, ApplicantID: c.ApplicantID, Department: c.Department,
		AddressRef: c.Delivery.AddressRef, Materials: codes,
	})
}

func (s *step) end(code EndCode, reason string) {
	s.c.Ending = &Ending{Code: code, Reason: reason, At: s.at}
	if s.reason == "" {
		s.reason = string(code)
	}
}

// refund refunds a paid fee.
func (s *step) refund() {
	if p := s.c.Payment; p != nil {
		s.effects = append(s.effects, RefundFee{
			CaseID: s.c.ID, Number: s.c.Number, Channel: p.Channel, TradeNo: p.TradeNo, AmountFen: p.AmountFen,
		})
	}
}
