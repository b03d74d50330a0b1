package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zerovisit/workflow"
)

// doorCheck validates a delivery scan's checks and the recipient's
// identity, and returns the door check to record. Nothing about the ID
// number is kept but whether it matched. found are the photos the scan's
// lookup read (of l's case's legs, with the keys the checks name).
func (s *Service) doorCheck(ctx context.Context, l Leg, courierID string, req ScanRequest, found []Photo) (*DoorCheck, error) {
	if l.Door != nil {
		return nil, workflow.Refuse(workflow.ErrDuplicate, "door_check_done", "该运单已完成上门核验")
	}
	if strings.TrimSpace(req.IDNumber) == "" {
		return nil, refuse(workflow.ErrInvalidInput, "identity_required", "请核验收件人身份证件", map[string]string{"field": "id_number"})
	}
	ok, err := s.cfg.Identities.MatchesApplicant(ctx, l.ApplicantID, req.IDNumber)
	var refusal *workflow.Refusal
	switch {
	case errors.As(err, &refusal):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("check the recipient of leg %s: %w: %w", l.ID, workflow.ErrUnavailable, err)
	case !ok:
		return nil, refuse(workflow.ErrInvalidInput, "identity_mismatch", "收件人身份与申请人不符，不能交付", nil)
	}
	want := map[string]bool{}
	for _, m := range l.Materials {
		want[m] = true
	}
	d := &DoorCheck{CourierID: courierID, ScanID: req.ClientID, At: orNow(req.At, s.cfg.Now()), IdentityMatched: true}
	seen := map[string]bool{}
	photos := map[string]Photo{}
	for _, p := range found {
		if p.LegID == l.ID {
			photos[p.Key] = p
		}
	}
	for i, c := range req.Checks {
		field := fmt.Sprintf("checks[%d]", i)
		switch {
		case !want[c.Material]:
			return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "该材料不在上门核验清单中", map[string]string{"field": field})
		case seen[c.Material]:
			return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "同一材料只能核验一次", map[string]string{"field": field})
		case !c.Passed && strings.TrimSpace(c.Note) == "":
			return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "核验不通过须说明原因", map[string]string{"field": field + ".note"})
		case len([]rune(c.Note)) > 200:
			return nil, refuse(workflow.ErrInvalidInput, "invalid_field", "说明不能超过 200 字", map[string]string{"field": field + ".note"})
		}
		seen[c.Material] = true
		p, ok := photos[c.PhotoKey]
		if !ok {
			return nil, refuse(workflow.ErrInvalidInput, "photo_missing", "请先上传该材料原件的照片", map[string]string{"field": field + ".photo_key"})
		}
		d.Results = append(d.Results, CheckResult{Material: c.Material, Passed: c.Passed, Note: c.Note, PhotoKey: p.Key, PhotoSM3: p.SM3})
	}
	if len(seen) != len(want) {
		return nil, refuse(workflow.ErrInvalidInput, "checklist_incomplete", "请逐项核验清单中的全部材料原件", map[string]any{"checklist": l.Materials})
	}
	return d, nil
}

// normalizeID is the form of a resident ID number the blind index takes:
// trimmed, with a check character x in upper case.
func normalizeID(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// IDIndex is the blind index of a resident ID number, for Identities
// implementations that compare one.
func IDIndex(sealer Sealer, idNumber string) string {
	return sealer.Index("id_number", normalizeID(idNumber))
}
