package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
)

// defaultInviteAfter is how long after completion the applicant is invited
// to evaluate a case they have not evaluated.
const defaultInviteAfter = 72 * time.Hour

// CitizenNotifier carries out the workflow's NotifyApplicant effects and
// sends evaluation invitations: every message goes into the in-app inbox
// (once per outbox entry), then, for each of the applicant's accounts with
// a one-time consent for the message's template, out as a WeChat subscribe
// message or an Alipay message. A push is claimed before it is sent, so a
// retried effect never pushes twice.
type CitizenNotifier struct {
	d   CitizenDeps
	log *slog.Logger
	now func() time.Time
}

// NewCitizenNotifier returns the notifier over the citizen channel's dependencies.
func NewCitizenNotifier(d CitizenDeps) *CitizenNotifier {
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	return &CitizenNotifier{d: d, log: log, now: now}
}

// Notify handles one NotifyApplicant effect from the outbox entry e.
// An applicant who is not a citizen of the mini programs (registered at a
// counter, say) has no channel here: the effect fails with
// workflow.ErrNoIntegration and waits for one, as the dispatcher does with
// any effect nothing carries out.
func (n *CitizenNotifier) Notify(ctx context.Context, e workflow.OutboxEntry, eff workflow.NotifyApplicant) error {
	if _, err := n.d.Citizens.Get(ctx, eff.ApplicantID); errors.Is(err, workflow.ErrNotFound) {
		return fmt.Errorf("notify applicant of case %s: %w: the applicant has no mini-program account", eff.CaseID, workflow.ErrNoIntegration)
	} else if err != nil {
		return err
	}
	msg := messageFor(eff.Template, eff.Params)
	stored, _, err := n.d.Inbox.Put(ctx, models.InboxMessage{PrincipalID: eff.ApplicantID, CaseID: eff.CaseID,
		Template: eff.Template, Title: msg.Title, Body: msg.Body}, e.ID)
	if err != nil {
		return fmt.Errorf("notify applicant of case %s: %w", eff.CaseID, err)
	}
	if eff.Template == workflow.TplClosed || eff.Template == workflow.TplRejected {
		after := n.d.InviteAfter
		if after <= 0 {
			after = defaultInviteAfter
		}
		if err := n.d.Evaluations.ScheduleInvitation(ctx, eff.CaseID, eff.ApplicantID, n.now().Add(after)); err != nil {
			return err
		}
	}
	return n.push(ctx, stored, eff.Params)
}

// Invite sends a claimed evaluation invitation.
func (n *CitizenNotifier) Invite(ctx context.Context, inv models.Invitation, cs workflow.Case) error {
	p := map[string]string{"number": cs.Number, "item": cs.Terms.ItemName}
	msg := messageFor(TplEvaluationInvitation, p)
	stored, _, err := n.d.Inbox.Put(ctx, models.InboxMessage{PrincipalID: inv.PrincipalID, CaseID: inv.CaseID,
		Template: TplEvaluationInvitation, Title: msg.Title, Body: msg.Body}, 0)
	if err != nil {
		return fmt.Errorf("invite evaluation of case %s: %w", inv.CaseID, err)
	}
	return n.push(ctx, stored, p)
}

// recipients are the accounts a case's messages are pushed to: those of the
// person who filled in the application (for a business, the agent), or of
// the applicant.
func (n *CitizenNotifier) recipients(ctx context.Context, m models.InboxMessage) ([]models.Account, error) {
	person := m.PrincipalID
	if app, err := n.d.Citizens.Application(ctx, m.CaseID); err == nil {
		person = app.PersonID
	} else if !errors.Is(err, workflow.ErrNotFound) {
		return nil, err
	}
	return n.d.Citizens.Accounts(ctx, person)
}

func (n *CitizenNotifier) push(ctx context.Context, m models.InboxMessage, params map[string]string) error {
	accts, err := n.recipients(ctx, m)
	if err != nil {
		return err
	}
	msg := messageFor(m.Template, params)
	data := templateData(msg, params)
	var errs []error
	for _, a := range accts {
		tpl := n.templateID(a.Channel, m.Template)
		if tpl == "" {
			continue
		}
		if err := n.pushTo(ctx, m, a, tpl, data); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (n *CitizenNotifier) templateID(ch workflow.Channel, tpl string) string {
	switch {
	case ch == workflow.ChannelWeChat && n.d.WeChat != nil:
		return n.d.WeChatTemplates[tpl]
	case ch == workflow.ChannelAlipay && n.d.Alipay != nil:
		return n.d.AlipayTemplates[tpl]
	}
	return ""
}

// pushTo sends one message to one account. Only a channel that cannot be
// reached is an error (the outbox retries); a refusal is final.
func (n *CitizenNotifier) pushTo(ctx context.Context, m models.InboxMessage, a models.Account, tpl string, data map[string]string) error {
	first, err := n.d.Inbox.ClaimDelivery(ctx, m.ID, a.ID)
	if err != nil || !first {
		return err
	}
	ok, err := n.d.Inbox.UseConsent(ctx, a.ID, tpl)
	if err != nil {
		_ = n.d.Inbox.ReleaseDelivery(ctx, m.ID, a.ID)
		return err
	}
	if !ok {
		return n.d.Inbox.FinishDelivery(ctx, m.ID, a.ID, models.DeliveryNoConsent)
	}
	page := "pages/case/detail?id=" + m.CaseID
	switch a.Channel {
	case workflow.ChannelWeChat:
		err = n.d.WeChat.Send(ctx, wechat.Message{OpenID: a.Subject, TemplateID: tpl, Page: page, Data: data})
	case workflow.ChannelAlipay:
		am := alipay.Message{TemplateID: tpl, Page: page, Data: data}
		if openID, isOpen := cutPrefix(a.Subject, "open:"); isOpen {
			am.ToOpenID = openID
		} else {
			am.ToUserID = a.Subject
		}
		err = n.d.Alipay.SendMessage(ctx, am)
	}
	switch {
	case err == nil:
		return n.d.Inbox.FinishDelivery(ctx, m.ID, a.ID, models.DeliverySent)
	case errors.Is(err, wechat.ErrNoConsent), errors.Is(err, alipay.ErrNoConsent):
		// The channel knows better: the user has no consent left.
		_ = n.d.Inbox.ClearConsent(ctx, a.ID, tpl)
		return n.d.Inbox.FinishDelivery(ctx, m.ID, a.ID, models.DeliveryNoConsent)
	case errors.Is(err, workflow.ErrUnavailable) || ctx.Err() != nil:
		_ = n.d.Inbox.ReturnConsent(ctx, a.ID, tpl)
		_ = n.d.Inbox.ReleaseDelivery(ctx, m.ID, a.ID)
		return fmt.Errorf("push message %d to account %s: %w", m.ID, a.ID, err)
	}
	n.log.WarnContext(ctx, "message push refused", "channel", string(a.Channel), "message_id", m.ID, "err", err)
	return n.d.Inbox.FinishDelivery(ctx, m.ID, a.ID, "refused")
}
