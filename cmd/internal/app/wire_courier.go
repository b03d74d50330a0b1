package app

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/integrations/courier/kuaidi100"
	kdsb "zerovisit/integrations/courier/kuaidi100/sandbox"
	"zerovisit/integrations/courier/sf"
	sfsb "zerovisit/integrations/courier/sf/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/models"
	"zerovisit/models/kv"
	webcourier "zerovisit/web/courier"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/files"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/parcel"
	"zerovisit/workflow/quota"
	"zerovisit/workflow/staff"
)

// courierArea is the courier desk as the App holds it. recipients and
// identities may be set before Open; left nil, the address book and the
// identity check are the defaults below.
type courierArea struct {
	desk      *desk.Service
	store     *models.CourierStore
	sandboxes *courierSandboxes
	// recipients resolves a case's delivery address (the citizens' address
	// book); nil means none is connected and orders wait in the outbox.
	recipients desk.Recipients
	// identities checks a recipient's ID number against the applicant's;
	// nil means by blind index against the holder directory.
	identities desk.Identities
	// passwordCost is the bcrypt cost of new courier passwords (0: the
	// desk's default); tests lower it.
	passwordCost int
}

// courierDeps assembles what the courier endpoints need.
func (a *App) courierDeps() (handlers.CourierDeps, error) {
	if err := a.openCourier(); err != nil {
		return handlers.CourierDeps{}, err
	}
	return handlers.CourierDeps{
		Desk: a.courier.desk, Blobs: a.blobs, Page: webcourier.Files(), MaxPhotoBytes: a.cfg.Courier.MaxPhotoBytes,
	}, nil
}

// startCourierWorkers runs the desk's sweep: legs brought in step with
// their cases, parcels that stopped moving declared lost, orders of ended
// cases cancelled. Every replica may run it.
func (a *App) startCourierWorkers(ctx context.Context) {
	if a.courier.desk == nil {
		return
	}
	a.workers.Go(func() {
		for {
			if _, err := a.courier.desk.Sweep(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("courier sweep", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(a.cfg.Courier.SweepInterval):
			}
		}
	})
}

// openCourier builds the providers (the sandboxes by default), the desk,
// and routes the courier effects to it. It is called once, after openCore.
func (a *App) openCourier() error {
	if a.courier.desk != nil {
		return nil
	}
	cc, pc := a.cfg.Courier, a.cfg.Parties
	postage, err := configs.ParsePostage(cc.Postage)
	if err != nil {
		return err
	}
	opts := httpx.Options{Timeout: pc.Timeout, OnCall: a.metrics.ObservePartyCall, Breaker: httpx.BreakerOptions{CoolDown: pc.BreakerCoolDown}}
	hc := &http.Client{Timeout: pc.Timeout}
	if pc.Sandbox {
		var mc manifestCourier
		if m := a.remoteSandbox; m != nil {
			mc = m.Courier
		} else {
			// The courier companies join the other parties' sandboxes, on their port.
			sb := a.parties.sandboxes
			a.courier.sandboxes = newCourierSandboxes(sb.baseURL, a.courierCallback, nil)
			a.courier.sandboxes.mount(sb.mux)
			mc = a.courier.sandboxes.creds(sb.baseURL)
		}
		cc.SFURL, cc.SFPartnerID, cc.SFCheckword, cc.SFMonthlyCard = mc.SFURL, mc.SFPartnerID, mc.SFCheckword, mc.SFMonthlyCard
		cc.Kuaidi100URL, cc.Kuaidi100Customer, cc.Kuaidi100Key, cc.Kuaidi100Salt = mc.Kuaidi100URL, mc.Kuaidi100Customer, mc.Kuaidi100Key, randomSecret()
		hc.Transport = httpx.LoopbackOnly(nil)
	}
	providers := map[string]parcel.Provider{}
	for _, name := range []string{cc.PickupProvider, cc.DeliveryProvider} {
		if providers[name] != nil {
			continue
		}
		switch name {
		case sf.Name:
			providers[name], err = sf.NewClient(cc.SFURL, hc, sf.Credentials{PartnerID: cc.SFPartnerID, Checkword: cc.SFCheckword, MonthlyCard: cc.SFMonthlyCard}, opts)
		case kuaidi100.Name:
			providers[name], err = kuaidi100.NewClient(cc.Kuaidi100URL, hc, kuaidi100.Credentials{Customer: cc.Kuaidi100Customer, Key: cc.Kuaidi100Key, Salt: cc.Kuaidi100Salt}, opts)
		}
		if err != nil {
			return fmt.Errorf("courier provider %s: %w", name, err)
		}
	}
	if a.courier.recipients == nil {
		a.courier.recipients = desk.NoRecipients{}
	}
	if a.courier.identities == nil {
		ids := holderIdentities{holders: a.holders, sealer: a.sealer}
		if a.citizen != nil {
			ids.agents = a.citizen.citizens
		}
		a.courier.identities = ids
	}
	names := map[string]string{}
	for _, d := range a.departments {
		names[d.Code] = d.Name
	}
	a.courier.store = models.NewCourierStore(a.db)
	a.courier.desk, err = desk.New(desk.Config{
		Store: a.courier.store, Cases: a.svc, Catalogue: a.svc.Engine().Catalogue(), Providers: providers,
		Recipients: counterRecipients{sealer: a.sealer, next: a.courier.recipients}, Identities: a.courier.identities, Sealer: a.sealer, Photos: a.blobs,
		PhotoQuota:     files.Quota(cc.Photos),
		PickupProvider: cc.PickupProvider, DeliveryProvider: cc.DeliveryProvider, CallbackURL: a.courierCallback,
		Office: func(dept string) parcel.Contact {
			return parcel.Contact{Name: "收件窗口", Phone: cc.OfficePhone, Company: names[dept], Address: cc.OfficeAddress}
		},
		DoorFailures: cc.DoorFailuresPerLeg, Limiter: kv.TolerantLimiter(a.kv, a.local, a.log),
		DoorChecks: quota.Limit{Rate: cc.DoorChecks, Period: cc.DoorCheckWindow, Burst: cc.DoorChecks},
		Postage:    desk.Postage(postage), MaxAttempts: cc.MaxAttempts, LostAfter: cc.LostAfter, PushWindow: cc.PushWindow, Log: a.log,
		Passwords: models.BcryptPasswords{Cost: a.courier.passwordCost}, NewID: newOrderedID,
	})
	if err != nil {
		return err
	}
	d := a.courier.desk
	a.effects.Handle(workflow.KindOrderCourierPickup, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return d.OrderPickup(ctx, e, eff.(workflow.OrderCourierPickup))
	})
	a.effects.Handle(workflow.KindOrderCourierDelivery, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return d.OrderDelivery(ctx, e, eff.(workflow.OrderCourierDelivery))
	})
	return nil
}

// courierCallback is where a provider's route pushes reach us: the
// configured public URL, or this server's own address (the sandboxes run
// beside it).
func (a *App) courierCallback(provider string) string {
	base := strings.TrimSuffix(a.cfg.Courier.PublicURL, "/")
	if base == "" {
		base = "http://" + a.DisplayAddr()
	}
	return base + "/api/v1/callbacks/courier/" + provider
}

// holderIdentities checks a recipient's ID number against the applicant's
// verified identity by blind index, so neither is compared in clear.
type holderIdentities struct {
	holders holderDirectory
	sealer  desk.Sealer
	// agents finds who may receive for a business: its legal
	// representative or an authorised agent (nil: nobody but the holder).
	agents businessAgents
}

// businessAgents is the part of the citizen store that knows who acts for a business.
type businessAgents interface {
	FindPerson(ctx context.Context, idNumber string) (models.Citizen, error)
	Agency(ctx context.Context, businessID, personID string) (models.Agency, error)
}

// MatchesApplicant reports whether idNumber is the applicant's. A number
// that is not a valid resident ID number is refused as such.
func (h holderIdentities) MatchesApplicant(ctx context.Context, applicantID, idNumber string) (bool, error) {
	if _, err := ident.ParseResidentID(idNumber, time.Now()); err != nil {
		return false, workflow.Refuse(workflow.ErrInvalidInput, "invalid_id_number", "身份证号码不正确").
			WithDetail(map[string]string{"field": "id_number"})
	}
	holder, err := h.holders.Holder(ctx, applicantID)
	if err != nil {
		return false, fmt.Errorf("identity of applicant %s: %w", applicantID, err)
	}
	if _, err := ident.ParseResidentID(holder.ID, time.Now()); err != nil && h.agents != nil {
		// The applicant is a business: the recipient must act for it.
		return h.actsFor(ctx, applicantID, idNumber)
	}
	want, got := desk.IDIndex(h.sealer, holder.ID), desk.IDIndex(h.sealer, idNumber)
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1, nil
}

// actsFor reports whether the person with idNumber is the business's legal
// representative or one of its agents, with an agency valid now.
func (h holderIdentities) actsFor(ctx context.Context, businessID, idNumber string) (bool, error) {
	person, err := h.agents.FindPerson(ctx, idNumber)
	if errors.Is(err, workflow.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recipient of business %s: %w", businessID, err)
	}
	agency, err := h.agents.Agency(ctx, businessID, person.ID)
	if errors.Is(err, workflow.ErrForbidden) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recipient of business %s: %w", businessID, err)
	}
	return agency.Active(time.Now()), nil
}

// addressBook is the citizens' address book as the citizen area keeps it
// (models.Citizens.Address): a case's AddressRef to a contact in clear,
// and whose book holds it.
type addressBook interface {
	Address(ctx context.Context, ref string) (recipient, phone, address, owner string, err error)
}

// addressBookRecipients resolves legs' addresses from the address book.
// With agents, an address must be in the applicant's own book or that of
// someone acting for the business applicant: after an identity was taken
// over, the earlier binder's addresses went with them, and a case in the
// person's name must not be delivered there (the order fails for good and
// waits in the outbox for an administrator).
type addressBookRecipients struct {
	book   addressBook
	agents businessAgents
}

// Recipient returns the contact the case's address reference names.
func (r addressBookRecipients) Recipient(ctx context.Context, c workflow.Case, ref string) (parcel.Contact, error) {
	name, phone, addr, owner, err := r.book.Address(ctx, ref)
	if err != nil {
		return parcel.Contact{}, fmt.Errorf("address %s: %w", ref, err)
	}
	if r.agents != nil && owner != c.ApplicantID {
		agency, err := r.agents.Agency(ctx, c.ApplicantID, owner)
		switch {
		case errors.Is(err, workflow.ErrForbidden) || errors.Is(err, workflow.ErrNotFound) || err == nil && !agency.Active(time.Now()):
			return parcel.Contact{}, fmt.Errorf("address %s is not the applicant's: %w", ref, workflow.ErrNotFound)
		case err != nil:
			return parcel.Contact{}, fmt.Errorf("address %s: %w", ref, err)
		}
	}
	if name == "" || phone == "" || addr == "" {
		return parcel.Contact{}, fmt.Errorf("address %s is incomplete: %w", ref, workflow.ErrNotFound)
	}
	return parcel.Contact{Name: name, Phone: phone, Address: addr}, nil
}

// counterRecipients opens the recipient a clerk took at the counter
// (sealed to its case, staff.CounterAddressPrefix) and asks next for the
// others. Only a counter case's reference opens, and only for that case.
type counterRecipients struct {
	sealer interface {
		Open(sealed, context string) (string, error)
	}
	next desk.Recipients
}

func (r counterRecipients) Recipient(ctx context.Context, c workflow.Case, ref string) (parcel.Contact, error) {
	sealed, ok := strings.CutPrefix(ref, staff.CounterAddressPrefix)
	if !ok {
		if r.next == nil {
			return parcel.Contact{}, fmt.Errorf("address %s: %w", ref, workflow.ErrNotFound)
		}
		return r.next.Recipient(ctx, c, ref)
	}
	if c.Channel != workflow.ChannelCounter {
		return parcel.Contact{}, fmt.Errorf("a counter address on a %s case: %w", c.Channel, workflow.ErrNotFound)
	}
	plain, err := r.sealer.Open(sealed, staff.CounterAddressContext(c.ID))
	if err != nil {
		return parcel.Contact{}, fmt.Errorf("counter address of case %s: %w", c.ID, workflow.ErrNotFound)
	}
	var ct parcel.Contact
	if err := json.Unmarshal([]byte(plain), &ct); err != nil || ct.Name == "" || ct.Phone == "" || ct.Address == "" {
		return parcel.Contact{}, fmt.Errorf("counter address of case %s is incomplete: %w", c.ID, workflow.ErrNotFound)
	}
	return ct, nil
}

// courierSandboxes play the courier companies beside the other parties'
// sandboxes, under /sf and /kuaidi100, with fresh credentials; their route
// pushes go to our own callbacks.
type courierSandboxes struct {
	baseURL                string
	sf                     *sfsb.Sandbox
	kuaidi100              *kdsb.Sandbox
	sfPartner, sfCheckword string
	kdCustomer, kdKey      string
}

// newCourierSandboxes creates both sandboxes with fresh credentials, to be
// served at base; pushes go through client (loopback only when nil).
func newCourierSandboxes(base string, callback func(provider string) string, client *http.Client) *courierSandboxes {
	s := &courierSandboxes{
		baseURL: base, sfPartner: "ZV" + randomHex(4), sfCheckword: randomSecret(),
		kdCustomer: "ZV" + randomHex(4), kdKey: randomSecret(),
	}
	s.sf = sfsb.New(sfsb.Config{PartnerID: s.sfPartner, Checkword: s.sfCheckword, PushURL: func() string { return callback(sf.Name) },
		Client: client})
	s.kuaidi100 = kdsb.New(kdsb.Config{Customer: s.kdCustomer, Key: s.kdKey})
	return s
}

// creds are the accounts and URLs of both sandboxes served at base.
func (s *courierSandboxes) creds(base string) manifestCourier {
	return manifestCourier{SFURL: base + "/sf", SFPartnerID: s.sfPartner, SFCheckword: s.sfCheckword, SFMonthlyCard: sandboxMonthlyCard,
		Kuaidi100URL: base + "/kuaidi100", Kuaidi100Customer: s.kdCustomer, Kuaidi100Key: s.kdKey}
}

// mount serves both sandboxes on mux under /sf and /kuaidi100.
func (s *courierSandboxes) mount(mux *http.ServeMux) {
	mux.Handle("/sf/", http.StripPrefix("/sf", s.sf))
	mux.Handle("/kuaidi100/", http.StripPrefix("/kuaidi100", s.kuaidi100))
}

// newOrderedID returns a time-ordered UUID (version 7), so rows keyed by it
// page in creation order.
func newOrderedID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString()
}
