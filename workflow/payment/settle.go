package payment

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
)

// Settle applies a channel's verified notification. A notice for another
// app, or one that does not match our order (another channel, another
// amount, another transaction) is a *Mismatch and changes nothing; a
// notice of an unpaid trade changes nothing either. The first notice of a
// payment records the workflow's Pay event (idempotent by order); repeats
// change nothing. A payment that arrives for a case already paid, or no
// longer payable, is refunded.
func (s *Service) Settle(ctx context.Context, n Notice) error {
	if want := s.cfg.AppIDs[n.Channel]; want != "" && n.AppID != want {
		return &Mismatch{Code: "wrong_app", Why: "notification for another app", Message: "应用不匹配"}
	}
	if !n.Paid {
		return nil
	}
	o, err := s.cfg.Store.Get(ctx, n.OutTradeNo)
	if errors.Is(err, workflow.ErrNotFound) {
		return mismatch("unknown_order", "no such order")
	}
	if err != nil {
		return err
	}
	if err := matches(o, n); err != nil {
		return err
	}
	switch o.Status {
	case Paid, Refunded:
		return nil // a repeat
	case Superseded:
		return s.Refund(ctx, o, "重复缴费退款")
	}
	return s.record(ctx, o, n)
}

// matches checks a paid notice against our order.
func matches(o Order, n Notice) error {
	switch {
	case o.Channel != n.Channel:
		return mismatch("wrong_channel", "order belongs to another channel")
	case n.AmountFen != o.AmountFen:
		return mismatch("amount_mismatch", fmt.Sprintf("paid %d fen, order is %d", n.AmountFen, o.AmountFen))
	case n.TradeNo == "":
		return mismatch("no_trade_no", "notification without a transaction number")
	case o.Status == Paid && o.TradeNo != n.TradeNo:
		return mismatch("trade_mismatch", "order already paid by another transaction")
	}
	return nil
}

// record applies the payment to the case and settles the order: paid, or
// superseded and refunded when the case was paid twice or has ended.
func (s *Service) record(ctx context.Context, o Order, n Notice) error {
	ev := workflow.Pay{Meta: workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorSystem, ID: "payment-" + string(n.Channel)},
		At: s.cfg.Now()}, Channel: n.Channel, TradeNo: n.TradeNo, AmountFen: o.AmountFen}
	idem := &workflow.IdempotencyRequest{Scope: "payment:" + string(n.Channel), Key: o.OutTradeNo, RequestHash: n.TradeNo}
	var err error
	for attempt := 0; ; attempt++ {
		_, err = s.cfg.Cases.Do(ctx, o.CaseID, ev, idem)
		if !errors.Is(err, workflow.ErrConflict) || attempt >= 3 {
			break
		}
	}
	switch {
	case err == nil:
		_, err = s.cfg.Store.Settle(ctx, o.OutTradeNo, n.TradeNo, Paid, s.cfg.Now())
		return err
	case errors.Is(err, workflow.ErrDuplicate), errors.Is(err, workflow.ErrInvalidTransition), errors.Is(err, workflow.ErrInvalidInput):
		// Paid twice, or after the case ended: the money goes back.
		if _, err := s.cfg.Store.Settle(ctx, o.OutTradeNo, n.TradeNo, Superseded, s.cfg.Now()); err != nil {
			return err
		}
		o.Status, o.TradeNo = Superseded, n.TradeNo
		return s.Refund(ctx, o, "重复或逾期缴费退款")
	}
	return err
}
