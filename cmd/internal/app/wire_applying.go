package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"zerovisit/handlers"
	"zerovisit/integrations/alipay"
	"zerovisit/integrations/credit"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/apply"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/payment"
)

// applyingServices builds the services behind the citizen's applications:
// drafts and cases (apply), fees (payment), the inbox, messages and
// evaluations (feedback), over the stores and the channel clients.
func (a *App) applyingServices(area *citizenArea, d *handlers.CitizenDeps) {
	evaluations := models.NewEvaluations(a.db, a.sealer)
	d.Evaluations = feedback.NewEvaluations(feedback.EvaluationsConfig{Store: evaluations, Cases: a.svc, Calendar: a.svc.Engine().Calendar()})
	d.Ratings = feedback.NewPublicStats(evaluations, func(code string) (string, string) {
		it, err := a.svc.Engine().Catalogue().Lookup(code)
		if err != nil {
			return "", ""
		}
		return it.Name, it.DepartmentName
	}, nil)
	d.Applications = apply.New(apply.Config{Store: area.citizens, Index: a.repo, Cases: a.svc, People: d.People, Catalogue: a.svc.Engine().Catalogue(),
		Credit: creditLibrary{a.parties.credit}, Identities: a.sealer, Licences: licenceLibrary{a.parties.elicense}, Evaluations: d.Evaluations,
		Blobs: a.blobs, Sniff: http.DetectContentType, MaxUploadBytes: a.cfg.Citizen.MaxUploadBytes,
		Quota: apply.UploadQuota{AccountFiles: a.cfg.Citizen.UploadAccountFiles, AccountBytes: a.cfg.Citizen.UploadAccountBytes,
			Window: a.cfg.Citizen.UploadWindow, CaseFiles: a.cfg.Citizen.UploadCaseFiles, CaseBytes: a.cfg.Citizen.UploadCaseBytes}})
	d.MaxUploadBytes = a.cfg.Citizen.MaxUploadBytes

	pay := payment.Config{Store: models.NewPayments(a.db), Cases: a.svc, People: d.People, AppIDs: map[workflow.Channel]string{},
		NotifyURL: func(ch workflow.Channel) string {
			return a.citizenPublicURL() + "/api/v1/payments/" + string(ch) + "/notify"
		}}
	senders := map[workflow.Channel]feedback.Sender{}
	if area.wechat != nil {
		pay.AppIDs[workflow.ChannelWeChat] = area.wechat.AppID()
		senders[workflow.ChannelWeChat] = wechatMessages{area.wechat}
	}
	if area.pay != nil {
		pay.WeChat, d.WeChatPay = wechatPayments{area.pay}, wechatPayments{area.pay}
	}
	if area.alipay != nil {
		pay.AppIDs[workflow.ChannelAlipay] = area.alipay.AppID()
		pay.Alipay, d.AlipayPay = alipayPayments{area.alipay}, alipayPayments{area.alipay}
		senders[workflow.ChannelAlipay] = alipayMessages{area.alipay}
	}
	d.Payments = payment.New(pay)
	d.Messages = feedback.NewMessages(feedback.MessagesConfig{Inbox: models.NewInbox(a.db), Evaluations: evaluations,
		Citizens: area.citizens, Applications: d.Applications, Cases: a.svc, Senders: senders, Templates: area.templates,
		InviteAfter: a.cfg.Citizen.InviteAfter, Log: a.log})
}

// citizenPublicURL is this service's base URL as payment channels reach it.
func (a *App) citizenPublicURL() string {
	if a.cfg.Citizen.PublicURL != "" {
		return a.cfg.Citizen.PublicURL
	}
	return "http://" + a.DisplayAddr()
}

// followups are the bad-rating follow-ups supervisors close.
func (a *App) followups() handlers.Followups { return a.citizen.deps.Evaluations }

// creditLibrary reads a subject's status, false commitments and credit
// repair off the credit library's standing.
type creditLibrary struct{ svc credit.Service }

func (c creditLibrary) Status(ctx context.Context, subjectID string) (workflow.CreditStatus, workflow.CreditHistory, error) {
	s, err := c.svc.Status(ctx, subjectID)
	return s.Status, s.History(), err
}

// licenceLibrary is the e-license library in the application's terms.
type licenceLibrary struct{ lib *elicense.Client }

func (l licenceLibrary) Licences(ctx context.Context, holderID, licenceType string) ([]apply.Licence, error) {
	ls, err := l.lib.Licences(ctx, holderID, licenceType)
	out := make([]apply.Licence, 0, len(ls))
	for _, x := range ls {
		out = append(out, apply.Licence{ID: x.ID, Type: x.Type, Name: x.Name, HolderName: x.HolderName, Issuer: x.Issuer,
			IssuedOn: x.IssuedOn, ExpiresOn: x.ExpiresOn, Status: string(x.Status), FileSM3: x.FileSM3, CaseNumber: x.CaseNumber})
	}
	return out, err
}

func (l licenceLibrary) File(ctx context.Context, licenceID string) ([]byte, error) {
	return l.lib.File(ctx, licenceID)
}

// wechatPayments is WeChat Pay in the payment's terms.
type wechatPayments struct{ pay *wechat.Pay }

func (w wechatPayments) Prepay(ctx context.Context, o payment.WeChatOrder) (payment.WeChatParams, error) {
	p, err := w.pay.Prepay(ctx, wechat.Order{OutTradeNo: o.OutTradeNo, Description: o.Description, AmountFen: o.AmountFen,
		OpenID: o.OpenID, NotifyURL: o.NotifyURL, ExpiresAt: o.ExpiresAt})
	return payment.WeChatParams{AppID: p.AppID, TimeStamp: p.TimeStamp, NonceStr: p.NonceStr, Package: p.Package,
		SignType: p.SignType, PaySign: p.PaySign, PrepayID: p.PrepayID}, err
}

func (w wechatPayments) Refund(ctx context.Context, r payment.Refund) (string, error) {
	return w.pay.Refund(ctx, wechat.Refund{OutTradeNo: r.OutTradeNo, OutRefundNo: r.RefundNo, RefundFen: r.AmountFen,
		TotalFen: r.AmountFen, Reason: r.Reason})
}

func (w wechatPayments) ParseNotification(ctx context.Context, r *http.Request) (payment.Notice, error) {
	n, err := w.pay.ParseNotification(ctx, r)
	tx := n.Transaction
	return payment.Notice{Channel: workflow.ChannelWeChat, AppID: tx.AppID, OutTradeNo: tx.OutTradeNo,
		TradeNo: tx.TransactionID, AmountFen: tx.TotalFen, Paid: tx.Paid()}, err
}

// alipayPayments is Alipay's trades in the payment's terms.
type alipayPayments struct{ c *alipay.Client }

func (p alipayPayments) CreateTrade(ctx context.Context, t payment.AlipayTrade) (string, error) {
	return p.c.CreateTrade(ctx, alipay.Trade{OutTradeNo: t.OutTradeNo, Subject: t.Subject, AmountFen: t.AmountFen,
		BuyerID: t.BuyerID, BuyerOpenID: t.BuyerOpenID, NotifyURL: t.NotifyURL, Timeout: t.Timeout})
}

func (p alipayPayments) Refund(ctx context.Context, r payment.Refund) error {
	return p.c.Refund(ctx, alipay.Refund{OutTradeNo: r.OutTradeNo, OutRequestNo: r.RefundNo, AmountFen: r.AmountFen, Reason: r.Reason})
}

func (p alipayPayments) DecodeNotification(ctx context.Context, form url.Values) (payment.Notice, error) {
	n, err := p.c.DecodeNotification(ctx, form)
	return payment.Notice{Channel: workflow.ChannelAlipay, AppID: n.AppID, OutTradeNo: n.OutTradeNo, TradeNo: n.TradeNo,
		AmountFen: n.TotalFen, Paid: n.Paid()}, err
}

// wechatMessages sends WeChat subscribe messages.
type wechatMessages struct{ c *wechat.Client }

func (w wechatMessages) Send(ctx context.Context, p feedback.Push) error {
	return noConsent(w.c.Send(ctx, wechat.Message{OpenID: p.OpenID, TemplateID: p.TemplateID, Page: p.Page, Data: p.Data}),
		wechat.ErrNoConsent)
}

// alipayMessages sends Alipay mini-program template messages.
type alipayMessages struct{ c *alipay.Client }

func (m alipayMessages) Send(ctx context.Context, p feedback.Push) error {
	return noConsent(m.c.SendMessage(ctx, alipay.Message{ToUserID: p.UserID, ToOpenID: p.OpenID, TemplateID: p.TemplateID,
		Page: p.Page, Data: p.Data}), alipay.ErrNoConsent)
}

// noConsent marks a channel's no-consent error as feedback.ErrNoConsent.
func noConsent(err, channelNoConsent error) error {
	if errors.Is(err, channelNoConsent) {
		return fmt.Errorf("%w: %w", feedback.ErrNoConsent, err)
	}
	return err
}
