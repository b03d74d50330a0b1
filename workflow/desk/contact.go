package desk

import (
	"context"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// ContactSource is the track source of a courier reading a leg's contact.
const ContactSource = "contact"

// LegContact is the applicant's end of a leg in full, for the courier who
// holds it to find the door and call.
type LegContact struct {
	LegID   string `json:"leg_id"`
	Waybill string `json:"waybill"`
	parcel.Contact
}

var (
	errLegNotHeld = workflow.Refuse(workflow.ErrForbidden, "leg_not_held",
		"请先扫描揽收该运单，揽收后可查看收件人完整联系方式")
	errLegFinished = workflow.Refuse(workflow.ErrConflict, "leg_finished", "该运单已结束，不再显示收件人联系方式")
)

// LegContact returns the applicant's contact of a leg in full, only to the
// courier who holds it and only while it is active. Each reading is put on
// the leg's tracks, for the office to see, and in the log.
func (s *Service) LegContact(ctx context.Context, courierID, legID string) (LegContact, error) {
	l, err := s.courierLeg(ctx, courierID, legID)
	if err != nil {
		return LegContact{}, err
	}
	switch {
	case l.CourierID != courierID:
		return LegContact{}, errLegNotHeld
	case l.Status.Terminal():
		return LegContact{}, errLegFinished
	}
	party, err := s.openParty(l)
	if err != nil {
		return LegContact{}, err
	}
	now := s.cfg.Now()
	t := Track{LegID: l.ID, Source: ContactSource, Key: s.newID(), State: parcel.StateUnknown, Code: "contact_read", At: now,
		Actor: workflow.Actor{Kind: workflow.ActorCourier, ID: courierID}, Note: "快递员查看收件人完整联系方式", ReceivedAt: now}
	if err := s.cfg.Store.AddDoorRefusal(ctx, t); err != nil {
		return LegContact{}, err
	}
	s.cfg.Log.InfoContext(ctx, "leg contact read", "leg_id", l.ID, "case_id", l.CaseID, "courier_id", courierID)
	return LegContact{LegID: l.ID, Waybill: l.Waybill, Contact: party}, nil
}
