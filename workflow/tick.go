package workflow

import (
	"fmt"
	"time"
)

// tick does what fell due by the tick's time, the weightiest first, one
// thing per tick (the next tick does the next):
//   - a correction period ran out: the application is deemed withdrawn;
//   - a promised material did not come: before the decision the case is
//     terminated; after it the applicant is reminded with a last period,
//     and when that ends too a clerk reviews the case (breach.go);
//   - a delivered case starts its verification on completion;
//   - a verification period ran out: the case is flagged overdue (red card);
//   - otherwise a card threshold passed, which finish turns into the card.
func tick(s *step, _ Tick) error {
	c := s.c
	if c.NextTimerAt.IsZero() || s.at.Before(c.NextTimerAt) {
		return fmt.Errorf("%w: next timer at %s", ErrNotDue, c.NextTimerAt.Format(time.RFC3339))
	}
	if c.Status == StatusSupplementRequested && c.Supplement != nil && s.at.After(c.Supplement.DueAt) {
		reason := "逾期未补正，视为撤回申请"
		s.to = StatusWithdrawn
		s.end(EndSupplementOverdue, reason)
		s.terminate(reason)
		return nil
	}
	if c.Status == StatusCommitmentReview || c.Status == StatusRectifying {
		s.reason = "card"
		if r := c.Breach.Rectification; r != nil && s.at.After(r.DueAt) && !c.NextTimerAt.After(r.DueAt.Add(time.Second)) {
			// The period is over: the clerk must decide; supervisors see it.
			s.reason = "rectification_period_ended"
			s.effects = append(s.effects, WarnSupervisor{CaseID: c.ID, Number: c.Number, Department: c.Department,
				Card: c.Card, Deadline: c.Breach.Clock.Deadline, Reason: "rectification_period_ended"})
		}
		return nil
	}
	if m, ok := overduePromise(*c, s.at); ok {
		switch c.Status {
		case StatusAccepted, StatusSupplementRequested, StatusSpecialProcedure:
			reason := "容缺材料（" + m.Code + "）逾期未补齐，终止办理"
			s.to = StatusWithdrawn
			s.end(EndPromiseOverdue, reason)
			s.terminate(reason)
		default:
			// After the decision a late material is not a lie: a reminder
			// gives a last period, then a clerk reviews (breach.go).
			if m.RemindedAt.IsZero() {
				s.remindPromise(c.material(m.Code))
				return nil
			}
			if c.Status == StatusDelivering {
				s.reason = "card" // reviewed once delivered (nextTimer)
				return nil
			}
			s.openBreach(Breach{Kind: BreachPromiseUnkept, Material: m.Code, FoundBy: s.actor,
				Note: "容缺材料逾期未补齐（催告期限届满）"})
		}
		return nil
	}
	switch {
	case c.Status == StatusDelivered:
		s.reason = "start_verification"
		s.beginVerification()
	case c.Status == StatusVerifying && !c.Verification.Overdue && s.at.After(c.Verification.DueAt):
		s.reason = "verification_overdue"
		c.Verification.Overdue = true
	default:
		s.reason = "card"
	}
	return nil
}

func overduePromise(c Case, at time.Time) (CaseMaterial, bool) {
	for _, m := range c.Outstanding() {
		if at.After(m.Due()) {
			return m, true
		}
	}
	return CaseMaterial{}, false
}
