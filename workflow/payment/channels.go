package payment

import (
	"context"
	"time"

	"zerovisit/workflow"
)

// WeChatPay is WeChat Pay's JSAPI (mini program) payments.
type WeChatPay interface {
	// Prepay places an order and returns the signed parameters the mini
	// program pays with; the same order number again returns the same.
	Prepay(ctx context.Context, o WeChatOrder) (WeChatParams, error)
	// Refund asks for a refund and returns its status (SUCCESS,
	// PROCESSING, ABNORMAL, CLOSED).
	Refund(ctx context.Context, r Refund) (string, error)
}

// Alipay is Alipay's mini-program trades.
type Alipay interface {
	// CreateTrade places a trade and returns Alipay's trade number.
	CreateTrade(ctx context.Context, t AlipayTrade) (string, error)
	Refund(ctx context.Context, r Refund) error
}

// WeChatOrder is a payment to ask WeChat Pay for.
type WeChatOrder struct {
	OutTradeNo  string
	Description string
	AmountFen   int64
	// OpenID is the payer in the mini program.
	OpenID    string
	NotifyURL string
	ExpiresAt time.Time
}

// WeChatParams are what the mini program passes to wx.requestPayment.
type WeChatParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"`
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"`
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
	// PrepayID is also inside Package; kept for the sandbox and logs.
	PrepayID string `json:"prepay_id"`
}

// AlipayTrade is a trade to ask Alipay for; the buyer is a user id or,
// for apps that only get that, an open id.
type AlipayTrade struct {
	OutTradeNo  string
	Subject     string
	AmountFen   int64
	BuyerID     string
	BuyerOpenID string
	NotifyURL   string
	// Timeout is how long the trade stays payable ("120m").
	Timeout string
}

// Refund is a full refund of an order. RefundNo identifies it: asking
// again with the same number never refunds twice.
type Refund struct {
	OutTradeNo string
	RefundNo   string
	AmountFen  int64
	Reason     string
}

// Notice is a channel's verified notification about a trade.
type Notice struct {
	Channel workflow.Channel
	// AppID is the app the trade was made in.
	AppID      string
	OutTradeNo string
	TradeNo    string
	AmountFen  int64
	// Paid is set when the notification reports the trade paid.
	Paid bool
}

// Mismatch is a notification that does not match our order: the channel
// keeps the payment and alerts, nothing changes here.
type Mismatch struct {
	Code, Why string
	// Message is what the channel is answered (in Chinese).
	Message string
}

func (e *Mismatch) Error() string {
	return "payment notification refused: " + e.Code + ": " + e.Why
}

func mismatch(code, why string) *Mismatch {
	return &Mismatch{Code: code, Why: why, Message: "订单信息不符"}
}
