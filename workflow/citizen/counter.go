package citizen

import (
	"context"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// CounterCodeTTL is how long a counter code stays usable.
const CounterCodeTTL = 10 * time.Minute

// counterCodeDigits is the length of a counter code; clerks' checks are
// rate-limited and each code works once.
const counterCodeDigits = 8

func counterCodeKey(code string) string      { return "citizen-counter:" + code }
func counterCodeClaimKey(code string) string { return "citizen-counter-claim:" + code }

var errCounterCode = workflow.Refuse(workflow.ErrInvalidInput, "invalid_counter_code", "核验码无效或已过期，请申请人在小程序重新获取")

// IssueCounterCode gives the caller a short-lived code to show a clerk
// with their ID card: the clerk's check of the card (窗口核验身份证原件)
// then makes the account's holder a verified person. Any signed-in
// account may ask, a squatting victim refused binding included.
func (s *Service) IssueCounterCode(ctx context.Context, c Caller) (string, error) {
	return s.issueCode(ctx, counterCodeKey, counterCodeDigits, c.Account.ID, CounterCodeTTL, "counter code")
}

// VerifyAtCounter records a clerk's check of the physical ID card of the
// person who showed a counter code: the population library confirms name
// and number, and the account that issued the code becomes that verified
// person, taking the identity over from a binder of a lower level. The
// code works once.
func (s *Service) VerifyAtCounter(ctx context.Context, clerkID, code, name, idNumber string) (Assured, error) {
	if len(code) != counterCodeDigits {
		return Assured{}, errCounterCode
	}
	v, ok, err := s.cfg.Links.Get(ctx, counterCodeKey(code))
	if err != nil {
		return Assured{}, fmt.Errorf("%w: read counter code: %w", workflow.ErrUnavailable, err)
	}
	if !ok {
		return Assured{}, errCounterCode
	}
	name, number, err := s.checkPerson(ctx, name, idNumber)
	if err != nil {
		return Assured{}, err
	}
	first, err := s.cfg.Links.Claim(ctx, counterCodeClaimKey(code), CounterCodeTTL)
	if err != nil {
		return Assured{}, fmt.Errorf("%w: claim counter code: %w", workflow.ErrUnavailable, err)
	}
	if !first {
		return Assured{}, errCounterCode
	}
	if err := s.cfg.Links.Delete(ctx, counterCodeKey(code)); err != nil {
		s.cfg.Log.WarnContext(ctx, "spend counter code", "err", err)
	}
	a, err := s.assure(ctx, string(v), name, number, Proof{Method: workflow.MethodCounterIDCard, Actor: clerkID})
	if err == nil {
		s.cfg.Log.InfoContext(ctx, "identity checked at a counter", "clerk", clerkID, "account", string(v),
			"citizen", a.Citizen.ID, "takeover", a.Takeover != nil)
	}
	return a, err
}
