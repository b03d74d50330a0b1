package citizen

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"zerovisit/workflow"
)

// LinkCodeTTL is how long a link code stays usable.
const LinkCodeTTL = 10 * time.Minute

// linkCodeDigits is the length of a link code; with the real-name rate
// limit on binding, guessing a live one is out of reach.
const linkCodeDigits = 8

func linkCodeKey(code string) string { return "citizen-link:" + code }

var errLinkCode = workflow.Refuse(workflow.ErrInvalidInput, "invalid_link_code", "关联码无效或已过期，请在原账号重新获取")

// IssueLinkCode gives a verified citizen a short-lived code to enter on
// another channel's account (Alipay after WeChat, say) when binding the
// same identity there: it proves that the person binding controls this
// account too. The code is usable for LinkCodeTTL, once, and names the
// issuing account, not its citizen: after a takeover detached that
// account, its codes join nothing.
func (s *Service) IssueLinkCode(ctx context.Context, c Caller) (string, error) {
	if !c.Citizen.Verified() {
		return "", workflow.Refuse(workflow.ErrConflict, "not_verified", "请先完成实名认证")
	}
	return s.issueCode(ctx, linkCodeKey, linkCodeDigits, c.Account.ID, LinkCodeTTL, "link code")
}

// issueCode stores value under a fresh random code of digits for ttl. A
// code is reserved before it is written, so a live code is never
// overwritten with another account's value.
func (s *Service) issueCode(ctx context.Context, key func(string) string, digits int, value string, ttl time.Duration, what string) (string, error) {
	limit := big.NewInt(1)
	for range digits {
		limit.Mul(limit, big.NewInt(10))
	}
	for range 5 {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		code := fmt.Sprintf("%0*d", digits, n.Int64())
		free, err := s.cfg.Links.Claim(ctx, key(code)+":reserved", ttl)
		if err != nil {
			return "", fmt.Errorf("%w: reserve %s: %w", workflow.ErrUnavailable, what, err)
		}
		if !free {
			continue
		}
		if err := s.cfg.Links.Set(ctx, key(code), []byte(value), ttl); err != nil {
			return "", fmt.Errorf("%w: store %s: %w", workflow.ErrUnavailable, what, err)
		}
		return code, nil
	}
	return "", fmt.Errorf("%w: no free %s", workflow.ErrUnavailable, what)
}

// linkTarget is the verified citizen the account that issued a link code
// belongs to now.
func (s *Service) linkTarget(ctx context.Context, code string) (string, error) {
	if len(code) != linkCodeDigits {
		return "", errLinkCode
	}
	v, ok, err := s.cfg.Links.Get(ctx, linkCodeKey(code))
	if err != nil {
		return "", fmt.Errorf("%w: read link code: %w", workflow.ErrUnavailable, err)
	}
	if !ok {
		return "", errLinkCode
	}
	_, issuer, err := s.cfg.Store.Caller(ctx, string(v))
	if errors.Is(err, workflow.ErrNotFound) || err == nil && !issuer.Verified() {
		return "", errLinkCode
	}
	if err != nil {
		return "", err
	}
	return issuer.ID, nil
}

// redeemLinkCode claims a code for one redemption, so that accounts
// redeeming it at once cannot all join the citizen; the caller spends it
// once the binding holds, or releases it when the binding fails.
func (s *Service) redeemLinkCode(ctx context.Context, code string) (string, error) {
	target, err := s.linkTarget(ctx, code)
	if err != nil {
		return "", err
	}
	first, err := s.cfg.Links.Claim(ctx, linkClaimKey(code), LinkCodeTTL)
	if err != nil {
		return "", fmt.Errorf("%w: claim link code: %w", workflow.ErrUnavailable, err)
	}
	if !first {
		return "", errLinkCode
	}
	return target, nil
}

// releaseLinkCode gives a claimed code back after a binding that failed.
func (s *Service) releaseLinkCode(ctx context.Context, code string) {
	if err := s.cfg.Links.Release(ctx, linkClaimKey(code)); err != nil {
		s.cfg.Log.WarnContext(ctx, "release link code", "err", err)
	}
}

func linkClaimKey(code string) string { return "citizen-link-claim:" + code }

// spendLinkCode makes a used code unusable.
func (s *Service) spendLinkCode(ctx context.Context, code string) {
	if err := s.cfg.Links.Delete(ctx, linkCodeKey(code)); err != nil {
		s.cfg.Log.WarnContext(ctx, "spend link code", "err", err)
	}
}
