package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/payment"
)

// WeChatPayer reads WeChat Pay's payment notifications: the SDK checks the
// signature and timestamp and decrypts them.
type WeChatPayer interface {
	ParseNotification(ctx context.Context, r *http.Request) (payment.Notice, error)
}

// AlipayPayments reads Alipay's asynchronous trade notifications, verified
// locally by the SDK.
type AlipayPayments interface {
	DecodeNotification(ctx context.Context, form url.Values) (payment.Notice, error)
}

type citizenPaymentView struct {
	OutTradeNo string           `json:"out_trade_no"`
	Channel    workflow.Channel `json:"channel"`
	AmountFen  int64            `json:"amount_fen"`
	Status     payment.Status   `json:"status"`
	// WeChat is what wx.requestPayment takes; AlipayTradeNo what my.tradePay takes.
	WeChat        *payment.WeChatParams `json:"wechat,omitempty"`
	AlipayTradeNo string                `json:"alipay_trade_no,omitempty"`
	CreatedAt     time.Time             `json:"created_at"`
	PaidAt        *time.Time            `json:"paid_at,omitempty"`
	RefundedAt    *time.Time            `json:"refunded_at,omitempty"`
}

func paymentView(o payment.Order) citizenPaymentView {
	return citizenPaymentView{OutTradeNo: o.OutTradeNo, Channel: o.Channel, AmountFen: o.AmountFen, Status: o.Status,
		WeChat: o.WeChatParams(), AlipayTradeNo: o.AlipayTradeNo(),
		CreatedAt: o.CreatedAt, PaidAt: tptr(o.PaidAt), RefundedAt: tptr(o.RefundedAt)}
}

// citizenPay starts paying a case's fees through the caller's channel and
// answers with what the mini program pays with. Asking again reuses the
// unpaid order.
func (h *Handler) citizenPay(c *gin.Context) {
	o, err := h.citizen.Payments.Pay(c.Request.Context(), mustCaller(c), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, paymentView(o))
}

// citizenPayments lists a case's payment orders.
func (h *Handler) citizenPayments(c *gin.Context) {
	orders, err := h.citizen.Payments.Orders(c.Request.Context(), mustCaller(c), c.Param("id"))
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

// wechatPayNotify takes WeChat Pay's payment notification. Anything the
// SDK refuses, or that does not match our order, is answered 4xx and
// changes nothing.
func (h *Handler) wechatPayNotify(c *gin.Context) {
	fail := func(status int, code, msg string) {
		c.AbortWithStatusJSON(status, gin.H{"code": "FAIL", "message": msg, "reason": code})
	}
	if h.citizen.WeChatPay == nil || h.citizen.WeChat == nil {
		fail(http.StatusServiceUnavailable, "channel_disabled", "微信支付未开通")
		return
	}
	n, err := h.citizen.WeChatPay.ParseNotification(c.Request.Context(), c.Request)
	if err != nil {
		h.log.WarnContext(c.Request.Context(), "wechat pay notification refused", "request_id", requestID(c), "err", err)
		fail(http.StatusUnauthorized, "bad_signature", "签名验证失败")
		return
	}
	if err := h.citizen.Payments.Settle(c.Request.Context(), n); err != nil {
		h.handleNotifyFailed(c, "wechat", err, fail)
		return
	}
	c.Status(http.StatusNoContent)
}

// alipayNotify takes Alipay's asynchronous trade notification and answers
// "success" once it is applied.
func (h *Handler) alipayNotify(c *gin.Context) {
	ctx := c.Request.Context()
	fail := func(status int, _ string, _ string) {
		c.Data(status, "text/plain; charset=utf-8", []byte("fail"))
		c.Abort()
	}
	if h.citizen.AlipayPay == nil {
		fail(http.StatusServiceUnavailable, "", "")
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "", "")
		return
	}
	n, err := h.citizen.AlipayPay.DecodeNotification(ctx, c.Request.PostForm)
	if err != nil {
		h.log.WarnContext(ctx, "alipay notification refused", "request_id", requestID(c), "err", err)
		fail(http.StatusBadRequest, "", "")
		return
	}
	if err := h.citizen.Payments.Settle(ctx, n); err != nil {
		h.handleNotifyFailed(c, "alipay", err, fail)
		return
	}
	// Alipay takes the plain word "success" as the acknowledgement.
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write([]byte("success"))
}

func (h *Handler) handleNotifyFailed(c *gin.Context, channel string, err error, fail func(int, string, string)) {
	ctx := c.Request.Context()
	var refused *payment.Mismatch
	if errors.As(err, &refused) {
		h.log.ErrorContext(ctx, "payment notification does not match our order", "channel", channel,
			"request_id", requestID(c), "reason", refused.Code)
		fail(http.StatusBadRequest, refused.Code, refused.Message)
		return
	}
	h.log.ErrorContext(ctx, "payment notification not applied", "channel", channel, "request_id", requestID(c), "err", err)
	fail(http.StatusInternalServerError, "retry", "处理失败，请稍后重试")
}
