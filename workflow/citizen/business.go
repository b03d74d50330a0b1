package citizen

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// Refusals of acting for a business.
var (
	errNotRepresentative = workflow.Refuse(workflow.ErrForbidden, "not_legal_representative",
		"您不是该企业的法定代表人，请由法定代表人授权后办理")
	errNotManager     = workflow.Refuse(workflow.ErrForbidden, "not_legal_representative", "仅企业法定代表人可以管理经办人授权")
	errNotForBusiness = workflow.Refuse(workflow.ErrForbidden, "not_authorised_for_business", "您未获该企业授权办理")
	errAgentUnknown   = workflow.Refuse(workflow.ErrInvalidInput, "agent_not_registered",
		"被授权人须先在小程序完成实名认证，且姓名与身份证号码一致")
)

// Agencies returns the businesses a person acts for now.
func (s *Service) Agencies(ctx context.Context, personID string) ([]Agency, error) {
	return s.cfg.Store.Agencies(ctx, personID)
}

// Principals are the applicant ids the caller may act as: the person, and
// the businesses they currently act for.
func (s *Service) Principals(ctx context.Context, c Caller) ([]string, error) {
	agencies, err := s.cfg.Store.Agencies(ctx, c.Citizen.ID)
	if err != nil {
		return nil, err
	}
	out := []string{c.Citizen.ID}
	for _, a := range agencies {
		out = append(out, a.Business.ID)
	}
	return out, nil
}

// ActsFor reports whether the caller may act for an applicant: the person
// themselves, or a business they act for.
func (s *Service) ActsFor(ctx context.Context, c Caller, applicantID string) (bool, error) {
	if applicantID == c.Citizen.ID {
		return true, nil // the person's own: no agency to look up
	}
	ps, err := s.Principals(ctx, c)
	if err != nil {
		return false, err
	}
	return slices.Contains(ps, applicantID), nil
}

// maxCaseID bounds a case id before it reaches the store.
const maxCaseID = 64

// ErrCaseNotFound is what a caller hears of a case that is not theirs: the
// same as of one that does not exist, so nothing leaks.
var ErrCaseNotFound = workflow.Refuse(workflow.ErrNotFound, "case_not_found", "办件不存在")

// Case returns a case the caller may act on: their own, or one of a
// business they act for.
func (s *Service) Case(ctx context.Context, c Caller, id string) (workflow.Case, error) {
	return s.OwnCase(ctx, c, id, s.cfg.Cases.Get)
}

// CaseRead reads a case by id; workflow.ErrNotFound when there is none.
type CaseRead func(ctx context.Context, id string) (workflow.Case, error)

// OwnCase is Case with the case read by read, so that an area can read
// what it keeps of the case in the same statement: the case is returned
// only when the caller may act on it, ErrCaseNotFound otherwise.
func (s *Service) OwnCase(ctx context.Context, c Caller, id string, read CaseRead) (workflow.Case, error) {
	if len(id) == 0 || len(id) > maxCaseID {
		return workflow.Case{}, ErrCaseNotFound
	}
	cs, err := read(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) {
		return workflow.Case{}, ErrCaseNotFound.Because(err)
	}
	if err != nil {
		return workflow.Case{}, err
	}
	ok, err := s.ActsFor(ctx, c, cs.ApplicantID)
	if err != nil {
		return workflow.Case{}, err
	}
	if !ok {
		return workflow.Case{}, ErrCaseNotFound
	}
	return cs, nil
}

// Principal is who applies: the caller when businessID is empty, or the
// business of that id they act for.
func (s *Service) Principal(ctx context.Context, c Caller, businessID string) (Citizen, error) {
	if businessID == "" {
		return c.Citizen, nil
	}
	a, err := s.cfg.Store.Agency(ctx, businessID, c.Citizen.ID)
	if err != nil {
		return Citizen{}, errNotForBusiness.Because(err)
	}
	return a.Business, nil
}

// BindBusiness makes the caller act for a business as its legal
// representative, after the legal-entity library confirms it: the company
// is in business and its representative is the caller, by name and full
// ID number. Only a verified person may: a name and a number alone are
// what a company's clerk or a leak knows.
func (s *Service) BindBusiness(ctx context.Context, c Caller, uscc string) error {
	if err := RequireVerified(c); err != nil {
		return err
	}
	if !c.Citizen.Level().AtLeast(workflow.AssuranceVerifiedPerson) {
		return workflow.ErrVerifiedPersonRequired
	}
	code, err := ident.ParseUSCC(strings.TrimSpace(uscc))
	var ie *ident.Error
	if errors.As(err, &ie) {
		return workflow.Refuse(workflow.ErrInvalidInput, "invalid_uscc", ie.Message).
			WithDetail(map[string]string{"field": "uscc", "reason": ie.Code})
	}
	if err != nil {
		return err
	}
	co, err := s.representative(ctx, c, code.Code)
	if err != nil {
		return err
	}
	_, err = s.cfg.Store.BindBusiness(ctx, c.Citizen.ID, code.Code, co.Name, RoleLegalRepresentative, "", time.Time{})
	return err
}

// representative is the company the legal-entity library says is in
// business with the caller as its legal representative.
func (s *Service) representative(ctx context.Context, c Caller, uscc string) (Company, error) {
	if s.cfg.People == nil {
		return Company{}, workflow.ErrUnavailable
	}
	co, err := s.cfg.People.Company(ctx, uscc)
	switch {
	case errors.Is(err, ErrNoRecord):
		return Company{}, workflow.Refuse(workflow.ErrInvalidInput, "company_not_found", "法人库中未查到该企业")
	case err != nil:
		return Company{}, err
	case !co.InBusiness:
		return Company{}, workflow.Refuse(workflow.ErrInvalidInput, "company_inactive", "该企业不在存续状态，不能办理")
	}
	ok, err := s.cfg.People.IsRepresentative(ctx, uscc, c.Citizen.Name, c.Citizen.IDNumber)
	switch {
	case errors.Is(err, ErrNoRecord):
		return Company{}, workflow.Refuse(workflow.ErrInvalidInput, "company_not_found", "法人库中未查到该企业")
	case err != nil:
		return Company{}, err
	case !ok:
		return Company{}, errNotRepresentative
	}
	return co, nil
}

// AgentGrant names the verified person a legal representative authorises
// to act for the business (经办人), until ValidUntil (for good when nil).
type AgentGrant struct {
	Name       string
	IDNumber   string
	ValidUntil *time.Time
}

// GrantAgent lets the legal representative of a business authorise
// another verified citizen, named by name and ID number, to act for it. It
// returns the business and the agent.
func (s *Service) GrantAgent(ctx context.Context, c Caller, businessID string, g AgentGrant) (Citizen, Citizen, error) {
	biz, err := s.represented(ctx, c, businessID)
	if err != nil {
		return Citizen{}, Citizen{}, err
	}
	var until time.Time
	if g.ValidUntil != nil {
		if !g.ValidUntil.After(s.cfg.Now()) {
			return Citizen{}, Citizen{}, invalidField("invalid_valid_until", "授权有效期应晚于当前时间", "valid_until")
		}
		until = *g.ValidUntil
	}
	number, err := s.parseResidentID(g.IDNumber)
	if err != nil {
		return Citizen{}, Citizen{}, err
	}
	agent, err := s.cfg.Store.FindPerson(ctx, number)
	switch {
	case errors.Is(err, workflow.ErrNotFound) || (err == nil && agent.Name != strings.TrimSpace(g.Name)):
		return Citizen{}, Citizen{}, errAgentUnknown
	case err != nil:
		return Citizen{}, Citizen{}, err
	}
	if _, err := s.cfg.Store.BindBusiness(ctx, agent.ID, biz.IDNumber, biz.Name, RoleAgent, c.Citizen.ID, until); err != nil {
		return Citizen{}, Citizen{}, err
	}
	return biz, agent, nil
}

// RevokeAgent withdraws an agent's authorisation or another legal
// representative's binding (one the library no longer names, say); any
// legal representative the library still names may, but not their own.
func (s *Service) RevokeAgent(ctx context.Context, c Caller, businessID, personID string) error {
	biz, err := s.represented(ctx, c, businessID)
	if err != nil {
		return err
	}
	if personID == c.Citizen.ID {
		return workflow.Refuse(workflow.ErrInvalidInput, "cannot_revoke_self", "法定代表人不能撤销自己的身份")
	}
	if _, err := s.cfg.Store.Agency(ctx, biz.ID, personID); err != nil {
		return workflow.Refuse(workflow.ErrNotFound, "agent_not_found", "未找到该经办人授权")
	}
	return s.cfg.Store.RevokeAgency(ctx, biz.ID, personID)
}

// represented is the business the caller is the legal representative of:
// bound as such, a verified person, and still named by the legal-entity
// library (a representative replaced there manages nothing any more).
func (s *Service) represented(ctx context.Context, c Caller, businessID string) (Citizen, error) {
	a, err := s.cfg.Store.Agency(ctx, businessID, c.Citizen.ID)
	if err != nil || a.Role != RoleLegalRepresentative {
		return Citizen{}, errNotManager
	}
	if !c.Citizen.Level().AtLeast(workflow.AssuranceVerifiedPerson) {
		return Citizen{}, workflow.ErrVerifiedPersonRequired
	}
	if _, err := s.representative(ctx, c, a.Business.IDNumber); err != nil {
		if errors.Is(err, errNotRepresentative) {
			return Citizen{}, errNotManager
		}
		return Citizen{}, err
	}
	return a.Business, nil
}
