package workflow

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Due process for a commitment in doubt (国办发〔2020〕42号 三、（四）: a
// commitment found not kept is first ordered rectified within a period
// (责令限期整改); only when it is still not met is the decision revoked
// (撤销), and a false commitment recorded. The applicant may state their
// case (陈述申辩) before that, as 《行政许可法》第三十六条 and
// 《行政处罚法》第四十五条 require before an adverse decision).
//
// A failed check of an original (at the door, by a library, by a clerk) or
// a promised material (容缺) still missing after its reminder period puts
// the case under review (StatusCommitmentReview) with the finding as a
// Breach. The clerk either clears it (a misunderstanding: the case goes on
// where it was) or orders rectification (StatusRectifying) with a period in
// working days, during which the applicant may answer with a statement and
// uploads. After the period the clerk decides: rectified (the case goes on)
// or revoked, recording a false commitment only on the clerk's finding.
// Every revocation follows an order to rectify and the applicant's chance
// to answer, and is decided by someone other than who ordered it.

// BreachKind says what put a commitment in doubt.
type BreachKind string

// Breach kinds.
const (
	// BreachCheckFailed is a check of an original that did not match the
	// commitment (办结核验不通过).
	BreachCheckFailed BreachKind = "check_failed"
	// BreachPromiseUnkept is a promised material (容缺) not handed in by the
	// end of the period the reminder gave.
	BreachPromiseUnkept BreachKind = "promise_missing"
)

// Due-process periods, in working days.
const (
	// reviewWorkingDays is how long a clerk has to review a breach, and to
	// decide once a rectification period has ended; the card turns yellow
	// reviewYellowDays before.
	reviewWorkingDays = 5
	reviewYellowDays  = 2
	// promiseGraceDays is the period a reminder gives for a late promised
	// material (限期补正).
	promiseGraceDays = 5
	// Rectification periods a clerk may order.
	minRectifyDays = 1
	maxRectifyDays = 30
	// maxStatements bounds the applicant's statements in one rectification.
	maxStatements = 5
	maxStatement  = 2000
)

// Breach is a commitment in doubt, awaiting a clerk.
type Breach struct {
	Kind     BreachKind `json:"kind"`
	Material string     `json:"material"`
	// Note and Evidence are the finding: what the checker wrote and what
	// they checked against (a photo's digest, a library record).
	Note     string    `json:"note,omitempty"`
	Evidence string    `json:"evidence,omitempty"`
	FoundBy  Actor     `json:"found_by"`
	FoundAt  time.Time `json:"found_at"`
	// From is the state the case returns to when the breach is cleared.
	From Status `json:"from"`
	// Clock is the clerk's: the review from FoundAt, the decision from the
	// end of the rectification period.
	Clock         SLA            `json:"clock"`
	Rectification *Rectification `json:"rectification,omitempty"`
	// Outcome and the fields after it are set when the clerk settled it.
	Outcome   BreachOutcome `json:"outcome,omitempty"`
	Finding   string        `json:"finding,omitempty"`
	SettledBy Actor         `json:"settled_by,omitzero"`
	SettledAt time.Time     `json:"settled_at,omitzero"`
}

// Rectification is an order to rectify within a period (责令限期整改) and
// the applicant's answers to it (陈述申辩).
type Rectification struct {
	Reason     string      `json:"reason"`
	LegalBasis string      `json:"legal_basis"`
	Days       int         `json:"days"`
	OrderedBy  Actor       `json:"ordered_by"`
	OrderedAt  time.Time   `json:"ordered_at"`
	DueAt      time.Time   `json:"due_at"`
	Statements []Statement `json:"statements,omitempty"`
}

// Statement is the applicant's statement of their case (陈述申辩), with
// uploads (the original, a certificate) as materials of the item.
type Statement struct {
	Text        string             `json:"text"`
	Attachments []ProvidedMaterial `json:"attachments,omitempty"`
	// Final is the applicant saying they have nothing more to state
	// (放弃继续陈述申辩): the clerk may then decide before the period ends.
	// Only the applicant's own word counts: their statement online, or a
	// clerk's record of one made at the counter with the applicant's signed
	// statement scanned (SignedScan); a clerk's word alone never shortens
	// the period.
	Final      bool      `json:"final,omitempty"`
	SignedScan string    `json:"signed_scan,omitempty"`
	By         Actor     `json:"by"`
	At         time.Time `json:"at"`
}

// heard reports whether the applicant has had their say: the period is
// over, or they said their statement was final.
func (r *Rectification) heard(at time.Time) bool {
	if at.After(r.DueAt) {
		return true
	}
	n := len(r.Statements)
	if n == 0 || !r.Statements[n-1].Final {
		return false
	}
	last := r.Statements[n-1]
	return last.By.Kind == ActorCitizen || last.SignedScan != ""
}

// took reports whether a is who ordered the rectification or recorded a
// statement in it: such a member of staff does not also revoke.
func (r *Rectification) took(a Actor) bool {
	if r.OrderedBy == a {
		return true
	}
	for _, st := range r.Statements {
		if st.By == a {
			return true
		}
	}
	return false
}

// BreachOutcome is how a clerk settled a breach.
type BreachOutcome string

// Breach outcomes.
const (
	// OutcomeCleared: the finding was a misunderstanding (核查无误).
	OutcomeCleared BreachOutcome = "cleared"
	// OutcomeRectified: the applicant rectified within the period (整改到位).
	OutcomeRectified BreachOutcome = "rectified"
	// OutcomeRevoked: the decision was revoked (撤销).
	OutcomeRevoked BreachOutcome = "revoked"
)

// ClearBreach is a clerk finding the breach a misunderstanding: the
// original matches after all, or the promised material is not needed or
// was handed in. Finding says why.
type ClearBreach struct {
	Meta    `json:"-"`
	Finding string `json:"finding"`
}

// OrderRectification orders the applicant to rectify within Days working
// days (责令限期整改), with the reason and its legal basis.
type OrderRectification struct {
	Meta       `json:"-"`
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
	Days       int    `json:"days"`
}

// StateCase is the applicant's statement (陈述申辩) during a rectification.
type StateCase struct {
	Meta        `json:"-"`
	Text        string             `json:"text"`
	Attachments []ProvidedMaterial `json:"attachments,omitempty"`
	Final       bool               `json:"final,omitempty"`
	// SignedScan is the scan of the applicant's signed statement, for one
	// a clerk records at the counter.
	SignedScan string `json:"signed_scan,omitempty"`
}

// DecideBreach is the clerk's decision on a breach: rectified, or the
// decision revoked. FalseCommitment records the clerk's finding that the
// commitment was false (承诺不实), which goes to the credit library; a
// revocation without it is one for an unkept commitment.
type DecideBreach struct {
	Meta            `json:"-"`
	Outcome         BreachOutcome `json:"outcome"`
	Reason          string        `json:"reason"`
	LegalBasis      string        `json:"legal_basis,omitempty"`
	FalseCommitment bool          `json:"false_commitment,omitempty"`
}

// EventName returns the event's name.
func (ClearBreach) EventName() EventName { return EventClearBreach }

// EventName returns the event's name.
func (OrderRectification) EventName() EventName { return EventOrderRectification }

// EventName returns the event's name.
func (StateCase) EventName() EventName { return EventStateCase }

// EventName returns the event's name.
func (DecideBreach) EventName() EventName { return EventDecideBreach }

func (e ClearBreach) withAt(t time.Time) Event        { e.At = t; return e }
func (e OrderRectification) withAt(t time.Time) Event { e.At = t; return e }
func (e StateCase) withAt(t time.Time) Event          { e.At = t; return e }
func (e DecideBreach) withAt(t time.Time) Event       { e.At = t; return e }

// openBreach puts the case under review for the finding.
func (s *step) openBreach(b Breach) {
	b.FoundAt = s.at
	b.From = s.from
	b.Clock = SLA{}.Start(s.e.cal, s.at, reviewWorkingDays, reviewYellowDays)
	s.c.Breach = &b
	s.to = StatusCommitmentReview
	s.reason = string(b.Kind)
	s.notify(TplCommitmentReview, map[string]string{"material": b.Material, "note": b.Note})
}

// failedCheck opens a review of the first failed required check.
func (s *step) failedCheck(r VerificationResult) {
	s.openBreach(Breach{Kind: BreachCheckFailed, Material: r.Material, Note: r.Note, Evidence: r.Evidence, FoundBy: r.By})
}

func clearBreach(s *step, ev ClearBreach) error {
	if err := needText("finding", ev.Finding, "请说明核查结论"); err != nil {
		return err
	}
	s.settleBreach(OutcomeCleared, ev.Finding)
	return nil
}

func orderRectification(s *step, ev OrderRectification) error {
	switch {
	case ev.Days < minRectifyDays || ev.Days > maxRectifyDays:
		return invalid("days", fmt.Sprintf("days must be %d to %d", minRectifyDays, maxRectifyDays),
			fmt.Sprintf("整改期限应为 %d 至 %d 个工作日", minRectifyDays, maxRectifyDays))
	}
	if err := needText("reason", ev.Reason, "请填写责令整改的事由"); err != nil {
		return err
	}
	if err := needText("legal_basis", ev.LegalBasis, "请填写责令整改的依据"); err != nil {
		return err
	}
	b := s.c.Breach
	due := s.e.cal.AddWorkingDays(s.at, ev.Days)
	b.Rectification = &Rectification{Reason: ev.Reason, LegalBasis: ev.LegalBasis, Days: ev.Days,
		OrderedBy: s.actor, OrderedAt: s.at, DueAt: due}
	// The clerk's clock restarts when the period ends: a decision is due
	// reviewWorkingDays after it.
	b.Clock = SLA{}.Start(s.e.cal, due, reviewWorkingDays, reviewYellowDays)
	s.to = StatusRectifying
	s.notify(TplRectificationOrdered, map[string]string{
		"reason": ev.Reason, "legal_basis": ev.LegalBasis, "due": DateOf(due).String(),
	})
	return nil
}

func stateCase(s *step, ev StateCase) error {
	r := s.c.Breach.Rectification
	switch {
	case s.at.After(r.DueAt):
		return fmt.Errorf("%w: the rectification period ended at %s", ErrInvalidTransition, r.DueAt.Format(time.RFC3339))
	case r.heard(s.at):
		return fmt.Errorf("%w: the applicant's statement was final", ErrInvalidTransition)
	case len(r.Statements) >= maxStatements:
		return invalid("text", "too many statements", fmt.Sprintf("陈述申辩至多提交 %d 次", maxStatements))
	case utf8.RuneCountInString(ev.Text) > maxStatement:
		return invalid("text", "too long", fmt.Sprintf("陈述申辩不超过 %d 字", maxStatement))
	case len(ev.Attachments) > 20:
		return invalid("attachments", "too many", "附件至多 20 份")
	}
	if ev.Text == "" && len(ev.Attachments) == 0 {
		return invalid("text", "is empty", "请填写陈述申辩的内容或上传材料")
	}
	it, err := s.item()
	if err != nil {
		return err
	}
	for i, a := range ev.Attachments {
		if a.Source != SourceUpload {
			return invalid(fmt.Sprintf("attachments[%d].source", i), "must be an upload", "附件须为上传的文件")
		}
		if err := checkProvided(it, fmt.Sprintf("attachments[%d]", i), a); err != nil {
			return err
		}
	}
	if ev.SignedScan != "" && s.actor.Kind != ActorClerk {
		return invalid("signed_scan", "only a clerk records a signed statement", "签字的陈述申辩书由窗口工作人员扫描录入")
	}
	r.Statements = append(r.Statements, Statement{Text: ev.Text, Attachments: ev.Attachments, Final: ev.Final,
		SignedScan: ev.SignedScan, By: s.actor, At: s.at})
	s.reason = "statement"
	return nil
}

func decideBreach(s *step, ev DecideBreach) error {
	b := s.c.Breach
	if err := needText("reason", ev.Reason, "请填写决定的理由"); err != nil {
		return err
	}
	switch ev.Outcome {
	case OutcomeRectified:
		if b.Rectification == nil {
			return invalid("outcome", "no rectification was ordered", "尚未责令整改，请核查后说明或责令限期整改")
		}
		if ev.FalseCommitment {
			return invalid("false_commitment", "a rectified case records no false commitment", "整改到位的办件不记录虚假承诺")
		}
		s.settleBreach(OutcomeRectified, ev.Reason)
		return nil
	case OutcomeRevoked:
		return s.revokeBreach(ev)
	}
	return invalid("outcome", fmt.Sprintf("unknown outcome %q", ev.Outcome), "请选择整改到位或撤销审批决定")
}

// revokeBreach revokes the decision once the applicant had their say: an
// order to rectify, then its period ended (or the applicant said their
// statement was final). Whoever ordered the rectification or recorded a
// statement does not also revoke, and a promise kept meanwhile is not
// revoked for.
func (s *step) revokeBreach(ev DecideBreach) error {
	b := s.c.Breach
	r := b.Rectification
	switch {
	case r == nil:
		return invalid("outcome", "a decision is revoked only after a rectification period",
			"撤销前应先责令限期整改、听取陈述申辩")
	case !r.heard(s.at):
		return invalid("outcome", "the rectification period has not ended",
			"整改期限届满前（且申请人未表示陈述申辩完毕）不能撤销审批决定（届满："+DateOf(r.DueAt).String()+"）")
	case r.took(s.actor):
		return Refuse(ErrForbidden, "separate_reviewer_required", "责令整改或记录陈述申辩的工作人员不能同时作出撤销决定，请由其他审核人员决定")
	case b.Kind == BreachPromiseUnkept && !s.c.promiseOutstanding(b.Material):
		return invalid("outcome", "the promised material was handed in", "该容缺材料已补交，不能以未履行承诺为由撤销")
	}
	if err := needText("legal_basis", ev.LegalBasis, "请填写撤销的依据"); err != nil {
		return err
	}
	b.Outcome, b.Finding, b.SettledBy, b.SettledAt = OutcomeRevoked, ev.Reason, s.actor, s.at
	b.Clock = b.Clock.Stop(s.e.cal, s.at)
	code := EndPromiseUnkept
	if ev.FalseCommitment {
		code = EndVerificationFailed
	}
	s.revoke(code, ev.Reason+"（依据："+ev.LegalBasis+"）", ev.FalseCommitment)
	return nil
}

// settleBreach ends the review in the applicant's favour: the case goes
// back where it was, a failed check counts as passed on the clerk's word
// (the finding is its note), and a promised material no longer holds the
// case up.
func (s *step) settleBreach(outcome BreachOutcome, finding string) {
	c := s.c
	b := c.Breach
	b.Outcome, b.Finding, b.SettledBy, b.SettledAt = outcome, finding, s.actor, s.at
	b.Clock = b.Clock.Stop(s.e.cal, s.at)
	s.reason = string(outcome)
	s.notify(TplCommitmentCleared, map[string]string{"finding": finding})
	switch b.Kind {
	case BreachCheckFailed:
		c.Verification.Results = append(c.Verification.Results, VerificationResult{
			Material: b.Material, Passed: true, Evidence: "breach:" + string(outcome), Note: finding, By: s.actor, At: s.at,
		})
		s.to = StatusVerifying
		s.settle()
	case BreachPromiseUnkept:
		if m := c.material(b.Material); m != nil && m.Outstanding() {
			m.Waived = true
		}
		s.to = b.From
		if b.From == StatusVerifying {
			s.settle()
		}
	}
}

// remindPromise tells the applicant a promised material is overdue and
// gives a last period to hand it in (限期补正).
func (s *step) remindPromise(m *CaseMaterial) {
	m.RemindedAt = s.at
	m.GraceDueAt = s.e.cal.AddWorkingDays(s.at, promiseGraceDays)
	s.reason = "promise_reminder"
	s.notify(TplPromiseReminder, map[string]string{"material": m.Code, "due": DateOf(m.GraceDueAt).String()})
}

// promiseOutstanding reports whether the promised material code is still
// owed.
func (c *Case) promiseOutstanding(code string) bool {
	m := c.material(code)
	return m != nil && m.Outstanding()
}

// needText refuses an empty or overlong clerk's text.
func needText(field, v, empty string) error {
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		return invalid(field, "is empty", empty)
	case n > 1000:
		return invalid(field, "is too long", "内容不超过 1000 字")
	}
	return nil
}

// breachCard is the card of the clerk's clock on a breach.
func breachCard(c Case, at time.Time) Card {
	if c.Breach == nil {
		return CardNone
	}
	return c.Breach.Clock.Card(at)
}
