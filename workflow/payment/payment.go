// Package payment is the paying of a case's fees through the citizen's
// channel (WeChat Pay, Alipay): the orders, what a channel's notification
// must prove before a case counts as paid, and refunds.
package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"zerovisit/workflow"
)

// Status is the state of a payment order.
type Status string

// Payment order states. An order is created when the citizen starts paying;
// paid when the channel's notification proved it; superseded when the
// case was already paid by another order (its money is refunded); refunded
// once the refund went through.
const (
	Created    Status = "created"
	Paid       Status = "paid"
	Superseded Status = "superseded"
	Refunded   Status = "refunded"
)

// Order is one attempt to pay a case's fees through a channel.
type Order struct {
	OutTradeNo  string
	CaseID      string
	PrincipalID string
	Channel     workflow.Channel
	AmountFen   int64
	// Payer is the channel's id of the paying user (openid, Alipay user id).
	Payer  string
	Status Status
	// TradeNo is the channel's transaction number, once known.
	TradeNo string
	// Prepay is what the mini program pays with (JSON), kept so a retry of
	// the same order answers the same.
	Prepay     string
	RefundNo   string
	CreatedAt  time.Time
	PaidAt     time.Time
	RefundedAt time.Time
}

// WeChatParams returns what wx.requestPayment takes for an unpaid WeChat
// order, or nil.
func (o Order) WeChatParams() *WeChatParams {
	if o.Status != Created || o.Prepay == "" || o.Channel != workflow.ChannelWeChat {
		return nil
	}
	var p WeChatParams
	if json.Unmarshal([]byte(o.Prepay), &p) != nil {
		return nil
	}
	return &p
}

// AlipayTradeNo returns what my.tradePay takes for an unpaid Alipay order,
// or "".
func (o Order) AlipayTradeNo() string {
	if o.Status != Created || o.Prepay == "" || o.Channel != workflow.ChannelAlipay {
		return ""
	}
	return o.TradeNo
}

// Store keeps payment orders (models.Payments). Errors wrap the workflow's
// sentinels (ErrNotFound, ErrDuplicate).
type Store interface {
	Create(ctx context.Context, o Order) (Order, error)
	Get(ctx context.Context, outTradeNo string) (Order, error)
	// ByTradeNo returns the order a channel transaction paid.
	ByTradeNo(ctx context.Context, ch workflow.Channel, tradeNo string) (Order, error)
	// CaseAndOrders reads a case with its orders, oldest first, in one
	// statement; workflow.ErrNotFound when there is no such case.
	CaseAndOrders(ctx context.Context, caseID string) (workflow.Case, []Order, error)
	// SetPrepay records what the mini program pays a created order with.
	SetPrepay(ctx context.Context, outTradeNo, prepay, tradeNo string) error
	// Settle records the proof of payment on a created order (Paid or
	// Superseded) and reports whether this call changed it.
	Settle(ctx context.Context, outTradeNo, tradeNo string, status Status, at time.Time) (bool, error)
	// MarkRefunded records the refund of a paid or superseded order.
	MarkRefunded(ctx context.Context, outTradeNo, refundNo string, at time.Time) error
}

// Due reports whether a case's fees can and must still be paid.
func Due(cs workflow.Case) bool {
	if cs.Terms.FeeFen == 0 || cs.Payment != nil {
		return false
	}
	switch cs.Status {
	case workflow.StatusSubmitted, workflow.StatusAccepted, workflow.StatusSupplementRequested, workflow.StatusApproved:
		return true
	}
	return false
}

// window is how long an unpaid order stays payable at the channel.
const window = 2 * time.Hour

// newTradeNo is a merchant order number: ZVP, the time and 8 random hex
// digits (25 characters; WeChat allows 32, Alipay 64).
func newTradeNo(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "ZVP" + now.In(workflow.CST()).Format("20060102150405") + hex.EncodeToString(b)
}

// AlipaySubject splits an Alipay account's subject into the user id, or
// the open id of an app that only gets that (kept as "open:<id>").
func AlipaySubject(subject string) (userID, openID string) {
	if id, ok := strings.CutPrefix(subject, "open:"); ok {
		return "", id
	}
	return subject, ""
}
