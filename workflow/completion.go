package workflow

// provideMaterial hands in a promised material. During the verification
// on completion it may be the last thing missing, which closes the case.
func provideMaterial(s *step, ev ProvideMaterial) error {
	c := s.c
	p := ev.Material
	m := c.material(p.Code)
	if m == nil || !m.Outstanding() {
		return invalid("material.code", "material "+p.Code+" is not an outstanding promise", "该材料不在待补齐的容缺材料中")
	}
	it, err := s.item()
	if err != nil {
		return err
	}
	if err := checkProvided(it, "material", p); err != nil {
		return err
	}
	c.supply([]ProvidedMaterial{p}, s.at)
	if s.from == StatusVerifying {
		s.settle()
	}
	return nil
}

// dispatch sends the result out. A courier delivery goes to delivering;
// an electronic result or one handed over at the counter goes straight to
// the verification on completion (or closes when nothing needs checking).
// Fees must be paid first.
func dispatch(s *step, ev Dispatch) error {
	c := s.c
	if c.Terms.FeeFen > 0 && c.Payment == nil {
		return invalid("payment", "fees are not paid", "请先缴纳费用")
	}
	s.reason = ev.Note
	if c.Delivery.Method == DeliveryCourier {
		s.to = StatusDelivering
		s.effects = append(s.effects, OrderCourierDelivery{
			CaseID: c.ID, Number: c.Number, ApplicantID: c.ApplicantID, Department: c.Department,
			AddressRef: c.Delivery.AddressRef, Checklist: c.toVerify(),
		})
		s.notify(TplResultDispatched, nil)
		return nil
	}
	s.notify(TplResultIssued, map[string]string{"method": string(c.Delivery.Method)})
	s.beginVerification()
	return nil
}

// deliver records the courier's handover and the checks made at the door.
// The timer then starts the verification on completion.
func deliver(s *step, ev Deliver) error {
	if err := s.addResults(ev.Results); err != nil {
		return err
	}
	s.to = StatusDelivered
	s.reason = ev.Waybill
	s.notify(TplResultDelivered, nil)
	return nil
}

// startVerification starts the verification on completion of a delivered case.
func startVerification(s *step, _ StartVerification) error {
	s.beginVerification()
	return nil
}

// recordVerification records checks of originals; a failed one revokes the
// decision, the last passing one closes the case.
func recordVerification(s *step, ev RecordVerification) error {
	if len(ev.Results) == 0 {
		return invalid("results", "no results", "请填写核验结果")
	}
	if err := s.addResults(ev.Results); err != nil {
		return err
	}
	s.settle()
	return nil
}
