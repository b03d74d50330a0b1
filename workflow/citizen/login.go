package citizen

import (
	"context"
	"errors"

	"zerovisit/workflow"
)

// channelNames are the channels as a refusal names them.
var channelNames = map[workflow.Channel]string{workflow.ChannelWeChat: "微信", workflow.ChannelAlipay: "支付宝"}

// errLoginCode refuses a login code the channel did not accept.
var errLoginCode = workflow.Refuse(workflow.ErrUnauthorized, "invalid_login_code", "登录凭证无效或已使用，请重新登录")

// Login signs a channel user in with the code their mini program got
// (wx.login, my.getAuthCode): the account is created, with a new
// unverified citizen, on first login.
func (s *Service) Login(ctx context.Context, ch workflow.Channel, code string) (Caller, error) {
	lc := s.cfg.Logins[ch]
	if lc == nil {
		return Caller{}, workflow.Refuse(workflow.ErrUnavailable, "channel_disabled", channelNames[ch]+"渠道未开通")
	}
	u, err := lc.Login(ctx, code)
	if errors.Is(err, ErrInvalidCode) {
		return Caller{}, errLoginCode.Because(err)
	}
	if err != nil {
		return Caller{}, err
	}
	acct, err := s.cfg.Store.Login(ctx, ch, lc.AppID(), u.subject(), u.UnionID)
	if err != nil {
		return Caller{}, err
	}
	cit, err := s.cfg.Store.Get(ctx, acct.CitizenID)
	if err != nil {
		return Caller{}, err
	}
	return Caller{Account: acct, Citizen: cit}, nil
}

// Profile is what a citizen is shown of themselves: the caller, the
// channels they can sign in with and the businesses they act for.
type Profile struct {
	Caller
	// Channels are the channels of the citizen's accounts, each once,
	// in the order the accounts were made.
	Channels []workflow.Channel
	Agencies []Agency
}

// Profile gathers the caller's profile.
func (s *Service) Profile(ctx context.Context, c Caller) (Profile, error) {
	p := Profile{Caller: c, Channels: []workflow.Channel{}}
	accts, err := s.cfg.Store.Accounts(ctx, c.Citizen.ID)
	if err != nil {
		return Profile{}, err
	}
	seen := map[workflow.Channel]bool{}
	for _, a := range accts {
		if !seen[a.Channel] {
			seen[a.Channel] = true
			p.Channels = append(p.Channels, a.Channel)
		}
	}
	if p.Agencies, err = s.cfg.Store.Agencies(ctx, c.Citizen.ID); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// BindPhone records the phone number the user shared through their
// channel and returns it.
func (s *Service) BindPhone(ctx context.Context, c Caller, code string) (string, error) {
	pc := s.cfg.Phones[c.Account.Channel]
	if pc == nil {
		return "", workflow.Refuse(workflow.ErrInvalidInput, "unsupported_channel", "当前渠道不支持获取手机号")
	}
	phone, err := pc.PhoneNumber(ctx, code)
	if errors.Is(err, ErrInvalidCode) {
		return "", workflow.Refuse(workflow.ErrInvalidInput, "invalid_phone_code", "手机号授权凭证无效，请重新授权").Because(err)
	}
	if err != nil {
		return "", err
	}
	if err := s.cfg.Store.SetPhone(ctx, c.Citizen.ID, phone); err != nil {
		return "", err
	}
	return phone, nil
}
