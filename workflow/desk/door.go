package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// doorCheck validates a delivery scan's checks and the recipient's
// identity, and returns the door check to record. Nothing about the ID
// number is kept but whether it matched. found are the photos the scan's
// lookup read (of l's case's legs, with the keys the checks name). The
// number is compared last, after the courier's rate and the leg's
// allowance of failures have counted the attempt (checkIdentity).
func (s *Service) doorCheck(ctx context.Context, l Leg, courierID string, req ScanRequest, found []Photo) (*DoorCheck, error) {
	if l.Door != nil {
		return nil, workflow.Refuse(workflow.ErrDuplicate, "door_check_done", "该运单已完成上门核验")
	}
	if strings.TrimSpace(req.IDNumber) == "" {
		return nil, refuse(workflow.ErrInvalidInput, "identity_required", "请核验收件人身份证件", map[string]string{"field": "id_number"})
	}
	d := &DoorCheck{CourierID: courierID, ScanID: req.ClientID, At: orNow(req.At, s.cfg.Now()), IdentityMatched: true}
	results, err := checkOriginals(l, req.Checks, found)
	if err != nil {
		return nil, err
	}
	d.Results = results
	if err := s.checkIdentity(ctx, l, courierID, req.IDNumber); err != nil {
		return nil, err
	}
	return d, nil
}

// checkOriginals validates the checks of the originals on l's checklist,
// each with a photo taken for l (found may hold other legs' photos).
func checkOriginals(l Leg, checks []CheckInput, found []Photo) ([]CheckResult, error) {
	want := map[string]bool{}
	for _, m := range l.Materials {
		want[m] = true
	}
	seen := map[string]bool{}
	photos := map[string]Photo{}
	for _, p := range found {
		if p.LegID == l.ID {
			photos[p.Key] = p
		}
	}
	var out []CheckResult
	for i, c := range checks {
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
		out = append(out, CheckResult{Material: c.Material, Passed: c.Passed, Note: c.Note, PhotoKey: p.Key, PhotoSM3: p.SM3})
	}
	if len(seen) != len(want) {
		return nil, refuse(workflow.ErrInvalidInput, "checklist_incomplete", "请逐项核验清单中的全部材料原件", map[string]any{"checklist": l.Materials})
	}
	return out, nil
}

// checkIdentity compares the recipient's ID number with the applicant's.
// Before it does, the attempt is spent from the courier's rate and
// counted as a failure of the leg, each in one atomic step, so parallel
// attempts compare no more numbers than both allow; a number that was not
// compared is uncounted after (one that matched ends the door checks).
// Refused and failed attempts are recorded on the leg's tracks, so the
// office sees a courier trying numbers.
func (s *Service) checkIdentity(ctx context.Context, l Leg, courierID, idNumber string) error {
	if s.cfg.Limiter != nil {
		res, err := s.cfg.Limiter.Allow(ctx, "door-check:"+courierID, s.cfg.DoorChecks)
		if err != nil {
			return fmt.Errorf("door check rate of courier %s: %w", courierID, err)
		}
		if !res.Allowed {
			r := workflow.Refuse(workflow.ErrRateLimited, "door_check_rate_limited", "身份核验过于频繁，请稍后再试")
			r.RetryAfter = res.RetryAfter
			return s.doorRefused(ctx, l, courierID, r)
		}
	}
	counted, err := s.cfg.Store.CountDoorFailure(ctx, l.ID, courierID, s.cfg.DoorFailures)
	switch {
	case errors.Is(err, ErrLegTaken):
		// A colleague took the leg meanwhile: their checks, not ours.
		return errLegOfAnotherCourier
	case err != nil:
		return err
	case !counted:
		return s.doorRefused(ctx, l, courierID, errDoorLocked)
	}
	ok, err := s.cfg.Identities.MatchesApplicant(ctx, l.ApplicantID, idNumber)
	switch {
	case err == nil && ok:
		// The count stays: the check ends the leg's door checks.
		return nil
	case err == nil:
		return s.doorRefused(ctx, l, courierID, errIdentityMismatch)
	}
	// The number was not compared (not a resident ID number, or the
	// directory is down): it tested nothing.
	if uerr := s.cfg.Store.UncountDoorFailure(ctx, l.ID); uerr != nil {
		s.cfg.Log.ErrorContext(ctx, "uncount door check", "leg_id", l.ID, "err", uerr)
	}
	var refusal *workflow.Refusal
	if errors.As(err, &refusal) {
		return err
	}
	return fmt.Errorf("check the recipient of leg %s: %w: %w", l.ID, workflow.ErrUnavailable, err)
}

// doorRefused records a refused door check on the leg's tracks and in the
// log, and returns the refusal.
func (s *Service) doorRefused(ctx context.Context, l Leg, courierID string, r *workflow.Refusal) error {
	now := s.cfg.Now()
	t := Track{LegID: l.ID, Source: DoorSource, Key: s.newID(), State: parcel.StateUnknown, Code: r.Code, At: now,
		Actor: workflow.Actor{Kind: workflow.ActorCourier, ID: courierID}, Note: r.Message, ReceivedAt: now}
	s.cfg.Log.WarnContext(ctx, "door check refused", "leg_id", l.ID, "case_id", l.CaseID, "courier_id", courierID, "code", r.Code)
	if err := s.cfg.Store.AddDoorRefusal(ctx, t); err != nil {
		s.cfg.Log.ErrorContext(ctx, "record refused door check", "leg_id", l.ID, "code", r.Code, "err", err)
	}
	return r
}

var (
	errIdentityMismatch = workflow.Refuse(workflow.ErrInvalidInput, "identity_mismatch", "收件人身份与申请人不符，不能交付")
	// errDoorLocked refuses a door check of a leg out of failures: the
	// result goes back to the office (a refused scan brings it back).
	errDoorLocked = workflow.Refuse(workflow.ErrLocked, "door_check_locked",
		"该运单身份核验失败次数过多，已停止核验，请将结果退回办理机构")
)

// normalizeID is the form of a resident ID number the blind index takes:
// trimmed, with a check character x in upper case.
func normalizeID(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// IDIndex is the blind index of a resident ID number, for Identities
// implementations that compare one.
func IDIndex(sealer Sealer, idNumber string) string {
	return sealer.Index("id_number", normalizeID(idNumber))
}

// DoorSource is the track source of refused door checks.
const DoorSource = "door"
