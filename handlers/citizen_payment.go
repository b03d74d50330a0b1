package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
)

// paymentWindow is how long an unpaid order stays payable at the channel.
const paymentWindow = 2 * time.Hour

type citizenPaymentView struct {
	OutTradeNo string               `json:"out_trade_no"`
	Channel    workflow.Channel     `json:"channel"`
	AmountFen  int64                `json:"amount_fen"`
	Status     models.PaymentStatus `json:"status"`
	// WeChat is what wx.requestPayment takes; AlipayTradeNo what my.tradePay takes.
	WeChat        *wechat.PaymentParams `json:"wechat,omitempty"`
	AlipayTradeNo string                `json:"alipay_trade_no,omitempty"`
	CreatedAt     time.Time             `json:"created_at"`
	PaidAt        *time.Time            `json:"paid_at,omitempty"`
	RefundedAt    *time.Time            `json:"refunded_at,omitempty"`
}

func paymentView(o models.PaymentOrder) citizenPaymentView {
	v := citizenPaymentView{OutTradeNo: o.OutTradeNo, Channel: o.Channel, AmountFen: o.AmountFen, Status: o.Status,
		CreatedAt: o.CreatedAt, PaidAt: tptr(o.PaidAt), RefundedAt: tptr(o.RefundedAt)}
	if o.Status == models.PaymentCreated && o.Prepay != "" {
		switch o.Channel {
		case workflow.ChannelWeChat:
			var p wechat.PaymentParams
			if json.Unmarshal([]byte(o.Prepay), &p) == nil {
				v.WeChat = &p
			}
		case workflow.ChannelAlipay:
			v.AlipayTradeNo = o.TradeNo
		}
	}
	return v
}

// newTradeNo is a merchant order number: ZVP, the time and 8 random hex
// digits (25 characters; WeChat allows 32, Alipay 64).
func newTradeNo(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "ZVP" + now.In(workflow.CST()).Format("20060102150405") + hex.EncodeToString(b)
}

// citizenPay starts paying a case's fees through the caller's channel and
// answers with what the mini program pays with. Asking again reuses the
// unpaid order.
func (h *Handler) citizenPay(c *gin.Context) {
	ctx := c.Request.Context()
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	switch {
	case cs.Payment != nil:
		h.fail(c, &APIError{http.StatusConflict, "already_paid", "费用已缴纳", nil})
		return
	case !payable(cs):
		h.fail(c, &APIError{http.StatusConflict, "payment_not_due", "该办件当前无需缴费", nil})
		return
	}
	ch, payer := cc.Account.Channel, cc.Account.Subject
	orders, err := h.citizen.Payments.OfCase(ctx, cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	var order models.PaymentOrder
	for _, o := range orders {
		if o.Status == models.PaymentCreated && o.Channel == ch && o.Payer == payer && o.AmountFen == cs.Terms.FeeFen &&
			h.citizenNow().Sub(o.CreatedAt) < paymentWindow {
			order = o
		}
	}
	if order.OutTradeNo == "" {
		order, err = h.citizen.Payments.Create(ctx, models.PaymentOrder{OutTradeNo: newTradeNo(h.citizenNow()), CaseID: cs.ID,
			PrincipalID: cs.ApplicantID, Channel: ch, AmountFen: cs.Terms.FeeFen, Payer: payer})
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	if order.Prepay == "" {
		if order, err = h.prepay(ctx, cs, order); err != nil {
			h.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, paymentView(order))
}

// prepay places the order with the channel.
func (h *Handler) prepay(ctx context.Context, cs workflow.Case, o models.PaymentOrder) (models.PaymentOrder, error) {
	subject := cs.Terms.ItemName + "（" + cs.Number + "）"
	switch {
	case o.Channel == workflow.ChannelWeChat && h.citizen.WeChatPay != nil:
		p, err := h.citizen.WeChatPay.Prepay(ctx, wechat.Order{OutTradeNo: o.OutTradeNo, Description: subject,
			AmountFen: o.AmountFen, OpenID: o.Payer, NotifyURL: h.citizen.PublicURL() + "/api/v1/payments/wechat/notify",
			ExpiresAt: o.CreatedAt.Add(paymentWindow)})
		if err != nil {
			return o, err
		}
		b, _ := json.Marshal(p)
		o.Prepay = string(b)
	case o.Channel == workflow.ChannelAlipay && h.citizen.Alipay != nil:
		t := alipay.Trade{OutTradeNo: o.OutTradeNo, Subject: subject, AmountFen: o.AmountFen,
			NotifyURL: h.citizen.PublicURL() + "/api/v1/payments/alipay/notify", Timeout: "120m"}
		if openID, ok := cutPrefix(o.Payer, "open:"); ok {
			t.BuyerOpenID = openID
		} else {
			t.BuyerID = o.Payer
		}
		tradeNo, err := h.citizen.Alipay.CreateTrade(ctx, t)
		if err != nil {
			return o, err
		}
		o.Prepay, o.TradeNo = `{"trade_no":"`+tradeNo+`"}`, tradeNo
	default:
		return o, &APIError{http.StatusUnprocessableEntity, "payment_channel_unavailable", "当前渠道暂不支持缴费", nil}
	}
	return o, h.citizen.Payments.SetPrepay(ctx, o.OutTradeNo, o.Prepay, o.TradeNo)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

// citizenPayments lists a case's payment orders.
func (h *Handler) citizenPayments(c *gin.Context) {
	ctx := c.Request.Context()
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	orders, err := h.citizen.Payments.OfCase(ctx, cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenPaymentView, 0, len(orders))
	for _, o := range orders {
		items = append(items, paymentView(o))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// errPaymentRefused is a notification we do not accept; the channel keeps
// the payment and alerts, nothing changes here.
type errPaymentRefused struct{ code, why string }

func (e *errPaymentRefused) Error() string {
	return "payment notification refused: " + e.code + ": " + e.why
}

// settlePayment applies a verified payment notification: the order must be
// ours, of this channel and of exactly the amount we asked for. The first
// notification records the workflow's Pay event (idempotent by order);
// repeats change nothing. A payment that arrives for a case already paid,
// or no longer payable, is refunded.
func (h *Handler) settlePayment(ctx context.Context, ch workflow.Channel, outTradeNo, tradeNo string, amountFen int64) error {
	o, err := h.citizen.Payments.Get(ctx, outTradeNo)
	if errors.Is(err, workflow.ErrNotFound) {
		return &errPaymentRefused{"unknown_order", "no such order"}
	}
	if err != nil {
		return err
	}
	switch {
	case o.Channel != ch:
		return &errPaymentRefused{"wrong_channel", "order belongs to another channel"}
	case amountFen != o.AmountFen:
		return &errPaymentRefused{"amount_mismatch", fmt.Sprintf("paid %d fen, order is %d", amountFen, o.AmountFen)}
	case tradeNo == "":
		return &errPaymentRefused{"no_trade_no", "notification without a transaction number"}
	case o.Status == models.PaymentPaid || o.Status == models.PaymentRefunded:
		if o.TradeNo != tradeNo && o.Status == models.PaymentPaid {
			return &errPaymentRefused{"trade_mismatch", "order already paid by another transaction"}
		}
		return nil // a repeat
	case o.Status == models.PaymentSuperseded:
		return RefundOrder(ctx, h.citizen, o, "重复缴费退款")
	}
	ev := workflow.Pay{Meta: workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorSystem, ID: "payment-" + string(ch)}, At: h.citizenNow()},
		Channel: ch, TradeNo: tradeNo, AmountFen: o.AmountFen}
	idem := &workflow.IdempotencyRequest{Scope: "payment:" + string(ch), Key: outTradeNo, RequestHash: tradeNo}
	for attempt := 0; ; attempt++ {
		_, err = h.svc.Do(ctx, o.CaseID, ev, idem)
		if !errors.Is(err, workflow.ErrConflict) || attempt >= 3 {
			break
		}
	}
	switch {
	case err == nil:
		_, err = h.citizen.Payments.Settle(ctx, outTradeNo, tradeNo, models.PaymentPaid, h.citizenNow())
		return err
	case errors.Is(err, workflow.ErrDuplicate), errors.Is(err, workflow.ErrInvalidTransition), errors.Is(err, workflow.ErrInvalidInput):
		// Paid twice, or after the case ended: the money goes back.
		if _, err := h.citizen.Payments.Settle(ctx, outTradeNo, tradeNo, models.PaymentSuperseded, h.citizenNow()); err != nil {
			return err
		}
		o.Status, o.TradeNo = models.PaymentSuperseded, tradeNo
		return RefundOrder(ctx, h.citizen, o, "重复或逾期缴费退款")
	}
	return err
}

// RefundOrder refunds a paid (or superseded) order in full through its
// channel and records it. The refund number is derived from the order, so
// asking again never refunds twice.
func RefundOrder(ctx context.Context, d CitizenDeps, o models.PaymentOrder, reason string) error {
	if o.Status == models.PaymentRefunded {
		return nil
	}
	refundNo := "R" + o.OutTradeNo
	var err error
	switch o.Channel {
	case workflow.ChannelWeChat:
		if d.WeChatPay == nil {
			return fmt.Errorf("refund %s: %w", o.OutTradeNo, workflow.ErrNoIntegration)
		}
		var status string
		status, err = d.WeChatPay.Refund(ctx, wechat.Refund{OutTradeNo: o.OutTradeNo, OutRefundNo: refundNo,
			RefundFen: o.AmountFen, TotalFen: o.AmountFen, Reason: reason})
		switch {
		case err != nil:
		case status == "PROCESSING":
			// Not settled yet: the outbox asks again later with the same
			// refund number, which reports the refund's status.
			return fmt.Errorf("refund %s: still processing", o.OutTradeNo)
		case status != "SUCCESS":
			// ABNORMAL or CLOSED: a person has to sort it out with the payer.
			return fmt.Errorf("refund %s: status %s: %w", o.OutTradeNo, status, workflow.ErrPermanent)
		}
	case workflow.ChannelAlipay:
		if d.Alipay == nil {
			return fmt.Errorf("refund %s: %w", o.OutTradeNo, workflow.ErrNoIntegration)
		}
		err = d.Alipay.Refund(ctx, alipay.Refund{OutTradeNo: o.OutTradeNo, OutRequestNo: refundNo, AmountFen: o.AmountFen, Reason: reason})
	default:
		return fmt.Errorf("refund %s: channel %s: %w", o.OutTradeNo, o.Channel, workflow.ErrPermanent)
	}
	if err != nil {
		return fmt.Errorf("refund %s: %w", o.OutTradeNo, err)
	}
	return d.Payments.MarkRefunded(ctx, o.OutTradeNo, refundNo, time.Now())
}

// wechatPayNotify takes WeChat Pay's payment notification. The SDK checks
// the signature and timestamp and decrypts it; anything it refuses, or
// that does not match our order, is answered 4xx and changes nothing.
func (h *Handler) wechatPayNotify(c *gin.Context) {
	ctx := c.Request.Context()
	fail := func(status int, code, msg string) {
		c.AbortWithStatusJSON(status, gin.H{"code": "FAIL", "message": msg, "reason": code})
	}
	if h.citizen.WeChatPay == nil || h.citizen.WeChat == nil {
		fail(http.StatusServiceUnavailable, "channel_disabled", "微信支付未开通")
		return
	}
	n, err := h.citizen.WeChatPay.ParseNotification(ctx, c.Request)
	if err != nil {
		h.log.WarnContext(ctx, "wechat pay notification refused", "request_id", requestID(c), "err", err)
		fail(http.StatusUnauthorized, "bad_signature", "签名验证失败")
		return
	}
	tx := n.Transaction
	if tx.AppID != h.citizen.WeChat.AppID() {
		fail(http.StatusBadRequest, "wrong_app", "应用不匹配")
		return
	}
	if !tx.Paid() {
		c.Status(http.StatusNoContent)
		return
	}
	if err := h.settlePayment(ctx, workflow.ChannelWeChat, tx.OutTradeNo, tx.TransactionID, tx.TotalFen); err != nil {
		h.handleNotifyFailed(c, "wechat", err, fail)
		return
	}
	c.Status(http.StatusNoContent)
}

// alipayNotify takes Alipay's asynchronous trade notification, verified
// locally by the SDK (DecodeNotification), and answers "success" once it
// is applied.
func (h *Handler) alipayNotify(c *gin.Context) {
	ctx := c.Request.Context()
	fail := func(status int, _ string, _ string) {
		c.Data(status, "text/plain; charset=utf-8", []byte("fail"))
		c.Abort()
	}
	if h.citizen.Alipay == nil {
		fail(http.StatusServiceUnavailable, "", "")
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "", "")
		return
	}
	n, err := h.citizen.Alipay.DecodeNotification(ctx, c.Request.PostForm)
	if err != nil {
		h.log.WarnContext(ctx, "alipay notification refused", "request_id", requestID(c), "err", err)
		fail(http.StatusBadRequest, "", "")
		return
	}
	if n.Paid() {
		if err := h.settlePayment(ctx, workflow.ChannelAlipay, n.OutTradeNo, n.TradeNo, n.TotalFen); err != nil {
			h.handleNotifyFailed(c, "alipay", err, fail)
			return
		}
	}
	alipay.ACK(c.Writer)
}

func (h *Handler) handleNotifyFailed(c *gin.Context, channel string, err error, fail func(int, string, string)) {
	ctx := c.Request.Context()
	var refused *errPaymentRefused
	if errors.As(err, &refused) {
		h.log.ErrorContext(ctx, "payment notification does not match our order", "channel", channel,
			"request_id", requestID(c), "reason", refused.code)
		fail(http.StatusBadRequest, refused.code, "订单信息不符")
		return
	}
	h.log.ErrorContext(ctx, "payment notification not applied", "channel", channel, "request_id", requestID(c), "err", err)
	fail(http.StatusInternalServerError, "retry", "处理失败，请稍后重试")
}
