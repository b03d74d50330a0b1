package staff

import (
	"context"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// DoorChecks reads the checks couriers made at the door of a case's
// deliveries (the courier desk, *desk.Service), as evidence for a clerk
// reviewing a failed verification.
type DoorChecks interface {
	DoorEvidence(ctx context.Context, caseID string) ([]desk.DoorEvidence, error)
	// DoorPhoto returns the blob key of one of the case's door photos.
	DoorPhoto(ctx context.Context, caseID, key string) (string, error)
}

// BreachEvidence is what a clerk reviews of a commitment in doubt: the
// finding, the rectification and statements, and the door checks. Only
// staff of the case's department read it (administrators of the console
// do not), and each read is logged.
type BreachEvidence struct {
	Breach *workflow.Breach    `json:"breach"`
	Door   []desk.DoorEvidence `json:"door_checks"`
}

// BreachEvidence returns the evidence of the case's commitment in doubt.
func (s *Service) BreachEvidence(ctx context.Context, who Caller, caseID string) (BreachEvidence, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return BreachEvidence{}, err
	}
	if cs.Breach == nil {
		return BreachEvidence{}, errNoBreach
	}
	s.cfg.Log.InfoContext(ctx, "breach evidence read", "staff_id", who.ID, "case_id", cs.ID)
	out := BreachEvidence{Breach: cs.Breach, Door: []desk.DoorEvidence{}}
	if s.cfg.Doors != nil {
		if out.Door, err = s.cfg.Doors.DoorEvidence(ctx, cs.ID); err != nil {
			return BreachEvidence{}, err
		}
	}
	return out, nil
}

// BreachPhoto returns the blob key of a door photo of the case, for a
// member of staff who may read it; the read is logged.
func (s *Service) BreachPhoto(ctx context.Context, who Caller, caseID, key string) (string, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return "", err
	}
	if s.cfg.Doors == nil || cs.Breach == nil {
		return "", errNoBreach
	}
	k, err := s.cfg.Doors.DoorPhoto(ctx, cs.ID, key)
	if err != nil {
		return "", err
	}
	if err := s.cfg.Store.LogAccess(ctx, cs.ID, who.ID, ActionReadDoorPhoto, s.cfg.Now(), map[string]string{"key": key}); err != nil {
		return "", err
	}
	return k, nil
}

var errNoBreach = workflow.Refuse(workflow.ErrNotFound, "no_breach", "该办件没有待审查的承诺问题")
