package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zerovisit/handlers/session"
	"zerovisit/integrations/alipay"
	"zerovisit/integrations/basedata"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/wechat"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"

	"github.com/google/uuid"
)

// openPeople builds the service of citizens as people and businesses over
// the citizen store, the channels' login clients that are on, the base-data
// and e-license libraries and the shared cache for link codes.
func (a *App) openPeople(store citizen.Store, wx *wechat.Client, ali *alipay.Client) (*citizen.Service, error) {
	cfg := citizen.Config{Store: store, Cases: a.svc, Links: a.kv, Log: a.log, Sessions: session.CitizenSessions{Tokens: a.tokens},
		Logins: map[workflow.Channel]citizen.LoginChannel{}, Phones: map[workflow.Channel]citizen.PhoneChannel{},
		Faces: map[workflow.Channel]citizen.FaceCheck{}}
	if wx != nil {
		cfg.Logins[workflow.ChannelWeChat] = wechatPeople{wx}
		cfg.Phones[workflow.ChannelWeChat] = wechatPeople{wx}
		cfg.Faces[workflow.ChannelWeChat] = wechatFaces{wx}
	}
	if ali != nil {
		cfg.Logins[workflow.ChannelAlipay] = alipayPeople{ali}
		cfg.Faces[workflow.ChannelAlipay] = alipayFaces{ali}
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

func (b basedataPeople) IsRepresentative(ctx context.Context, uscc, name, idNumber string) (bool, error) {
	ok, err := b.c.VerifyRepresentative(ctx, uscc, name, idNumber)
	return ok, recordError(err)
}

// wechatFaces is WeChat's 人脸核身: the mini program runs the check with the
// name and number itself, the server asks for the result.
type wechatFaces struct{ c *wechat.Client }

func (wechatFaces) Start(context.Context, string, string, string) (citizen.FaceTicket, error) {
	return citizen.FaceTicket{}, nil
}

func (w wechatFaces) Result(ctx context.Context, token string, want citizen.FacePerson) (citizen.FaceResult, error) {
	r, err := w.c.FaceResult(ctx, token)
	if errors.Is(err, wechat.ErrFaceExpired) || errors.Is(err, wechat.ErrFaceInvalid) {
		return citizen.FaceResult{}, fmt.Errorf("%w: %w", citizen.ErrFaceCheckExpired, err)
	}
	if err != nil {
		return citizen.FaceResult{}, err
	}
	finished := r.FinishedAt
	if finished.IsZero() {
		finished = r.IdentifiedAt
	}
	if finished.IsZero() {
		// A result that says not when it was made cannot be told from a replay.
		return citizen.FaceResult{}, fmt.Errorf("%w: the result has no time", citizen.ErrFaceCheckExpired)
	}
	return citizen.FaceResult{Passed: r.Passed, SamePerson: r.OpenID == want.Subject && r.Matches(want.Name, want.IDNumber),
		FinishedAt: finished}, nil
}

// alipayFaces is Alipay's 实人认证: the server starts the certification of
// the person, the mini program runs it, the server queries the outcome.
// The certify id stays bound to the person it was started for.
type alipayFaces struct{ c *alipay.Client }

func (p alipayFaces) Start(ctx context.Context, _, name, idNumber string) (citizen.FaceTicket, error) {
	outer := strings.ReplaceAll(uuid.NewString(), "-", "")
	id, err := p.c.StartCertify(ctx, outer, name, idNumber)
	if err != nil {
		return citizen.FaceTicket{}, err
	}
	url, err := p.c.CertifyURL(id)
	if err != nil {
		return citizen.FaceTicket{}, err
	}
	return citizen.FaceTicket{Token: id, URL: url}, nil
}

func (p alipayFaces) Result(ctx context.Context, token string, _ citizen.FacePerson) (citizen.FaceResult, error) {
	r, err := p.c.CertifyResult(ctx, token)
	if errors.Is(err, alipay.ErrCertifyExpired) {
		return citizen.FaceResult{}, fmt.Errorf("%w: %w", citizen.ErrFaceCheckExpired, err)
	}
	if err != nil {
		return citizen.FaceResult{}, err
	}
	return citizen.FaceResult{Passed: r.Passed, SamePerson: true, Pending: !r.Passed && !r.Finished}, nil
}
