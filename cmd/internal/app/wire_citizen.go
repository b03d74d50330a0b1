package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	wxutils "github.com/wechatpay-apiv3/wechatpay-go/utils"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/integrations/alipay"
	alipaysb "zerovisit/integrations/alipay/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/wechat"
	wechatsb "zerovisit/integrations/wechat/sandbox"
	"zerovisit/models"
	"zerovisit/models/kv"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

// citizenArea is the citizen channel as the App holds it: what its
// endpoints (and effects and worker) need, the WeChat client whose route
// through the SDK's shared HTTP client it releases, and the channels'
// payment and message clients the services are built over.
type citizenArea struct {
	deps     handlers.CitizenDeps
	citizens *models.Citizens
	wechat   *wechat.Client
	pay      *wechat.Pay
	alipay   *alipay.Client
	// templates map workflow notification templates to each channel's
	// message template ids.
	templates map[workflow.Channel]map[string]string
}

// close releases the WeChat client's route.
func (c *citizenArea) close() {
	if c != nil && c.wechat != nil {
		c.wechat.Close()
	}
}

// citizenDeps assembles what the citizen endpoints need.
func (a *App) citizenDeps() (handlers.CitizenDeps, error) {
	if a.citizen == nil {
		return handlers.CitizenDeps{}, errors.New("citizen channel: openCitizens did not run")
	}
	return a.citizen.deps, nil
}

// invitationBatch is how many evaluation invitations one sweep sends.
const invitationBatch = 100

// startCitizenWorkers runs the evaluation invitations: cases completed
// CITIZEN_INVITE_AFTER ago and not evaluated get an invitation. Every
// replica runs it; a lease keeps them from sweeping at the same moment and
// each invitation is claimed in the database, so none is sent twice.
func (a *App) startCitizenWorkers(ctx context.Context) {
	if a.citizen == nil {
		return
	}
	a.workers.Go(func() {
		for {
			if err := a.sweepInvitations(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("evaluation invitations", "err", err)
			}
			if _, err := a.citizen.deps.Evaluations.EscalateOverdue(ctx, invitationBatch); err != nil && ctx.Err() == nil {
				a.log.Error("escalate overdue bad-rating follow-ups", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(a.cfg.Workers.TimerInterval):
			}
		}
	})
}

func (a *App) sweepInvitations(ctx context.Context) error {
	lease, err := a.kv.Acquire(ctx, "citizen:invitations", time.Minute)
	if errors.Is(err, kv.ErrNotAcquired) {
		return nil
	}
	if err != nil {
		return err
	}
	defer func() { _ = lease.Release(context.WithoutCancel(ctx)) }()
	return a.citizen.deps.Messages.SweepInvitations(ctx, invitationBatch)
}

// openCitizens builds the citizen channel: its stores, the WeChat and
// Alipay clients (against the sandboxes by default), the effect handlers
// of NotifyApplicant and RefundFee, and the holder directory over verified
// citizens. openCore calls it before routeEffects.
func (a *App) openCitizens() error {
	area := &citizenArea{citizens: models.NewCitizens(a.db, a.sealer)}
	var d handlers.CitizenDeps
	if err := a.citizenChannels(area, &d); err != nil {
		area.close()
		return err
	}
	a.applyingServices(area, &d)
	area.deps = d
	a.citizen = area
	if a.courier.recipients == nil {
		// Couriers deliver to the address the citizen chose from the address book.
		a.courier.recipients = addressBookRecipients{book: area.citizens, agents: area.citizens}
	}

	a.effects.Handle(workflow.KindNotifyApplicant, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return d.Messages.Notify(ctx, e, eff.(workflow.NotifyApplicant))
	})
	a.effects.Handle(workflow.KindRefundFee, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		return d.Payments.RefundFee(ctx, eff.(workflow.RefundFee))
	})
	a.holders = citizenHolders{citizens: area.citizens, next: a.holders}
	return nil
}

// citizenChannels builds the channel clients (against the sandboxes, in
// this process or the shared one, when there are) and the service of
// citizens over them.
func (a *App) citizenChannels(area *citizenArea, d *handlers.CitizenDeps) error {
	var err error
	switch {
	case a.remoteSandbox != nil:
		var c channelCreds
		if c, err = a.remoteSandbox.channelCreds(); err == nil {
			err = a.citizenSandboxClients(area, d, c)
		}
	case a.parties.sandboxes != nil && a.parties.sandboxes.channels != nil:
		sb := a.parties.sandboxes
		err = a.citizenSandboxClients(area, d, sb.channels.creds(sb.baseURL))
	default:
		err = a.citizenClients(area, d)
	}
	if err != nil {
		return err
	}
	d.People, err = a.openPeople(area.citizens, area.wechat, area.alipay)
	return err
}

// citizenClients builds the channel clients against the configured
// (production) endpoints; a channel without an app id stays off.
func (a *App) citizenClients(area *citizenArea, d *handlers.CitizenDeps) error {
	w, al := a.cfg.WeChat, a.cfg.Alipay
	hc := &http.Client{Timeout: a.cfg.Parties.Timeout}
	wt, err := configs.ParseTemplates(w.Templates)
	if err != nil {
		return err
	}
	at, err := configs.ParseTemplates(al.Templates)
	if err != nil {
		return err
	}
	area.templates = map[workflow.Channel]map[string]string{workflow.ChannelWeChat: wt, workflow.ChannelAlipay: at}
	if w.AppID != "" {
		if area.wechat, err = wechat.NewClient(wechat.Credentials{AppID: w.AppID, AppSecret: w.AppSecret},
			wechat.Options{Cache: kv.Tolerant(a.kv, a.log)}); err != nil {
			return err
		}
		d.WeChat = area.wechat
	}
	if w.AppID != "" && w.MchID != "" {
		key, err1 := wxutils.LoadPrivateKey(w.MchKey)
		pub, err2 := wxutils.LoadPublicKey(w.PayPublicKey)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("wechat pay keys: %w", err)
		}
		pay, err := wechat.NewPay(wechat.PayConfig{AppID: w.AppID, MchID: w.MchID, MerchantSerial: w.MchSerial, MerchantKey: key,
			PlatformKeyID: w.PayKeyID, PlatformKey: pub, APIv3Key: w.APIv3Key}, hc)
		if err != nil {
			return err
		}
		area.pay = pay
	}
	if al.AppID != "" {
		if area.alipay, err = alipay.NewClient(alipay.Config{AppID: al.AppID, PrivateKey: al.PrivateKey, AlipayPublicKey: al.PublicKey,
			Production: true, Gateway: al.Gateway}, hc); err != nil {
			return err
		}
		d.Alipay = area.alipay
	}
	return nil
}

// citizenSandboxClients points the same clients at the WeChat and Alipay
// sandboxes (in this process, or the shared sandbox process): the WeChat
// SDKs through httpx.Rewrite (their hosts are hard-coded), Alipay's through
// its gateway option.
func (a *App) citizenSandboxClients(area *citizenArea, d *handlers.CitizenDeps, c channelCreds) error {
	target, err := url.Parse(c.wechatURL)
	if err != nil {
		return err
	}
	base := httpx.LoopbackOnly(nil)
	rt, err := httpx.Rewrite(target, base)
	if err != nil {
		return err
	}
	if area.wechat, err = wechat.NewClient(wechat.Credentials{AppID: c.wechatApp, AppSecret: c.wechatSecret},
		wechat.Options{Cache: kv.Tolerant(a.kv, a.log), Transport: rt}); err != nil {
		return err
	}
	pay, err := wechat.NewPay(wechat.PayConfig{AppID: c.wechatApp, MchID: sandboxMchID, MerchantSerial: sandboxMchSerial,
		MerchantKey: c.merchantKey, PlatformKeyID: c.platformKeyID, PlatformKey: c.platformKey, APIv3Key: c.apiV3Key},
		&http.Client{Transport: rt, Timeout: a.cfg.Parties.Timeout})
	if err != nil {
		return err
	}
	if area.alipay, err = alipay.NewClient(alipay.Config{AppID: c.alipayApp, PrivateKey: c.alipayAppKey,
		AlipayPublicKey: c.alipayPublicK, Gateway: c.alipayGateway},
		&http.Client{Transport: base, Timeout: a.cfg.Parties.Timeout}); err != nil {
		return err
	}
	d.WeChat, d.Alipay, area.pay = area.wechat, area.alipay, pay
	area.templates = map[workflow.Channel]map[string]string{workflow.ChannelWeChat: sandboxTemplates(), workflow.ChannelAlipay: sandboxTemplates()}
	return nil
}

// sandboxTemplates are the message templates the sandboxes accept: one per
// kind of news, as a mini program registers them.
func sandboxTemplates() map[string]string {
	return map[string]string{
		workflow.TplAccepted: "ZV-ACCEPTED", workflow.TplSupplementRequested: "ZV-SUPPLEMENT",
		workflow.TplApproved: "ZV-DECISION", workflow.TplRejected: "ZV-DECISION",
		workflow.TplResultDispatched: "ZV-DISPATCH", workflow.TplResultIssued: "ZV-DISPATCH",
		workflow.TplClosed: "ZV-RESULT", workflow.TplRevoked: "ZV-RESULT",
		feedback.TplEvaluationInvitation: "ZV-EVALUATE",
	}
}

// citizenHolders resolves an applicant to the verified identity of the
// citizen or business; applicants it does not know (registered at a
// counter, say) go to the next directory.
type citizenHolders struct {
	citizens *models.Citizens
	next     holderDirectory
}

// Holder returns the applicant's ID number (or credit code) and name.
func (h citizenHolders) Holder(ctx context.Context, applicantID string) (holder, error) {
	id, name, err := h.citizens.Holder(ctx, applicantID)
	if errors.Is(err, workflow.ErrNotFound) && h.next != nil {
		return h.next.Holder(ctx, applicantID)
	}
	if err != nil {
		return holder{}, err
	}
	return holder{ID: id, Name: name}, nil
}

// The sandbox merchant.
const (
	sandboxMchID     = "1900000109"
	sandboxMchSerial = "5157F09EFDC096DE15EBE81A47057A72"
)

// channelSandboxes are the WeChat and Alipay sandboxes, mounted with the
// other parties' (sandboxes.go), with the app ids and secrets the clients use.
type channelSandboxes struct {
	wechat       *wechatsb.Sandbox
	alipay       *alipaysb.Sandbox
	wechatApp    string
	wechatSecret string
	apiV3Key     string
	alipayApp    string
	keys         *sandboxKeyPairs
}

// sandboxKeyPairs are the RSA keys of the sandbox channel: made once per
// process (2048-bit keys take a while), fresh on every start.
type sandboxKeyPairs struct {
	merchant, wechatPlatform, alipayApp, alipay *rsa.PrivateKey
}

func (k *sandboxKeyPairs) alipayAppPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.alipayApp)}))
}

var (
	sandboxKeysOnce sync.Once
	sandboxKeys     *sandboxKeyPairs
	sandboxKeysErr  error
)

func channelSandboxKeys() (*sandboxKeyPairs, error) {
	sandboxKeysOnce.Do(func() {
		// Four 2048-bit keys take a quarter of a second or more one after
		// another: the largest part of a cold start. Make them at once.
		var (
			ks   [4]*rsa.PrivateKey
			errs [4]error
			wg   sync.WaitGroup
		)
		for i := range ks {
			wg.Go(func() { ks[i], errs[i] = rsa.GenerateKey(rand.Reader, 2048) })
		}
		wg.Wait()
		if sandboxKeysErr = errors.Join(errs[:]...); sandboxKeysErr == nil {
			sandboxKeys = &sandboxKeyPairs{merchant: ks[0], wechatPlatform: ks[1], alipayApp: ks[2], alipay: ks[3]}
		}
	})
	return sandboxKeys, sandboxKeysErr
}

// newChannelSandboxes creates the WeChat and Alipay sandboxes with fresh
// app ids and secrets.
func newChannelSandboxes(notifier *http.Client) (*channelSandboxes, error) {
	keys, err := channelSandboxKeys()
	if err != nil {
		return nil, fmt.Errorf("channel sandbox keys: %w", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	s := &channelSandboxes{wechatApp: "wx" + hex.EncodeToString(b), wechatSecret: randomSecret(),
		apiV3Key: randomHex(16), alipayApp: "2021" + fmt.Sprint(time.Now().UnixNano()%1e12), keys: keys}
	if s.wechat, err = wechatsb.New(wechatsb.Config{AppID: s.wechatApp, AppSecret: s.wechatSecret, MchID: sandboxMchID,
		MerchantSerial: sandboxMchSerial, MerchantKey: &keys.merchant.PublicKey, APIv3Key: s.apiV3Key,
		PlatformKey: keys.wechatPlatform, Notifier: notifier}); err != nil {
		return nil, err
	}
	if s.alipay, err = alipaysb.New(alipaysb.Config{AppID: s.alipayApp, AppKey: &keys.alipayApp.PublicKey, Key: keys.alipay}); err != nil {
		return nil, err
	}
	return s, nil
}
