package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Engine applies events to cases: pure functions of (case, event) to (case,
// record, effects), with the catalogue and the working-day calendar as
// their only context. It reads no clock and does no I/O; it is immutable
// and safe for concurrent use.
type Engine struct {
	cat     Catalogue
	cal     *Calendar
	byEvent map[EventName][]Transition
}

// NewEngine returns an engine over a catalogue and a calendar (nil counts
// Monday to Friday).
func NewEngine(cat Catalogue, cal *Calendar) *Engine {
	e := &Engine{cat: cat, cal: cal, byEvent: make(map[EventName][]Transition)}
	for _, t := range transitions() {
		e.byEvent[t.Event] = append(e.byEvent[t.Event], t)
	}
	return e
}

// Catalogue returns the engine's catalogue.
func (e *Engine) Catalogue() Catalogue { return e.cat }

// Calendar returns the engine's calendar.
func (e *Engine) Calendar() *Calendar { return e.cal }

// Draft is what it takes to open a case. The caller supplies the id and the
// case number; Actor is the applicant, or a clerk registering at a counter.
type Draft struct {
	ID          string    `json:"id"`
	Number      string    `json:"number"`
	ItemCode    string    `json:"item_code"`
	ApplicantID string    `json:"applicant_id"`
	Channel     Channel   `json:"channel"`
	Actor       Actor     `json:"-"`
	At          time.Time `json:"-"`

	// ApplicantType is person (the default when empty) or business.
	ApplicantType ApplicantType `json:"applicant_type,omitempty"`
	// SubjectIndex is the blind index of the applicant's identity
	// (SubjectIndexOf): earlier false commitments are counted by it.
	SubjectIndex string `json:"-"`
	// OpenLimit, when positive, is the most drafts the applicant may keep
	// open: the store counts them as it writes the new one (Change.DraftLimit).
	OpenLimit int `json:"-"`
	// ExclusionMonths is the item's exclusion period (Terms), which New
	// sets from the catalogue, whatever the caller gave, so the creation
	// record carries it and the history alone dates an exclusion's end.
	ExclusionMonths int `json:"exclusion_months,omitempty"`
}

// New opens a case in the draft state at version 1, with the record of its
// creation.
func (e *Engine) New(d Draft) (Case, EventRecord, error) {
	if err := e.checkDraft(d); err != nil {
		return Case{}, EventRecord{}, fmt.Errorf("create case %s: %w", d.ID, err)
	}
	it, _ := e.cat.Lookup(d.ItemCode)
	d.ExclusionMonths = it.ExclusionMonths
	c := Case{
		ID: d.ID, Number: d.Number, ItemCode: it.Code, Department: it.Department,
		ApplicantID: d.ApplicantID, Status: StatusDraft, Version: 1,
		CreatedAt: d.At, UpdatedAt: d.At, Channel: d.Channel, Terms: termsOf(it),
		ApplicantType: d.ApplicantType, SubjectIndex: d.SubjectIndex,
	}
	data, err := json.Marshal(d)
	if err != nil {
		return Case{}, EventRecord{}, fmt.Errorf("create case %s: %w", d.ID, err)
	}
	rec := EventRecord{
		CaseID: c.ID, Seq: 1, Name: string(EventCreate), Actor: d.Actor, At: d.At,
		To: StatusDraft, Data: data,
	}
	return c, rec, nil
}

func (e *Engine) checkDraft(d Draft) error {
	switch {
	case d.ID == "":
		return invalid("id", "is empty", "缺少办件编号")
	case d.Number == "":
		return invalid("number", "is empty", "缺少办件号")
	case d.ApplicantID == "":
		return invalid("applicant_id", "is empty", "缺少申请人")
	case !d.Channel.Valid():
		return invalid("channel", fmt.Sprintf("unknown channel %q", d.Channel), "申请渠道不正确")
	case !d.ApplicantType.Valid():
		return invalid("applicant_type", fmt.Sprintf("unknown applicant type %q", d.ApplicantType), "申请人类型不正确")
	case d.At.IsZero():
		return invalid("at", "is zero", "缺少时间")
	}
	switch {
	case d.Actor.Kind == ActorClerk && d.Channel == ChannelCounter:
	case d.Actor.Kind == ActorCitizen && d.Actor.ID == d.ApplicantID && d.Channel != ChannelCounter:
	default:
		return fmt.Errorf("%w: %s %q may not open a case for applicant %q through %s",
			ErrForbidden, d.Actor.Kind, d.Actor.ID, d.ApplicantID, d.Channel)
	}
	if _, err := e.cat.Lookup(d.ItemCode); err != nil {
		return invalid("item_code", fmt.Sprintf("unknown item %q", d.ItemCode), "办理事项不存在")
	}
	return nil
}

// step is one transition being worked out on a copy of the case.
type step struct {
	e       *Engine
	c       *Case
	from    Status
	to      Status
	at      time.Time
	actor   Actor
	reason  string
	effects []Effect
}

// Apply applies ev to c. It returns the new case (Version+1, UpdatedAt =
// the event's At), the record of the event (without hashes: the store
// chains them) and the effects to put in the outbox. An event the case's
// state does not allow fails with ErrInvalidTransition; a wrong actor with
// ErrForbidden; bad data with ErrInvalidInput (an *InputError); a Tick with
// nothing due with ErrNotDue. Apply never changes c, even on success.
func (e *Engine) Apply(c Case, ev Event) (Case, EventRecord, []Effect, error) {
	if ev == nil {
		return Case{}, EventRecord{}, nil, invalid("event", "is nil", "缺少操作")
	}
	name, m := ev.EventName(), ev.EventMeta()
	t, ok := e.find(name, c.Status)
	if !ok {
		return Case{}, EventRecord{}, nil, fmt.Errorf("%w: %s on %s", ErrInvalidTransition, name, c.Status)
	}
	fail := func(err error) (Case, EventRecord, []Effect, error) {
		return Case{}, EventRecord{}, nil, fmt.Errorf("%s case %s: %w", name, c.ID, err)
	}
	if err := checkActor(t, c, m.Actor); err != nil {
		return fail(err)
	}
	switch {
	case m.At.IsZero():
		return fail(invalid("at", "is zero", "缺少时间"))
	case m.At.Before(c.UpdatedAt):
		return fail(invalid("at", fmt.Sprintf("%s is before the last change %s",
			m.At.Format(time.RFC3339), c.UpdatedAt.Format(time.RFC3339)), "操作时间早于办件最近一次变更"))
	}
	x := c.clone()
	x.Version++
	x.UpdatedAt = m.At
	s := &step{e: e, c: &x, from: c.Status, to: c.Status, at: m.At, actor: m.Actor}
	if err := t.run(s, ev); err != nil {
		return fail(err)
	}
	if !t.allows(s.from, s.to) {
		return fail(fmt.Errorf("transition table does not allow %s from %s to %s", name, s.from, s.to))
	}
	x.Status = s.to
	if x.FalseCommitment && !c.FalseCommitment {
		s.exclude()
	}
	s.finish()
	data, err := json.Marshal(ev)
	if err != nil {
		return fail(err)
	}
	rec := EventRecord{
		CaseID: x.ID, Seq: x.Version, Name: string(name), Actor: m.Actor, At: m.At,
		From: s.from, To: s.to, Reason: s.reason, Data: data,
	}
	return x, rec, s.effects, nil
}

func (e *Engine) find(name EventName, from Status) (Transition, bool) {
	for _, t := range e.byEvent[name] {
		if slices.Contains(t.From, from) {
			return t, true
		}
	}
	return Transition{}, false
}

func checkActor(t Transition, c Case, a Actor) error {
	if !slices.Contains(t.Actors, a.Kind) {
		return fmt.Errorf("%w: a %s may not %s", ErrForbidden, a.Kind, t.Event)
	}
	if a.Kind == ActorCitizen && a.ID != c.ApplicantID {
		return fmt.Errorf("%w: citizen %q is not the applicant", ErrForbidden, a.ID)
	}
	return nil
}

// finish brings the derived fields up to date after a transition: the card
// (warning the supervisor when it turns), the deadline, the next timer and
// the report to the provincial platform on a status change once submitted.
func (s *step) finish() {
	c := s.c
	if c.SLA.Started() {
		c.Deadline = c.SLA.Deadline
	}
	old := c.Card
	c.Card = cardOf(*c, s.at)
	if c.Card != old && c.Card != CardNone {
		reason := "approaching_deadline"
		switch {
		case c.Status == StatusCommitmentReview || c.Status == StatusRectifying:
			reason = "commitment_review_due"
			if c.Card == CardRed {
				reason = "commitment_review_overdue"
			}
		case c.Status == StatusVerifying:
			reason = "verification_overdue"
		case c.Card == CardRed:
			reason = "overdue"
		}
		s.effects = append(s.effects, WarnSupervisor{
			CaseID: c.ID, Number: c.Number, Department: c.Department,
			Card: c.Card, Deadline: c.Deadline, Reason: reason,
		})
	}
	c.NextTimerAt = nextTimer(*c, s.at)
	// Reported from the submission (网上申报) on: the platform takes every
	// step of a case, not only the accepted ones.
	if s.to != s.from && s.to != StatusDraft && !c.SubmittedAt.IsZero() {
		s.effects = append(s.effects, ReportProvince{
			CaseID: c.ID, Number: c.Number, ItemCode: c.ItemCode, Department: c.Department,
			DataVersion: c.Version, Status: s.to, At: s.at,
		})
		c.Reported = &ReportedState{Version: c.Version, Status: s.to, At: s.at}
	}
}

// cardOf is the card of the clock that is running: the SLA before the
// decision, the verification after it.
func cardOf(c Case, at time.Time) Card {
	switch c.Status {
	case StatusSubmitted, StatusAccepted, StatusSupplementRequested, StatusSpecialProcedure:
		return c.SLA.Card(at)
	case StatusVerifying:
		if c.Verification.Overdue {
			return CardRed
		}
	case StatusCommitmentReview, StatusRectifying:
		return breachCard(c, at)
	}
	return CardNone
}

// nextTimer is the first moment something on the case falls due: a card
// threshold, the end of a correction period, a promised material, the end
// of the verification period, or (for a delivered case) now, to start the
// verification.
func nextTimer(c Case, at time.Time) time.Time {
	if c.Status.Terminal() || c.Status == StatusDraft {
		return time.Time{}
	}
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if c.Status == StatusCommitmentReview || c.Status == StatusRectifying {
		// Under review only the clerk's clock and the period run.
		consider(c.Breach.Clock.NextChange(at))
		if r := c.Breach.Rectification; r != nil && !at.After(r.DueAt) {
			consider(r.DueAt.Add(time.Second))
		}
		return next
	}
	if c.Status == StatusAccepted {
		consider(c.SLA.NextChange(at))
	}
	if c.Status == StatusSupplementRequested && c.Supplement != nil {
		consider(c.Supplement.DueAt.Add(time.Second))
	}
	for _, m := range c.Outstanding() {
		if c.Status == StatusDelivering && !m.RemindedAt.IsZero() {
			// Reminded while the result is on its way: the review waits
			// for the delivery (or its failure), not to stall the courier.
			continue
		}
		consider(m.Due().Add(time.Second))
	}
	if c.Status == StatusDelivered {
		consider(at)
	}
	if c.Status == StatusVerifying && !c.Verification.Overdue {
		consider(c.Verification.DueAt.Add(time.Second))
	}
	return next
}

// clone copies c deeply enough that a transition can change the copy
// without touching c.
func (c Case) clone() Case {
	x := c
	x.Terms.VerifyMaterials = slices.Clone(c.Terms.VerifyMaterials)
	x.Materials = slices.Clone(c.Materials)
	x.Verification.Required = slices.Clone(c.Verification.Required)
	x.Verification.Results = slices.Clone(c.Verification.Results)
	x.Signature = clonePtr(c.Signature)
	x.Payment = clonePtr(c.Payment)
	x.Decision = clonePtr(c.Decision)
	x.Ending = clonePtr(c.Ending)
	x.Reported = clonePtr(c.Reported)
	x.Special = clonePtr(c.Special)
	if c.Breach != nil {
		b := *c.Breach
		if r := b.Rectification; r != nil {
			rc := *r
			rc.Statements = slices.Clone(r.Statements)
			b.Rectification = &rc
		}
		x.Breach = &b
	}
	if c.Supplement != nil {
		sr := *c.Supplement
		sr.Items = slices.Clone(sr.Items)
		x.Supplement = &sr
	}
	return x
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
