package citizen

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// maxPersonName bounds a person's name in characters.
const maxPersonName = 64

// Refusals of real-name binding.
var (
	errRealNameMismatch = workflow.Refuse(workflow.ErrInvalidInput, "real_name_mismatch", "姓名与身份证号码不一致，实名认证未通过")
	errIdentityBound    = workflow.Refuse(workflow.ErrConflict, "identity_already_bound", "该账号已绑定其他实名身份")
	errBoundElsewhere   = workflow.Refuse(workflow.ErrConflict, "identity_bound_elsewhere",
		"该身份已在其他账号完成实名认证，请在原账号“我的—关联账号”中获取关联码后再绑定；如非本人绑定，请完成人脸核身找回")
)

// BindIdentity binds the caller's real name (实名认证) after the
// population library confirmed that name and number belong together.
// Accounts of the same verified person on any channel become one citizen,
// but an identity another citizen holds is joined only with a link code
// that citizen's account issued: a name and an ID number alone leak too
// easily to prove anything. It returns the citizen the account now
// belongs to.
func (s *Service) BindIdentity(ctx context.Context, c Caller, name, idNumber, linkCode string) (Citizen, error) {
	name, number, err := s.checkPerson(ctx, name, idNumber)
	if err != nil {
		return Citizen{}, err
	}
	linkTo := ""
	if linkCode != "" {
		if linkTo, err = s.redeemLinkCode(ctx, linkCode); err != nil {
			return Citizen{}, err
		}
	}
	cit, err := s.cfg.Store.BindIdentity(ctx, c.Account.ID, name, number, linkTo)
	if err != nil && linkTo != "" {
		s.releaseLinkCode(ctx, linkCode)
	}
	switch {
	case errors.Is(err, ErrIdentityBound):
		return Citizen{}, errIdentityBound.Because(err)
	case errors.Is(err, ErrIdentityElsewhere):
		return Citizen{}, errBoundElsewhere.Because(err)
	case err != nil:
		return Citizen{}, err
	}
	if linkTo != "" {
		s.spendLinkCode(ctx, linkCode)
	}
	return cit, nil
}

// checkPerson validates a name and resident ID number and checks them with
// the population library. The number it returns is normalised.
func (s *Service) checkPerson(ctx context.Context, name, idNumber string) (string, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxPersonName {
		return "", "", invalidField("invalid_name", "请填写正确的姓名", "name")
	}
	number, err := s.parseResidentID(idNumber)
	if err != nil {
		return "", "", err
	}
	if s.cfg.People == nil {
		return "", "", workflow.ErrUnavailable
	}
	ok, err := s.cfg.People.VerifyRealName(ctx, name, number)
	if errors.Is(err, ErrNoRecord) || (err == nil && !ok) {
		// The same answer for an unknown number and a wrong name: the
		// endpoint must not tell which numbers exist.
		return "", "", errRealNameMismatch
	}
	if err != nil {
		return "", "", err
	}
	return name, number, nil
}

// parseResidentID validates a resident ID number for a refusal naming the
// field id_number, and returns it normalised.
func (s *Service) parseResidentID(idNumber string) (string, error) {
	id, err := ident.ParseResidentID(idNumber, s.cfg.Now())
	var ie *ident.Error
	if errors.As(err, &ie) {
		return "", workflow.Refuse(workflow.ErrInvalidInput, "invalid_id_number", ie.Message).
			WithDetail(map[string]string{"field": "id_number", "reason": ie.Code})
	}
	if err != nil {
		return "", err
	}
	return id.Number, nil
}
