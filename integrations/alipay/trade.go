package alipay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/smartwalle/alipay/v3"

	"zerovisit/workflow"
)

// ProductCode is the product of mini-program payment (JSAPI_PAY).
const ProductCode = "JSAPI_PAY"

// Trade is a payment to ask for.
type Trade struct {
	OutTradeNo string
	Subject    string
	AmountFen  int64
	// BuyerID (2088…) or, for apps that only get one, BuyerOpenID.
	BuyerID     string
	BuyerOpenID string
	NotifyURL   string
	// Timeout closes an unpaid trade ("30m", "1d"); empty for Alipay's default.
	Timeout string
}

// CreateTrade creates the trade the mini program pays with my.tradePay and
// returns Alipay's trade number. Alipay is idempotent by OutTradeNo.
func (c *Client) CreateTrade(ctx context.Context, t Trade) (string, error) {
	if t.OutTradeNo == "" || t.AmountFen <= 0 || (t.BuyerID == "" && t.BuyerOpenID == "") || t.NotifyURL == "" {
		return "", fmt.Errorf("alipay: trade create: order number, amount, buyer and notify url are required: %w", workflow.ErrInvalidInput)
	}
	p := alipay.TradeCreate{
		Trade: alipay.Trade{NotifyURL: t.NotifyURL, Subject: t.Subject, OutTradeNo: t.OutTradeNo,
			TotalAmount: Yuan(t.AmountFen), ProductCode: ProductCode, TimeoutExpress: t.Timeout},
		BuyerId: t.BuyerID, BuyerOpenId: t.BuyerOpenID,
	}
	rsp, err := c.c.TradeCreate(ctx, p)
	if err != nil {
		return "", classify("trade create", err)
	}
	if !rsp.IsSuccess() || rsp.TradeNo == "" {
		return "", classify("trade create", rsp.Error)
	}
	return rsp.TradeNo, nil
}

// TradeState is a trade as Alipay reports it.
type TradeState struct {
	OutTradeNo string
	TradeNo    string
	Status     string
	TotalFen   int64
}

// Paid reports whether the trade is paid (TRADE_SUCCESS or TRADE_FINISHED).
func (t TradeState) Paid() bool {
	return t.Status == string(alipay.TradeStatusSuccess) || t.Status == string(alipay.TradeStatusFinished)
}

// QueryTrade returns the trade's state.
func (c *Client) QueryTrade(ctx context.Context, outTradeNo string) (TradeState, error) {
	rsp, err := c.c.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: outTradeNo})
	if err != nil {
		return TradeState{}, classify("trade query", err)
	}
	if !rsp.IsSuccess() {
		return TradeState{}, classify("trade query", rsp.Error)
	}
	total, err := Fen(rsp.TotalAmount)
	if err != nil {
		return TradeState{}, err
	}
	return TradeState{OutTradeNo: rsp.OutTradeNo, TradeNo: rsp.TradeNo, Status: string(rsp.TradeStatus), TotalFen: total}, nil
}

// Refund is a refund to ask for.
type Refund struct {
	OutTradeNo string
	// OutRequestNo identifies the refund: asking again with the same number
	// does not refund twice.
	OutRequestNo string
	AmountFen    int64
	Reason       string
}

// Refund refunds (part of) a paid trade.
func (c *Client) Refund(ctx context.Context, r Refund) error {
	if r.OutTradeNo == "" || r.OutRequestNo == "" || r.AmountFen <= 0 {
		return fmt.Errorf("alipay: refund: order, request number and amount are required: %w", workflow.ErrInvalidInput)
	}
	rsp, err := c.c.TradeRefund(ctx, alipay.TradeRefund{OutTradeNo: r.OutTradeNo, RefundAmount: Yuan(r.AmountFen),
		RefundReason: r.Reason, OutRequestNo: r.OutRequestNo})
	if err != nil {
		return classify("trade refund", err)
	}
	if !rsp.IsSuccess() {
		return classify("trade refund", rsp.Error)
	}
	return nil
}

// Notification is a verified asynchronous trade notification.
type Notification struct {
	// NotifyID identifies the notification; Alipay resends the same id.
	NotifyID    string
	AppID       string
	OutTradeNo  string
	TradeNo     string
	TradeStatus string
	TotalFen    int64
	BuyerID     string
	BuyerOpenID string
}

// Paid reports whether the notification says the trade is paid.
func (n Notification) Paid() bool {
	return n.TradeStatus == string(alipay.TradeStatusSuccess) || n.TradeStatus == string(alipay.TradeStatusFinished)
}

// DecodeNotification verifies a notification's RSA2 signature with Alipay's
// public key, locally, and decodes it. The app id must be ours.
func (c *Client) DecodeNotification(ctx context.Context, form url.Values) (Notification, error) {
	n, err := c.c.DecodeNotification(ctx, form)
	if err != nil || n == nil {
		return Notification{}, fmt.Errorf("%w: %v", ErrBadNotification, err)
	}
	if n.AppId != c.appID {
		return Notification{}, fmt.Errorf("%w: notification for another app", ErrBadNotification)
	}
	total, err := Fen(n.TotalAmount)
	if err != nil {
		return Notification{}, fmt.Errorf("%w: %w", ErrBadNotification, err)
	}
	return Notification{NotifyID: n.NotifyId, AppID: n.AppId, OutTradeNo: n.OutTradeNo, TradeNo: n.TradeNo,
		TradeStatus: string(n.TradeStatus), TotalFen: total, BuyerID: n.BuyerId, BuyerOpenID: n.BuyerOpenId}, nil
}

// ACK answers a notification as Alipay expects once it is applied: "success".
func ACK(w http.ResponseWriter) { alipay.ACKNotification(w) }
