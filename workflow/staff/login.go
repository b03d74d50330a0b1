package staff

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/quota"
)

var (
	errBadCredentials = workflow.Refuse(workflow.ErrUnauthorized, "invalid_credentials", "用户名或密码不正确；连续输错多次后账号将临时锁定，请稍后再试")
	errDisabled       = workflow.Refuse(workflow.ErrForbidden, "account_disabled", "账号已停用，请联系管理员")
)

// errLocked is the answer to a login refused by the lock-out: word for
// word the answer to a wrong password, so that the lock-out cannot tell
// which usernames exist. A locked account shows in the accounts list
// (Account.Locked), and the lock ends by itself.
func errLocked(_, _ time.Time) *workflow.Refusal { return errBadCredentials }

// Login checks a username and password. Unknown usernames, wrong passwords
// and locked accounts get the same answer; repeated failures lock the
// account for a while. Each attempt is counted before its password is
// checked, so parallel guesses get no more checks than the lock-out
// allows: per account, and per username for names no account has.
func (s *Service) Login(ctx context.Context, username, password string) (Account, error) {
	if username == "" || password == "" || utf8.RuneCountInString(username) > 64 || len(password) > 256 {
		return Account{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请输入用户名和密码")
	}
	now := s.cfg.Now()
	username = strings.TrimSpace(username)
	a, err := s.cfg.Store.StaffByUsername(ctx, username)
	if errors.Is(err, workflow.ErrNotFound) {
		return Account{}, s.unknownUsername(ctx, username, password, now)
	}
	if err != nil {
		return Account{}, err
	}
	a, allowed, err := s.cfg.Store.LoginAttempt(ctx, a.ID, now, s.cfg.Login)
	if err != nil {
		return Account{}, err
	}
	if !allowed {
		return Account{}, errLocked(a.LockedUntil, now)
	}
	ok, err := s.cfg.Passwords.Verify(ctx, a.PasswordHash, password)
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, s.loginFailed(ctx, a, now)
	}
	if a.Disabled {
		return Account{}, errDisabled
	}
	if err := s.cfg.Store.LoginSucceeded(ctx, a.ID); err != nil {
		return Account{}, err
	}
	return a, nil
}

// unknownUsername answers a login with a username no account has, after a
// check of the password against nothing. Its attempts are counted per
// username as an account's are, so guessing there checks no more passwords.
func (s *Service) unknownUsername(ctx context.Context, username, password string, now time.Time) error {
	if s.cfg.Attempts != nil && s.cfg.Login.MaxFailures > 0 && s.cfg.Login.LockFor > 0 {
		p := s.cfg.Login
		limit := quota.Limit{Rate: p.MaxFailures, Period: p.LockFor, Burst: p.MaxFailures}
		res, err := s.cfg.Attempts.Allow(ctx, "staff-login:"+strings.ToLower(username), limit)
		if err != nil {
			return err
		}
		if !res.Allowed {
			return errLocked(now.Add(res.RetryAfter), now)
		}
	}
	_, _ = s.cfg.Passwords.Verify(ctx, "", password)
	return errBadCredentials
}

// loginFailed logs a wrong password, already counted, and says whether its
// attempt locked the account.
func (s *Service) loginFailed(ctx context.Context, a Account, now time.Time) error {
	s.cfg.Log.InfoContext(ctx, "staff login failed", "staff_id", a.ID, "failures", a.FailedLogins)
	if a.Locked(now) {
		return errLocked(a.LockedUntil, now)
	}
	return errBadCredentials
}

// Account returns an account by id.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	return s.cfg.Store.GetStaff(ctx, id)
}

// ActiveAccount returns an account that may still be signed in: one that
// exists and is not disabled (workflow.ErrUnauthorized otherwise).
func (s *Service) ActiveAccount(ctx context.Context, id string) (Account, error) {
	a, err := s.cfg.Store.GetStaff(ctx, id)
	if err != nil || a.Disabled {
		return Account{}, workflow.ErrUnauthorized
	}
	return a, nil
}

// Locked reports whether a's logins are refused now.
func (s *Service) Locked(a Account) bool { return a.Locked(s.cfg.Now()) }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.cfg.Now() }
