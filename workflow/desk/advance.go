package desk

import (
	"slices"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// stateCancelled is the desk's own input that cancels a leg whose order
// was withdrawn before pickup.
const stateCancelled parcel.State = "cancelled"

// move is one input to a leg, in common terms.
type move struct {
	state parcel.State
	// at is when it happened, by the clock of whoever reports it.
	at    time.Time
	actor workflow.Actor
	// courierID claims a leg nobody has yet (a courier's scan).
	courierID string
	// door is the check made at the door, with a delivery scan.
	door *DoorCheck
}

// advance works out what m does to l: the leg after it, whether anything
// changed, and a return leg to create when a result was not handed over.
// A finished leg stays as it is (save a door check arriving after the
// provider reported the delivery), and a report of an earlier stage than
// the leg's never moves it back, so repeats and pushes out of order are
// harmless. It is a pure function of its arguments.
func advance(l Leg, m move, now time.Time, maxAttempts int, newID func() string) (Leg, bool, *Leg) {
	next := l
	next.Materials = slices.Clone(l.Materials)
	changed := false
	set := func(s Status) {
		if next.Status != s {
			next.Status, changed = s, true
		}
	}
	if l.Status.Terminal() {
		if l.Kind != KindDelivery || l.Status != StatusDelivered || l.Door != nil || m.door == nil {
			return l, false, nil
		}
		next.Door, changed = m.door, true
	} else {
		switch m.state {
		case parcel.StatePickedUp, parcel.StateInTransit, parcel.StateOutForDelivery:
			if to := statusOf(m.state); to.rank() > l.Status.rank() {
				set(to)
			}
		case parcel.StateSigned:
			set(StatusDelivered)
			if l.Kind == KindDelivery && m.door != nil {
				next.Door = m.door
			}
		case parcel.StateFailedAttempt:
			next.Attempts++
			changed = true
			if next.Attempts >= maxAttempts {
				set(StatusUndeliverable)
			}
		case parcel.StateRefused:
			set(StatusRefused)
		case parcel.StateReturned:
			if l.Kind != KindReturn {
				set(StatusUndeliverable)
			}
		case parcel.StateLost:
			set(StatusLost)
		case stateCancelled:
			if l.Status.rank() < StatusPickedUp.rank() {
				set(StatusCancelled)
			}
		}
	}
	if m.courierID != "" && next.CourierID == "" && changed {
		next.CourierID = m.courierID
	}
	if !changed {
		return l, false, nil
	}
	next.Version++
	next.UpdatedAt, next.MovedAt, next.LastActor = now, now, m.actor
	if next.PickedUpAt.IsZero() && next.Status.rank() >= StatusPickedUp.rank() && next.Status != StatusCancelled {
		next.PickedUpAt = orNow(m.at, now)
	}
	if next.Status.Terminal() && next.EndedAt.IsZero() {
		next.EndedAt = now
	}
	var back *Leg
	if next.Kind == KindDelivery {
		_, doorFailed := next.Door.Failed()
		notHanded := (next.Status == StatusRefused || next.Status == StatusUndeliverable) && l.Status != next.Status
		if notHanded || (doorFailed && l.Door == nil) {
			back = returnLeg(next, now, newID)
		}
	}
	return next, true, back
}

// claim assigns an unassigned leg to a courier without moving it: a
// courier's scan of a stage the leg has already passed.
func claim(l Leg, courierID string, now time.Time) (Leg, bool) {
	if courierID == "" || l.CourierID != "" || l.Status.Terminal() {
		return l, false
	}
	l.Materials = slices.Clone(l.Materials)
	l.CourierID = courierID
	l.Version++
	l.UpdatedAt = now
	return l, true
}

func statusOf(s parcel.State) Status {
	switch s {
	case parcel.StatePickedUp:
		return StatusPickedUp
	case parcel.StateInTransit:
		return StatusInTransit
	case parcel.StateOutForDelivery:
		return StatusOutForDelivery
	}
	return StatusOrdered
}

// returnLeg is the leg that brings back a result the courier of l still
// has: it starts picked up, with the same courier and waybill.
func returnLeg(l Leg, now time.Time, newID func() string) *Leg {
	return &Leg{
		ID: newID(), SourceKey: "return:" + l.ID, Kind: KindReturn,
		CaseID: l.CaseID, CaseNumber: l.CaseNumber, ApplicantID: l.ApplicantID, Department: l.Department, ItemCode: l.ItemCode,
		Provider: l.Provider, Waybill: l.Waybill, Status: StatusPickedUp, CourierID: l.CourierID,
		Party: l.Party, Payer: parcel.PayerAccount, ParentID: l.ID, LastActor: l.LastActor,
		SyncedVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now, MovedAt: now, PickedUpAt: now,
	}
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}
