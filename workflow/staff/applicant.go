package staff

import (
	"context"
	"strings"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// ApplicantView is the applicant block of a case page (申请人): masked by
// default; the full ID number and phone only when a member of staff who
// handles cases asks, and that read is logged in the case's staff log.
type ApplicantView struct {
	Type      workflow.ApplicantType `json:"type"`
	Name      string                 `json:"name"`
	IDNumber  string                 `json:"id_number"`
	Phone     string                 `json:"phone,omitempty"`
	Walkin    bool                   `json:"walkin"`
	Assurance workflow.Assurance     `json:"assurance,omitempty"`
	Revealed  bool                   `json:"revealed"`
}

// Applicant returns the applicant of a case of the caller's department.
// reveal asks for the full ID number and phone: only clerks and reviewers
// (who handle the case) may, and each reveal is written to the case's
// staff log with who asked.
func (s *Service) Applicant(ctx context.Context, who Caller, caseID string, reveal bool) (ApplicantView, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return ApplicantView{}, err
	}
	if reveal && !who.Handles() {
		return ApplicantView{}, refuse(workflow.ErrForbidden, "reveal_forbidden", "仅办理人员可查看申请人完整信息", nil)
	}
	h, err := s.holder(ctx, cs.ApplicantID)
	if err != nil {
		return ApplicantView{}, err
	}
	v := ApplicantView{Type: cs.ApplicantType, Name: h.Name, IDNumber: h.ID, Walkin: IsWalkin(cs.ApplicantID), Assurance: cs.Assurance}
	if v.Type == "" {
		v.Type = workflow.ApplicantPerson
	}
	if v.Walkin {
		v.Phone = s.walkinPhone(ctx, cs.ApplicantID)
	}
	if !reveal {
		v.Name = ident.MaskName(v.Name)
		if v.Type == workflow.ApplicantPerson {
			v.IDNumber = ident.MaskResidentID(v.IDNumber)
		}
		v.Phone = ident.MaskPhone(v.Phone)
		return v, nil
	}
	if err := s.cfg.Store.LogAccess(ctx, cs.ID, who.ID, ActionRevealApplicant, s.cfg.Now(), nil); err != nil {
		return ApplicantView{}, err
	}
	v.Revealed = true
	return v, nil
}

// walkinPhone is a walk-in applicant's phone, or "" when none was given
// or it cannot be opened.
func (s *Service) walkinPhone(ctx context.Context, applicantID string) string {
	w, err := s.cfg.Store.CounterApplicantByID(ctx, applicantID)
	if err != nil || w.PhoneSealed == "" || s.cfg.Sealer == nil {
		return ""
	}
	p, err := s.cfg.Sealer.Open(w.PhoneSealed, walkinContext(w.ID, "phone"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(p)
}
