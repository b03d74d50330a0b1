package desk

import (
	"context"

	"zerovisit/workflow"
)

// DoorEvidence is what a clerk reviewing a failed verification sees of a
// check at the door: the leg, the courier, when and where (the delivery
// address, masked past the district), whether the recipient's identity
// matched, and each original's check with its photo.
type DoorEvidence struct {
	LegID           string        `json:"leg_id"`
	Waybill         string        `json:"waybill"`
	CourierID       string        `json:"courier_id"`
	CourierName     string        `json:"courier_name,omitempty"`
	At              string        `json:"at"`
	Place           string        `json:"place"`
	IdentityMatched bool          `json:"identity_matched"`
	Results         []CheckResult `json:"results"`
}

// DoorEvidence returns the door checks made on the case's deliveries,
// oldest first.
func (s *Service) DoorEvidence(ctx context.Context, caseID string) ([]DoorEvidence, error) {
	legs, err := s.cfg.Store.CaseLegs(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := []DoorEvidence{}
	for _, l := range legs {
		if l.Kind != KindDelivery || l.Door == nil {
			continue
		}
		d := l.Door
		ev := DoorEvidence{LegID: l.ID, Waybill: l.Waybill, CourierID: d.CourierID, At: d.At.In(cst).Format("2006-01-02 15:04:05"),
			IdentityMatched: d.IdentityMatched, Results: d.Results}
		if c, err := s.cfg.Store.Courier(ctx, d.CourierID); err == nil {
			if name, err := s.cfg.Sealer.Open(c.Name, "courier:"+c.ID+":name"); err == nil {
				ev.CourierName = string(name)
			}
		}
		if p, err := s.openParty(l); err == nil {
			ev.Place = p.Masked().Address
		}
		out = append(out, ev)
	}
	return out, nil
}

// DoorPhoto returns the blob key of a door photo of the case, refusing a
// key that is not one of its door checks' photos.
func (s *Service) DoorPhoto(ctx context.Context, caseID, key string) (string, error) {
	evs, err := s.DoorEvidence(ctx, caseID)
	if err != nil {
		return "", err
	}
	for _, ev := range evs {
		for _, r := range ev.Results {
			if r.PhotoKey == key && key != "" {
				return key, nil
			}
		}
	}
	return "", workflow.Refuse(workflow.ErrNotFound, "photo_not_found", "该办件没有这张上门核验照片")
}
