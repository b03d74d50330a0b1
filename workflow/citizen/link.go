package citizen

import (
	"context"
	"crypto/rand"
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
// account too. The code is usable for LinkCodeTTL, once.
func (s *Service) IssueLinkCode(ctx context.Context, c Caller) (string, error) {
	if !c.Citizen.Verified() {
		return "", workflow.Refuse(workflow.ErrConflict, "not_verified", "请先完成实名认证")
	}
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", fmt.Errorf("link code: %w", err)
	}
	code := fmt.Sprintf("%0*d", linkCodeDigits, n.Int64())
	if err := s.cfg.Links.Set(ctx, linkCodeKey(code), []byte(c.Citizen.ID), LinkCodeTTL); err != nil {
		return "", fmt.Errorf("%w: store link code: %w", workflow.ErrUnavailable, err)
	}
	return code, nil
}

// linkTarget is the citizen a link code was issued by.
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
	return string(v), nil
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
