package app

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/basedata"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/wechat"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// openPeople builds the service of citizens as people and businesses over
// the citizen store, the channels' login clients that are on, the base-data
// and e-license libraries and the shared cache for link codes.
func (a *App) openPeople(store citizen.Store, wx *wechat.Client, ali *alipay.Client) (*citizen.Service, error) {
	cfg := citizen.Config{Store: store, Cases: a.svc, Links: a.kv, Log: a.log,
		Logins: map[workflow.Channel]citizen.LoginChannel{}, Phones: map[workflow.Channel]citizen.PhoneChannel{}}
	if wx != nil {
		cfg.Logins[workflow.ChannelWeChat] = wechatPeople{wx}
		cfg.Phones[workflow.ChannelWeChat] = wechatPeople{wx}
	}
	if ali != nil {
		cfg.Logins[workflow.ChannelAlipay] = alipayPeople{ali}
	}
	if a.parties.basedata != nil {
		cfg.People = basedataPeople{a.parties.basedata}
	}
	if a.parties.elicense != nil {
		cfg.Licences = elicensePeople{a.parties.elicense}
	}
	return citizen.New(cfg)
}

// codeError translates a channel's invalid-code error to the domain's.
func codeError(err, invalid error) error {
	if errors.Is(err, invalid) {
		return fmt.Errorf("%w: %w", citizen.ErrInvalidCode, err)
	}
	return err
}

// wechatPeople is the WeChat mini program's login and phone number.
type wechatPeople struct{ c *wechat.Client }

func (w wechatPeople) AppID() string { return w.c.AppID() }

func (w wechatPeople) Login(ctx context.Context, code string) (citizen.ChannelUser, error) {
	s, err := w.c.Login(ctx, code)
	if err != nil {
		return citizen.ChannelUser{}, codeError(err, wechat.ErrInvalidCode)
	}
	return citizen.ChannelUser{UserID: s.OpenID, UnionID: s.UnionID}, nil
}

func (w wechatPeople) PhoneNumber(ctx context.Context, code string) (string, error) {
	phone, err := w.c.PhoneNumber(ctx, code)
	return phone, codeError(err, wechat.ErrInvalidCode)
}

// alipayPeople is the Alipay mini program's login.
type alipayPeople struct{ c *alipay.Client }

func (p alipayPeople) AppID() string { return p.c.AppID() }

func (p alipayPeople) Login(ctx context.Context, code string) (citizen.ChannelUser, error) {
	u, err := p.c.Login(ctx, code)
	if err != nil {
		return citizen.ChannelUser{}, codeError(err, alipay.ErrInvalidCode)
	}
	return citizen.ChannelUser{UserID: u.UserID, OpenID: u.OpenID}, nil
}

// basedataPeople is the population and legal-entity libraries.
type basedataPeople struct{ c *basedata.Client }

// recordError translates the libraries' no-record error to the domain's.
func recordError(err error) error {
	if errors.Is(err, basedata.ErrNoRecord) {
		return fmt.Errorf("%w: %w", citizen.ErrNoRecord, err)
	}
	return err
}

func (b basedataPeople) VerifyRealName(ctx context.Context, name, idNumber string) (bool, error) {
	ok, err := b.c.VerifyRealName(ctx, name, idNumber)
	return ok, recordError(err)
}

func (b basedataPeople) Resident(ctx context.Context, idNumber string, fields []string) (citizen.Resident, error) {
	r, err := b.c.Resident(ctx, idNumber, fields)
	if err != nil {
		return citizen.Resident{}, recordError(err)
	}
	out := citizen.Resident{Name: r.Name, Address: r.Address}
	if h := r.Household; h != nil {
		out.Household = &citizen.Household{Address: h.Address, Kind: h.Kind, Authority: h.Authority}
	}
	return out, nil
}

func (b basedataPeople) Company(ctx context.Context, uscc string) (citizen.Company, error) {
	co, err := b.c.Company(ctx, uscc)
	if err != nil {
		return citizen.Company{}, recordError(err)
	}
	return citizen.Company{USCC: co.USCC, Name: co.Name, InBusiness: co.Active(), Representative: citizen.Representative{
		Name: co.LegalRepresentative.Name, IDNumberMasked: co.LegalRepresentative.IDNumberMasked}}, nil
}

// elicensePeople is the e-license library's pre-fill lookup.
type elicensePeople struct{ c *elicense.Client }

func (e elicensePeople) Lookup(ctx context.Context, holderID, licenceType string) (citizen.LicenceLookup, error) {
	res, err := e.c.Lookup(ctx, holderID, licenceType)
	if err != nil {
		return citizen.LicenceLookup{}, err
	}
	out := citizen.LicenceLookup{Reason: res.Reason}
	for _, l := range res.Licences {
		out.LicenceIDs = append(out.LicenceIDs, l.ID)
	}
	return out, nil
}
