package payment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// Cases is the part of the workflow payments drive (*workflow.Service).
type Cases interface {
	Do(ctx context.Context, id string, ev workflow.Event, idem *workflow.IdempotencyRequest) (workflow.Case, error)
}

// People says whose cases a caller may act on (*citizen.Service).
type People interface {
	OwnCase(ctx context.Context, c citizen.Caller, id string, read citizen.CaseRead) (workflow.Case, error)
}

// Config is what a Service needs.
type Config struct {
	Store Store
	Cases Cases
	// People says whose cases a caller may act on.
	People People
	// WeChat and Alipay are the channels' payment APIs; a channel left nil
	// takes no payments.
	WeChat WeChatPay
	Alipay Alipay
	// AppIDs are our apps by channel: a notice for another app is refused.
	AppIDs map[workflow.Channel]string
	// NotifyURL is where a channel posts its payment notifications.
	NotifyURL func(ch workflow.Channel) string
	Now       func() time.Time
}

// Service takes payments of case fees and refunds them.
type Service struct{ cfg Config }

// New returns a payment service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NotifyURL == nil {
		cfg.NotifyURL = func(workflow.Channel) string { return "" }
	}
	return &Service{cfg: cfg}
}

// Get returns an order by its number.
func (s *Service) Get(ctx context.Context, outTradeNo string) (Order, error) {
	return s.cfg.Store.Get(ctx, outTradeNo)
}

// Orders returns the orders of a case the caller may act on, oldest
// first; citizen.ErrCaseNotFound for any other case.
func (s *Service) Orders(ctx context.Context, who citizen.Caller, caseID string) ([]Order, error) {
	_, orders, err := s.caseAndOrders(ctx, who, caseID)
	return orders, err
}

// caseAndOrders reads a case the caller may act on with its orders, oldest
// first, in one statement.
func (s *Service) caseAndOrders(ctx context.Context, who citizen.Caller, caseID string) (workflow.Case, []Order, error) {
	var orders []Order
	cs, err := s.cfg.People.OwnCase(ctx, who, caseID, func(ctx context.Context, id string) (workflow.Case, error) {
		c, os, err := s.cfg.Store.CaseAndOrders(ctx, id)
		orders = os
		return c, err
	})
	if err != nil {
		return workflow.Case{}, nil, err
	}
	return cs, orders, nil
}

// Pay starts paying the fees of a case the caller may act on through the
// caller's channel and returns the order with what the mini program pays
// with. Asking again reuses the unpaid order, which the channel is not
// asked about again.
func (s *Service) Pay(ctx context.Context, who citizen.Caller, caseID string) (Order, error) {
	cs, orders, err := s.caseAndOrders(ctx, who, caseID)
	if err != nil {
		return Order{}, err
	}
	switch {
	case cs.Payment != nil:
		return Order{}, workflow.Refuse(workflow.ErrConflict, "already_paid", "费用已缴纳")
	case !Due(cs):
		return Order{}, workflow.Refuse(workflow.ErrConflict, "payment_not_due", "该办件当前无需缴费")
	}
	order, err := s.openOrder(ctx, cs, who.Account, orders)
	if err != nil || order.Prepay != "" {
		return order, err
	}
	return s.prepay(ctx, cs, order)
}

// openOrder returns the account's unpaid order of the case (among its
// orders) still within its window, or a new one.
func (s *Service) openOrder(ctx context.Context, cs workflow.Case, acct citizen.Account, orders []Order) (Order, error) {
	now := s.cfg.Now()
	var order Order
	for _, o := range orders {
		if o.Status == Created && o.Channel == acct.Channel && o.Payer == acct.Subject && o.AmountFen == cs.Terms.FeeFen &&
			now.Sub(o.CreatedAt) < window {
			order = o
		}
	}
	if order.OutTradeNo != "" {
		return order, nil
	}
	return s.cfg.Store.Create(ctx, Order{OutTradeNo: newTradeNo(now), CaseID: cs.ID, PrincipalID: cs.ApplicantID,
		Channel: acct.Channel, AmountFen: cs.Terms.FeeFen, Payer: acct.Subject})
}

// prepay places the order with the channel.
func (s *Service) prepay(ctx context.Context, cs workflow.Case, o Order) (Order, error) {
	subject := cs.Terms.ItemName + "（" + cs.Number + "）"
	switch {
	case o.Channel == workflow.ChannelWeChat && s.cfg.WeChat != nil:
		p, err := s.cfg.WeChat.Prepay(ctx, WeChatOrder{OutTradeNo: o.OutTradeNo, Description: subject, AmountFen: o.AmountFen,
			OpenID: o.Payer, NotifyURL: s.cfg.NotifyURL(o.Channel), ExpiresAt: o.CreatedAt.Add(window)})
		if err != nil {
			return o, err
		}
		b, _ := json.Marshal(p)
		o.Prepay = string(b)
	case o.Channel == workflow.ChannelAlipay && s.cfg.Alipay != nil:
		t := AlipayTrade{OutTradeNo: o.OutTradeNo, Subject: subject, AmountFen: o.AmountFen,
			NotifyURL: s.cfg.NotifyURL(o.Channel), Timeout: "120m"}
		t.BuyerID, t.BuyerOpenID = AlipaySubject(o.Payer)
		tradeNo, err := s.cfg.Alipay.CreateTrade(ctx, t)
		if err != nil {
			return o, err
		}
		o.Prepay, o.TradeNo = `{"trade_no":"`+tradeNo+`"}`, tradeNo
	default:
		return o, workflow.Refuse(workflow.ErrInvalidInput, "payment_channel_unavailable", "当前渠道暂不支持缴费")
	}
	return o, s.cfg.Store.SetPrepay(ctx, o.OutTradeNo, o.Prepay, o.TradeNo)
}

// Refund refunds a paid (or superseded) order in full through its channel
// and records it. The refund number is derived from the order, so asking
// again never refunds twice.
func (s *Service) Refund(ctx context.Context, o Order, reason string) error {
	if o.Status == Refunded {
		return nil
	}
	r := Refund{OutTradeNo: o.OutTradeNo, RefundNo: "R" + o.OutTradeNo, AmountFen: o.AmountFen, Reason: reason}
	var err error
	switch o.Channel {
	case workflow.ChannelWeChat:
		err = s.refundWeChat(ctx, r)
	case workflow.ChannelAlipay:
		if s.cfg.Alipay == nil {
			return fmt.Errorf("refund %s: %w", o.OutTradeNo, workflow.ErrNoIntegration)
		}
		if err = s.cfg.Alipay.Refund(ctx, r); err != nil {
			err = fmt.Errorf("refund %s: %w", o.OutTradeNo, err)
		}
	default:
		return fmt.Errorf("refund %s: channel %s: %w", o.OutTradeNo, o.Channel, workflow.ErrPermanent)
	}
	if err != nil {
		return err
	}
	return s.cfg.Store.MarkRefunded(ctx, o.OutTradeNo, r.RefundNo, s.cfg.Now())
}

func (s *Service) refundWeChat(ctx context.Context, r Refund) error {
	if s.cfg.WeChat == nil {
		return fmt.Errorf("refund %s: %w", r.OutTradeNo, workflow.ErrNoIntegration)
	}
	status, err := s.cfg.WeChat.Refund(ctx, r)
	switch {
	case err != nil:
		return fmt.Errorf("refund %s: %w", r.OutTradeNo, err)
	case status == "PROCESSING":
		// Not settled yet: the outbox asks again later with the same
		// refund number, which reports the refund's status.
		return fmt.Errorf("refund %s: still processing", r.OutTradeNo)
	case status != "SUCCESS":
		// ABNORMAL or CLOSED: a person has to sort it out with the payer.
		return fmt.Errorf("refund %s: status %s: %w", r.OutTradeNo, status, workflow.ErrPermanent)
	}
	return nil
}

// RefundFee carries out the workflow's RefundFee effect: the order the
// case was paid with goes back to the payer.
func (s *Service) RefundFee(ctx context.Context, r workflow.RefundFee) error {
	o, err := s.cfg.Store.ByTradeNo(ctx, r.Channel, r.TradeNo)
	if errors.Is(err, workflow.ErrNotFound) {
		return fmt.Errorf("refund case %s: no payment order for the trade: %w", r.CaseID, workflow.ErrPermanent)
	}
	if err != nil {
		return err
	}
	return s.Refund(ctx, o, "申请撤回或不予许可，退还已缴费用")
}
