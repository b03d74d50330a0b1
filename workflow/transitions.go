package workflow

import (
	"fmt"
	"slices"
)

// Transition is one row of the lifecycle table: Event moves a case in one
// of the From states to one of the To states, or (Stays) leaves it where it
// is. Where To has several states the event's data and the case decide
// (e.g. Submit: ordinary, trust-first or approve-on-commit). Only the
// Actors listed may cause it; a citizen only on their own case.
type Transition struct {
	Event  EventName
	From   []Status
	To     []Status
	Stays  bool
	Actors []ActorKind
	run    func(*step, Event) error
}

func (t Transition) allows(from, to Status) bool {
	return slices.Contains(t.To, to) || (t.Stays && to == from)
}

// Transitions returns the lifecycle table, the single place that says which
// event may move a case from which state to which.
func Transitions() []Transition { return transitions() }

func transitions() []Transition {
	var (
		applicant  = []ActorKind{ActorCitizen, ActorClerk}
		official   = []ActorKind{ActorClerk, ActorDepartment}
		system     = []ActorKind{ActorSystem}
		checker    = []ActorKind{ActorCourier, ActorClerk}
		dispatcher = []ActorKind{ActorClerk, ActorSystem}
		deliverer  = []ActorKind{ActorCourier, ActorSystem}
		clerk      = []ActorKind{ActorClerk}
	)
	S := func(s ...Status) []Status { return s }
	const (
		draft      = StatusDraft
		submitted  = StatusSubmitted
		accepted   = StatusAccepted
		supplement = StatusSupplementRequested
		special    = StatusSpecialProcedure
		approved   = StatusApproved
		rejected   = StatusRejected
		delivering = StatusDelivering
		delivered  = StatusDelivered
		verifying  = StatusVerifying
		review     = StatusCommitmentReview
		rectifying = StatusRectifying
		closed     = StatusClosed
		revoked    = StatusRevoked
		withdrawn  = StatusWithdrawn
	)
	return []Transition{
		// Application and review.
		{Event: EventSubmit, From: S(draft), To: S(submitted, accepted, approved), Actors: applicant, run: handle(submit)},
		{Event: EventAccept, From: S(submitted), To: S(accepted), Actors: official, run: handle(accept)},
		{Event: EventRequestSupplement, From: S(accepted), To: S(supplement), Actors: official, run: handle(requestSupplement)},
		{Event: EventSupplySupplement, From: S(supplement), To: S(accepted), Actors: applicant, run: handle(supplySupplement)},
		{Event: EventApprove, From: S(accepted), To: S(approved), Actors: official, run: handle(approve)},
		{Event: EventReject, From: S(submitted, accepted), To: S(rejected), Actors: official, run: handle(reject)},
		{Event: EventWithdraw, From: S(draft, submitted, accepted, supplement, special), To: S(withdrawn), Actors: applicant, run: handle(withdraw)},
		{Event: EventPay, From: S(submitted, accepted, supplement, special, approved), Stays: true, Actors: system, run: handle(pay)},

		// Special procedures (特别程序) pause the clock; transfers (转办) move an
		// undecided case to another department.
		{Event: EventStartSpecialProcedure, From: S(accepted), To: S(special), Actors: official, run: handle(startSpecialProcedure)},
		{Event: EventEndSpecialProcedure, From: S(special), To: S(accepted), Actors: official, run: handle(endSpecialProcedure)},
		{Event: EventTransfer, From: S(submitted, accepted, supplement, special), Stays: true, Actors: clerk, run: handle(transfer)},

		// Promised materials (容缺) handed in later.
		{Event: EventProvideMaterial, From: S(accepted, supplement, special, approved, delivering, delivered), Stays: true, Actors: applicant, run: handle(provideMaterial)},
		{Event: EventProvideMaterial, From: S(verifying), To: S(closed, review), Stays: true, Actors: applicant, run: handle(provideMaterial)},
		{Event: EventProvideMaterial, From: S(review, rectifying), Stays: true, Actors: applicant, run: handle(provideMaterial)},

		// Result delivery and verification on completion.
		{Event: EventDispatch, From: S(approved), To: S(delivering, verifying, closed, review), Actors: dispatcher, run: handle(dispatch)},
		{Event: EventDeliver, From: S(delivering), To: S(delivered), Actors: deliverer, run: handle(deliver)},
		// A failed check puts the case under review; revoked stays in the
		// rows for histories written before the review existed.
		{Event: EventStartVerification, From: S(delivered), To: S(verifying, closed, review, revoked), Actors: dispatcher, run: handle(startVerification)},
		{Event: EventRecordVerification, From: S(verifying), To: S(closed, review, revoked), Stays: true, Actors: checker, run: handle(recordVerification)},

		// Due process for a commitment in doubt (breach.go): a clerk clears
		// it or orders rectification; the applicant states their case; the
		// clerk decides.
		{Event: EventClearBreach, From: S(review, rectifying), To: S(approved, delivering, delivered, verifying, closed, review), Actors: clerk, run: handle(clearBreach)},
		{Event: EventOrderRectification, From: S(review), To: S(rectifying), Actors: clerk, run: handle(orderRectification)},
		{Event: EventStateCase, From: S(rectifying), Stays: true, Actors: applicant, run: handle(stateCase)},
		{Event: EventDecideBreach, From: S(rectifying), To: S(approved, delivering, delivered, verifying, closed, review, revoked), Actors: clerk, run: handle(decideBreach)},

		// Courier legs (courier.go): originals collected for the decision, and
		// results that could not be handed over.
		{Event: EventCollectOriginals, From: S(accepted, supplement, approved, delivering, delivered, verifying), Stays: true, Actors: []ActorKind{ActorCourier, ActorClerk, ActorSystem}, run: handle(collectOriginals)},
		{Event: EventDeliveryFailed, From: S(delivering), To: S(approved), Actors: []ActorKind{ActorCourier, ActorClerk, ActorSystem}, run: handle(deliveryFailed)},

		// Timers: cards, correction periods, promised materials, verification.
		{Event: EventTick, From: S(accepted, supplement, special), To: S(withdrawn), Stays: true, Actors: system, run: handle(tick)},
		{Event: EventTick, From: S(approved, delivering, verifying), To: S(review, revoked), Stays: true, Actors: system, run: handle(tick)},
		{Event: EventTick, From: S(delivered), To: S(verifying, closed, review, revoked), Stays: true, Actors: system, run: handle(tick)},
		{Event: EventTick, From: S(review, rectifying), Stays: true, Actors: system, run: handle(tick)},
	}
}

// handle adapts a typed transition function to the table.
func handle[T Event](fn func(*step, T) error) func(*step, Event) error {
	return func(s *step, ev Event) error {
		t, ok := ev.(T)
		if !ok {
			return invalid("event", fmt.Sprintf("event %s has type %T; pass events by value", ev.EventName(), ev), "操作格式不正确")
		}
		return fn(s, t)
	}
}
