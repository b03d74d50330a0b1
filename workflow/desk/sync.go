package desk

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
)

// maxSyncRounds bounds the workflow events one sync applies (Deliver,
// StartVerification, RecordVerification at most), with room for retries
// after losing a race with a timer.
const maxSyncRounds = 6

// sync brings the case of a leg in step with the leg, then records that it
// is. Each step is derived from the leg's state and the case's, so running
// it again (after a failure, or on another replica) does nothing twice.
func (s *Service) sync(ctx context.Context, l Leg) error { return s.syncWith(ctx, l, nil) }

// syncWith is sync given the legs of l's case, as the caller read them
// shortly before (nil: they are read when needed).
func (s *Service) syncWith(ctx context.Context, l Leg, caseLegs []Leg) error {
	if l.SyncedVersion >= l.Version {
		return nil
	}
	var err error
	switch l.Kind {
	case KindPickup:
		err = s.syncPickup(ctx, l)
	case KindDelivery:
		err = s.syncDelivery(ctx, l, caseLegs)
	}
	if err != nil {
		return fmt.Errorf("bring case %s in step with leg %s: %w", l.CaseID, l.ID, err)
	}
	return s.cfg.Store.MarkSynced(ctx, l.ID, l.Version)
}

// actorOf is who the workflow sees behind a leg's latest change.
func actorOf(l Leg) workflow.Actor {
	if l.LastActor.Kind == workflow.ActorCourier {
		return l.LastActor
	}
	return workflow.Actor{Kind: workflow.ActorSystem, ID: "courier:" + l.Provider}
}

// syncPickup records the stage of the collection of originals.
func (s *Service) syncPickup(ctx context.Context, l Leg) error {
	ev, ok := pickupEvent(l)
	if !ok {
		return nil
	}
	_, err := s.cfg.Cases.Do(ctx, l.CaseID, ev, nil)
	return s.tolerate(ctx, l, err)
}

// pickupEvent is the stage of the collection of originals pickup leg l
// has reached (false: none yet).
func pickupEvent(l Leg) (workflow.CollectOriginals, bool) {
	ev := workflow.CollectOriginals{Meta: workflow.Meta{Actor: actorOf(l)}, Waybill: l.Waybill, Materials: l.Materials}
	switch reason, failed := l.Status.failure(); {
	case l.Status == StatusDelivered:
		ev.Stage = workflow.OriginalsReceived
	case failed:
		ev.Stage, ev.Reason = workflow.OriginalsFailed, reason
	case l.Status.rank() >= StatusPickedUp.rank():
		ev.Stage = workflow.OriginalsPickedUp
	default:
		return ev, false
	}
	return ev, true
}

// planSync works out the change that brings case c, as read with the leg,
// in step with leg l (after its move; caseLegs are the legs of c as read),
// to be written with the move. false leaves it to sync after the move: no
// change to plan, or one the workflow refuses (sync knows which refusals
// to tolerate).
func (s *Service) planSync(l Leg, c workflow.Case, caseLegs []Leg) (workflow.Change, bool) {
	var next func(workflow.Case) workflow.Event
	switch l.Kind {
	case KindPickup:
		ev, ok := pickupEvent(l)
		if !ok {
			return workflow.Change{}, false
		}
		next = func(at workflow.Case) workflow.Event {
			if at.Version > c.Version {
				return nil
			}
			return ev
		}
	case KindDelivery:
		if superseded(l, caseLegs) {
			return workflow.Change{}, false
		}
		results := doorResults(l.Door)
		next = func(at workflow.Case) workflow.Event { return deliveryEvent(l, at, results) }
	default:
		return workflow.Change{}, false
	}
	_, ch, ok, err := s.cfg.Cases.Plan(c, next)
	return ch, ok && err == nil
}

// syncDelivery hands the result over in the workflow, with the checks made
// at the door, and starts the verification on completion at once; or takes
// an undelivered result back to approved.
func (s *Service) syncDelivery(ctx context.Context, l Leg, caseLegs []Leg) error {
	if caseLegs == nil {
		var err error
		if caseLegs, err = s.cfg.Store.CaseLegs(ctx, l.CaseID); err != nil {
			return err
		}
	}
	if superseded(l, caseLegs) {
		return nil
	}
	results := doorResults(l.Door)
	c, err := s.cfg.Cases.Get(ctx, l.CaseID)
	if err != nil {
		return err
	}
	for range maxSyncRounds {
		ev := deliveryEvent(l, c, results)
		if ev == nil {
			return nil
		}
		// The case as the last step left it is the case the next step
		// applies to; it is read again only when it moved on meanwhile.
		next, err := s.cfg.Cases.DoOn(ctx, c, ev, nil, nil)
		switch {
		case err == nil:
			c = next
		case errors.Is(err, workflow.ErrConflict):
			if c, err = s.cfg.Cases.Get(ctx, l.CaseID); err != nil {
				return err
			}
		default:
			return s.tolerate(ctx, l, err)
		}
	}
	return fmt.Errorf("%w: the case kept changing", workflow.ErrConflict)
}

// deliveryEvent is the next event that brings case c in step with its
// delivery leg l (results are the checks made at the door), or nil when
// the case has caught up.
func deliveryEvent(l Leg, c workflow.Case, results []workflow.VerificationResult) workflow.Event {
	reason, failed := l.Status.failure()
	switch {
	case failed && c.Status == workflow.StatusDelivering:
		return workflow.DeliveryFailed{Meta: workflow.Meta{Actor: actorOf(l)}, Waybill: l.Waybill, Reason: reason}
	case l.Status != StatusDelivered:
		return nil
	case c.Status == workflow.StatusDelivering:
		return workflow.Deliver{Meta: workflow.Meta{Actor: doorActor(l)}, Waybill: l.Waybill, Results: results}
	case c.Status == workflow.StatusDelivered:
		return workflow.StartVerification{Meta: workflow.Meta{Actor: deskActor}}
	case c.Status == workflow.StatusVerifying && len(results) > 0 && !recorded(c, results):
		return workflow.RecordVerification{Meta: workflow.Meta{Actor: doorActor(l)}, Results: results}
	}
	return nil
}

// doorActor is the courier who checked at the door, or the provider when
// the result was signed for without our check.
func doorActor(l Leg) workflow.Actor {
	if l.Door != nil && l.Door.CourierID != "" {
		return workflow.Actor{Kind: workflow.ActorCourier, ID: l.Door.CourierID}
	}
	return actorOf(l)
}

// doorResults are the checks made at the door, as the workflow records them.
func doorResults(d *DoorCheck) []workflow.VerificationResult {
	if d == nil {
		return nil
	}
	out := make([]workflow.VerificationResult, 0, len(d.Results))
	for _, r := range d.Results {
		out = append(out, workflow.VerificationResult{Material: r.Material, Passed: r.Passed, Evidence: r.Evidence(), Note: r.Note})
	}
	return out
}

// recorded reports whether the case holds these checks already.
func recorded(c workflow.Case, rs []workflow.VerificationResult) bool {
	for _, r := range rs {
		got, ok := c.Verification.Result(r.Material)
		if !ok || got.Evidence != r.Evidence {
			return false
		}
	}
	return true
}

// tolerate decides what a workflow refusal means for the sync: a stage the
// case has recorded already is done; news the case refuses as invalid, or
// that an ended case can no longer take, is logged and dropped; a case in
// a state that cannot take it yet (a special procedure, say) is retried.
func (s *Service) tolerate(ctx context.Context, l Leg, err error) error {
	switch {
	case err == nil, errors.Is(err, workflow.ErrDuplicate):
		return nil
	case errors.Is(err, workflow.ErrInvalidInput):
		s.cfg.Log.ErrorContext(ctx, "courier leg: the case refused the leg's news", "leg", l.ID, "case", l.CaseID, "leg_status", l.Status, "err", err)
		return nil
	case errors.Is(err, workflow.ErrInvalidTransition):
		if c, gerr := s.cfg.Cases.Get(ctx, l.CaseID); gerr == nil && c.Status.Terminal() {
			s.cfg.Log.WarnContext(ctx, "courier leg: the case ended before the leg's news", "leg", l.ID, "case", l.CaseID, "leg_status", l.Status)
			return nil
		}
	}
	return err
}

// superseded reports whether the case, of which legs are the legs, has a
// newer delivery leg than l (the result was sent again after l was lost):
// l's news is then old.
func superseded(l Leg, legs []Leg) bool {
	for _, o := range legs {
		if o.Kind == KindDelivery && o.ID != l.ID && o.CreatedAt.After(l.CreatedAt) {
			return true
		}
	}
	return false
}
