package feedback

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/payment"
)

// Notify carries out one NotifyApplicant effect of the outbox entry e:
// the message goes into the in-app inbox (once per entry), then, for each
// of the recipient's accounts with a one-time consent for the message's
// template, out through the account's channel. A push is claimed before
// it is sent, so a retried effect never pushes twice. An applicant who is
// not a citizen of the mini programs (registered at a counter, say) has no
// channel here: the effect fails with workflow.ErrNoIntegration and waits
// for one, as the dispatcher does with any effect nothing carries out.
func (s *Messages) Notify(ctx context.Context, e workflow.OutboxEntry, eff workflow.NotifyApplicant) error {
	if _, err := s.cfg.Citizens.Get(ctx, eff.ApplicantID); errors.Is(err, workflow.ErrNotFound) {
		return fmt.Errorf("notify applicant of case %s: %w: the applicant has no mini-program account", eff.CaseID, workflow.ErrNoIntegration)
	} else if err != nil {
		return err
	}
	msg := messageFor(eff.Template, eff.Params)
	stored, _, err := s.cfg.Inbox.Put(ctx, InboxMessage{PrincipalID: eff.ApplicantID, CaseID: eff.CaseID,
		Template: eff.Template, Title: msg.Title, Body: msg.Body}, e.ID)
	if err != nil {
		return fmt.Errorf("notify applicant of case %s: %w", eff.CaseID, err)
	}
	switch eff.Template {
	case workflow.TplClosed, workflow.TplRejected, workflow.TplWithdrawn, workflow.TplRevoked:
		// Every ending is evaluated (51号文), a withdrawal or revocation too.
		if err := s.cfg.Evaluations.ScheduleInvitation(ctx, eff.CaseID, eff.ApplicantID, s.cfg.Now().Add(s.cfg.InviteAfter)); err != nil {
			return err
		}
	}
	return s.push(ctx, stored, eff.Params)
}

// Invite sends a claimed evaluation invitation.
func (s *Messages) Invite(ctx context.Context, inv Invitation, cs workflow.Case) error {
	p := map[string]string{"number": cs.Number, "item": cs.Terms.ItemName}
	msg := messageFor(TplEvaluationInvitation, p)
	stored, _, err := s.cfg.Inbox.Put(ctx, InboxMessage{PrincipalID: inv.PrincipalID, CaseID: inv.CaseID,
		Template: TplEvaluationInvitation, Title: msg.Title, Body: msg.Body}, 0)
	if err != nil {
		return fmt.Errorf("invite evaluation of case %s: %w", inv.CaseID, err)
	}
	return s.push(ctx, stored, p)
}

// SweepInvitations invites the applicants of up to limit cases completed
// long enough ago and not evaluated. Each invitation is claimed in the
// store first, so replicas sweeping at once never send one twice.
func (s *Messages) SweepInvitations(ctx context.Context, limit int) error {
	invs, err := s.cfg.Evaluations.ClaimInvitations(ctx, s.cfg.Now(), limit)
	var errs []error
	for _, inv := range invs {
		cs, err := s.cfg.Cases.Get(ctx, inv.CaseID)
		if err == nil {
			err = s.Invite(ctx, inv, cs)
		}
		errs = append(errs, err)
	}
	return errors.Join(append(errs, err)...)
}

// recipients are the accounts a case's messages are pushed to: those of the
// person who filled in the application (for a business, the agent), or of
// the applicant.
func (s *Messages) recipients(ctx context.Context, m InboxMessage) ([]citizen.Account, error) {
	person := m.PrincipalID
	if p, err := s.cfg.Applications.PersonOf(ctx, m.CaseID); err == nil {
		person = p
	} else if !errors.Is(err, workflow.ErrNotFound) {
		return nil, err
	}
	return s.cfg.Citizens.Accounts(ctx, person)
}

func (s *Messages) push(ctx context.Context, m InboxMessage, params map[string]string) error {
	accts, err := s.recipients(ctx, m)
	if err != nil {
		return err
	}
	data := templateData(messageFor(m.Template, params), params)
	var errs []error
	for _, a := range accts {
		tpl := s.templateID(a.Channel, m.Template)
		if tpl == "" {
			continue
		}
		if err := s.pushTo(ctx, m, a, Push{TemplateID: tpl, Page: "pages/case/detail?id=" + m.CaseID, Data: data}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// templateID is the channel's template for a notification, "" when the
// channel has none or cannot send.
func (s *Messages) templateID(ch workflow.Channel, tpl string) string {
	if s.cfg.Senders[ch] == nil {
		return ""
	}
	return s.cfg.Templates[ch][tpl]
}

// pushTo sends one message to one account. Only a channel that cannot be
// reached is an error (the outbox retries); a refusal is final.
func (s *Messages) pushTo(ctx context.Context, m InboxMessage, a citizen.Account, p Push) error {
	first, err := s.cfg.Inbox.ClaimDelivery(ctx, m.ID, a.ID)
	if err != nil || !first {
		return err
	}
	ok, err := s.cfg.Inbox.UseConsent(ctx, a.ID, p.TemplateID)
	if err != nil {
		_ = s.cfg.Inbox.ReleaseDelivery(ctx, m.ID, a.ID)
		return err
	}
	if !ok {
		return s.cfg.Inbox.FinishDelivery(ctx, m.ID, a.ID, DeliveryNoConsent)
	}
	switch a.Channel {
	case workflow.ChannelAlipay:
		p.UserID, p.OpenID = payment.AlipaySubject(a.Subject)
	default:
		p.OpenID = a.Subject
	}
	return s.finishPush(ctx, m, a, p.TemplateID, s.cfg.Senders[a.Channel].Send(ctx, p))
}

// finishPush records how a claimed push ended.
func (s *Messages) finishPush(ctx context.Context, m InboxMessage, a citizen.Account, tpl string, err error) error {
	switch {
	case err == nil:
		return s.cfg.Inbox.FinishDelivery(ctx, m.ID, a.ID, DeliverySent)
	case errors.Is(err, ErrNoConsent):
		// The channel knows better: the user has no consent left.
		_ = s.cfg.Inbox.ClearConsent(ctx, a.ID, tpl)
		return s.cfg.Inbox.FinishDelivery(ctx, m.ID, a.ID, DeliveryNoConsent)
	case errors.Is(err, workflow.ErrUnavailable) || ctx.Err() != nil:
		_ = s.cfg.Inbox.ReturnConsent(ctx, a.ID, tpl)
		_ = s.cfg.Inbox.ReleaseDelivery(ctx, m.ID, a.ID)
		return fmt.Errorf("push message %d to account %s: %w", m.ID, a.ID, err)
	}
	s.cfg.Log.WarnContext(ctx, "message push refused", "channel", string(a.Channel), "message_id", m.ID, "err", err)
	return s.cfg.Inbox.FinishDelivery(ctx, m.ID, a.ID, DeliveryRefused)
}
