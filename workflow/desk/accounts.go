package desk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// NewCourier is an account to add.
type NewCourier struct {
	Name    string
	Phone   string
	Company string
	// Provider binds the account to one provider's legs (sf, kuaidi100).
	Provider string
	Password string
}

// providerName is the form of a provider adapter's name (sf, kuaidi100).
var providerName = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)

// AddCourier creates an account; the phone is the sign-in name. Name and
// phone are sealed, and the phone is found again by its blind index.
func (s *Service) AddCourier(ctx context.Context, n NewCourier) (Courier, error) {
	phone := ident.NormalizeMobile(n.Phone)
	switch {
	case strings.TrimSpace(n.Name) == "" || utf8.RuneCountInString(n.Name) > 32:
		return Courier{}, fmt.Errorf("add courier: %w: a name of 1 to 32 characters is required", workflow.ErrInvalidInput)
	case !ident.ValidMobile(phone):
		return Courier{}, fmt.Errorf("add courier: %w: the phone must be a mainland mobile number", workflow.ErrInvalidInput)
	case len(n.Password) < 10 || len(n.Password) > 72:
		return Courier{}, fmt.Errorf("add courier: %w: the password must have 10 to 72 characters", workflow.ErrInvalidInput)
	case n.Provider != "" && !providerName.MatchString(n.Provider):
		return Courier{}, fmt.Errorf("add courier: %w: a provider is a short lower-case name such as sf or kuaidi100", workflow.ErrInvalidInput)
	}
	hash, err := s.cfg.Passwords.Hash(n.Password)
	if err != nil {
		return Courier{}, fmt.Errorf("add courier: %w", err)
	}
	c := Courier{ID: "cr-" + s.newID(), PhoneIndex: s.cfg.Sealer.Index("phone", phone), PasswordHash: hash,
		Company: n.Company, Provider: n.Provider, Active: true, CreatedAt: s.cfg.Now()}
	if c.Name, err = s.cfg.Sealer.Seal(strings.TrimSpace(n.Name), "courier:"+c.ID+":name"); err != nil {
		return Courier{}, fmt.Errorf("add courier: %w", err)
	}
	if c.Phone, err = s.cfg.Sealer.Seal(phone, "courier:"+c.ID+":phone"); err != nil {
		return Courier{}, fmt.Errorf("add courier: %w", err)
	}
	if err := s.cfg.Store.CreateCourier(ctx, c); err != nil {
		return Courier{}, fmt.Errorf("add courier: %w", err)
	}
	s.cfg.Log.InfoContext(ctx, "courier account added", "courier", c.ID, "company", c.Company)
	return c, nil
}

// errBadLogin is the one answer to a wrong phone, a wrong password and a
// disabled account alike.
var errBadLogin = workflow.Refuse(workflow.ErrUnauthorized, "bad_credentials", "手机号或密码不正确")

// Authenticate checks a courier's phone and password and returns the
// account's id.
func (s *Service) Authenticate(ctx context.Context, phone, password string) (string, error) {
	c, err := s.cfg.Store.CourierByPhone(ctx, s.cfg.Sealer.Index("phone", ident.NormalizeMobile(phone)))
	switch {
	case errors.Is(err, workflow.ErrNotFound):
		// As long as a sign-in of an account that exists.
		s.cfg.Passwords.Verify("", password)
		return "", errBadLogin
	case err != nil:
		return "", err
	}
	if !s.cfg.Passwords.Verify(c.PasswordHash, password) || !c.Active {
		return "", errBadLogin
	}
	return c.ID, nil
}

// LoginKey is the key a sign-in by phone is rate-limited under: the
// phone's blind index, so the number itself is kept nowhere.
func (s *Service) LoginKey(phone string) string {
	return s.cfg.Sealer.Index("phone", ident.NormalizeMobile(phone))
}

// CourierActive reports whether the account exists and may work.
func (s *Service) CourierActive(ctx context.Context, id string) (bool, error) {
	c, err := s.cfg.Store.Courier(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) {
		return false, nil
	}
	return c.Active && err == nil, err
}

// errCourierDisabled refuses a courier whose account was disabled (or
// removed) since their token was issued.
var errCourierDisabled = workflow.Refuse(workflow.ErrForbidden, "courier_disabled", "快递员账号已停用")

// ActiveCourier returns the account with the id if it may work, and
// refuses it otherwise. A request reads the account once, here, and hands
// it on to what it does (Scan).
func (s *Service) ActiveCourier(ctx context.Context, id string) (Courier, error) {
	c, err := s.cfg.Store.Courier(ctx, id)
	switch {
	case errors.Is(err, workflow.ErrNotFound):
		return Courier{}, errCourierDisabled
	case err != nil:
		return Courier{}, err
	case !c.Active:
		return Courier{}, errCourierDisabled
	}
	return c, nil
}

// SetCourierActive enables or disables the account with the phone, and
// returns its id.
func (s *Service) SetCourierActive(ctx context.Context, phone string, active bool) (string, error) {
	c, err := s.cfg.Store.CourierByPhone(ctx, s.cfg.Sealer.Index("phone", ident.NormalizeMobile(phone)))
	if err != nil {
		return "", fmt.Errorf("set courier active: %w", err)
	}
	if err := s.cfg.Store.SetCourierActive(ctx, c.ID, active); err != nil {
		return "", fmt.Errorf("set courier active: %w", err)
	}
	s.cfg.Log.InfoContext(ctx, "courier account changed", "courier", c.ID, "active", active)
	return c.ID, nil
}
