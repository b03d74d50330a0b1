package workflow

import (
	"fmt"
	"slices"
	"time"
)

// Events of the courier legs: the collection of originals (材料收取) and a
// result that could not be handed over (结果送达失败).
const (
	EventCollectOriginals EventName = "collect_originals"
	EventDeliveryFailed   EventName = "delivery_failed"
)

// Notification templates of the courier legs.
const (
	TplOriginalsCollected    = "originals_collected"
	TplOriginalsPickupFailed = "originals_pickup_failed"
	TplDeliveryFailed        = "delivery_failed"
)

// OriginalsStage is how far the collection of a case's originals has got.
type OriginalsStage string

// Stages of the collection of originals.
const (
	// OriginalsPickedUp: the courier has the originals from the applicant.
	OriginalsPickedUp OriginalsStage = "picked_up"
	// OriginalsReceived: the department has the originals in hand (from the
	// courier, or handed in at the counter).
	OriginalsReceived OriginalsStage = "received"
	// OriginalsFailed: the courier could not collect or bring them.
	OriginalsFailed OriginalsStage = "failed"
)

// LegFailure says why a courier leg ended without doing its job.
type LegFailure string

// Leg failures.
const (
	// LegRefused: the applicant refused to hand over or to accept the parcel.
	LegRefused LegFailure = "refused"
	// LegUndeliverable: every attempt failed (nobody there, wrong address).
	LegUndeliverable LegFailure = "undeliverable"
	// LegLost: the parcel was lost in transit.
	LegLost LegFailure = "lost"
)

// Valid reports whether f is a known failure.
func (f LegFailure) Valid() bool {
	switch f {
	case LegRefused, LegUndeliverable, LegLost:
		return true
	}
	return false
}

// note is f in Chinese, for the applicant.
func (f LegFailure) note() string {
	switch f {
	case LegRefused:
		return "收件人拒收"
	case LegUndeliverable:
		return "多次投递未成功"
	case LegLost:
		return "快件在寄递途中遗失"
	}
	return string(f)
}

// Originals is the collection of a case's originals by courier (材料收取):
// what was collected under which waybill, and when it reached the
// department. Failure and FailedAt record a collection that did not
// succeed; the originals may still be handed in at the counter afterwards.
type Originals struct {
	Waybill    string     `json:"waybill,omitempty"`
	Materials  []string   `json:"materials,omitempty"`
	PickedUpAt time.Time  `json:"picked_up_at,omitzero"`
	ReceivedAt time.Time  `json:"received_at,omitzero"`
	FailedAt   time.Time  `json:"failed_at,omitzero"`
	Failure    LegFailure `json:"failure,omitempty"`
}

// Received reports whether the department has the originals.
func (o *Originals) Received() bool { return o != nil && !o.ReceivedAt.IsZero() }

// CollectOriginals records progress of the collection of originals: picked
// up from the applicant, received by the department, or failed (with the
// reason). A clerk records originals handed in at the counter as received.
type CollectOriginals struct {
	Meta      `json:"-"`
	Stage     OriginalsStage `json:"stage"`
	Waybill   string         `json:"waybill,omitempty"`
	Materials []string       `json:"materials,omitempty"`
	Reason    LegFailure     `json:"reason,omitempty"`
	Note      string         `json:"note,omitempty"`
}

// DeliveryFailed records that the result could not be handed over: the
// applicant refused it, every attempt failed, or the parcel was lost. The
// case goes back to approved. A refused or undeliverable result waits at
// the department's counter (its verification on completion starts when a
// clerk dispatches it there); a lost one is made out again and sent anew.
type DeliveryFailed struct {
	Meta    `json:"-"`
	Waybill string     `json:"waybill,omitempty"`
	Reason  LegFailure `json:"reason"`
	Note    string     `json:"note,omitempty"`
}

// EventName returns the event's name.
func (CollectOriginals) EventName() EventName { return EventCollectOriginals }

// EventName returns the event's name.
func (DeliveryFailed) EventName() EventName { return EventDeliveryFailed }

func (e CollectOriginals) withAt(t time.Time) Event { e.At = t; return e }
func (e DeliveryFailed) withAt(t time.Time) Event   { e.At = t; return e }

// collectOriginals records a stage of the collection of originals. Each
// stage is recorded once; a stage reported after a later one (a push out of
// order) is refused as a duplicate, so the caller can skip it.
func collectOriginals(s *step, ev CollectOriginals) error {
	c := s.c
	o := Originals{}
	if c.Originals != nil {
		o = *c.Originals
		o.Materials = slices.Clone(o.Materials)
	}
	if len(ev.Materials) > 0 {
		it, err := s.item()
		if err != nil {
			return err
		}
		for i, code := range ev.Materials {
			if _, ok := it.Material(code); !ok {
				return invalid(fmt.Sprintf("materials[%d]", i), fmt.Sprintf("unknown material %q", code), "材料"+code+"不属于该事项")
			}
		}
		o.Materials = slices.Clone(ev.Materials)
	}
	prevWaybill := o.Waybill
	if ev.Waybill != "" {
		o.Waybill = ev.Waybill
	}
	switch ev.Stage {
	case OriginalsPickedUp:
		if !o.PickedUpAt.IsZero() || !o.ReceivedAt.IsZero() {
			return fmt.Errorf("%w: originals already picked up", ErrDuplicate)
		}
		o.PickedUpAt = s.at
		s.notify(TplOriginalsCollected, map[string]string{"waybill": o.Waybill})
	case OriginalsReceived:
		if !o.ReceivedAt.IsZero() {
			return fmt.Errorf("%w: originals already received", ErrDuplicate)
		}
		if o.PickedUpAt.IsZero() {
			o.PickedUpAt = s.at
		}
		o.ReceivedAt = s.at
	case OriginalsFailed:
		switch {
		case !ev.Reason.Valid():
			return invalid("reason", fmt.Sprintf("unknown reason %q", ev.Reason), "请说明收取失败的原因")
		case !o.ReceivedAt.IsZero():
			return fmt.Errorf("%w: originals already received", ErrDuplicate)
		case !o.FailedAt.IsZero() && o.Failure == ev.Reason && prevWaybill == ev.Waybill:
			return fmt.Errorf("%w: failure already recorded", ErrDuplicate)
		}
		o.FailedAt, o.Failure = s.at, ev.Reason
		s.notify(TplOriginalsPickupFailed, map[string]string{
			"reason": ev.Reason.note(), "next": "请携带材料原件至" + c.Terms.DepartmentName + "窗口提交",
		})
	default:
		return invalid("stage", fmt.Sprintf("unknown stage %q", ev.Stage), "原件收取环节不正确")
	}
	c.Originals = &o
	s.reason = string(ev.Stage)
	if ev.Stage == OriginalsFailed {
		s.reason += ":" + string(ev.Reason)
	}
	return nil
}

// requireOriginals refuses a decision on an item whose originals are
// collected by courier before they have reached the department.
func (s *step) requireOriginals() error {
	if s.c.Terms.NeedsOriginalsPickup && !s.c.Originals.Received() {
		return invalid("originals", "the originals have not reached the department",
			"材料原件尚未送达审批部门，暂不能作出准予许可决定")
	}
	return nil
}

// deliveryFailed takes an undelivered result back to approved. Unless the
// parcel was lost, the result now waits at the counter.
func deliveryFailed(s *step, ev DeliveryFailed) error {
	if !ev.Reason.Valid() {
		return invalid("reason", fmt.Sprintf("unknown reason %q", ev.Reason), "请说明未能送达的原因")
	}
	c := s.c
	next := "结果文书将重新制作并再次寄送"
	if ev.Reason != LegLost {
		c.Delivery.Method = DeliveryPickup
		next = "请携带身份证件至" + c.Terms.DepartmentName + "窗口领取办理结果"
	}
	s.to = StatusApproved
	s.reason = string(ev.Reason)
	s.notify(TplDeliveryFailed, map[string]string{"reason": ev.Reason.note(), "next": next, "waybill": ev.Waybill})
	return nil
}
