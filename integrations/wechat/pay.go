package wechat

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/jsapi"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// PayParty is WeChat Pay's name in errors and metrics.
const PayParty = "wechatpay"

// ErrBadNotification means a payment notification failed its signature,
// timestamp or decryption check: it did not come from WeChat Pay.
var ErrBadNotification = errors.New("wechatpay: notification failed verification")

// PayConfig identifies the merchant and WeChat Pay's key.
type PayConfig struct {
	// AppID is the mini program the payments are made in.
	AppID string
	// MchID is the merchant number.
	MchID string
	// MerchantSerial is the serial number of the merchant API certificate
	// whose private key is MerchantKey; it signs every request.
	MerchantSerial string
	MerchantKey    *rsa.PrivateKey
	// PlatformKeyID and PlatformKey are WeChat Pay's public key (微信支付公钥)
	// that answers and notifications are checked against.
	PlatformKeyID string
	PlatformKey   *rsa.PublicKey
	// APIv3Key (32 bytes) decrypts notifications.
	APIv3Key string
}

// Pay is the WeChat Pay API v3 client for mini-program (JSAPI) payments.
type Pay struct {
	cfg     PayConfig
	jsapi   jsapi.JsapiApiService
	refunds refunddomestic.RefundsApiService
	notify  *notify.Handler
}

// NewPay returns a WeChat Pay client that sends through hc: its transport is
// httpx.Rewrite to the sandbox, or the real host's, and its timeout bounds a call.
func NewPay(cfg PayConfig, hc *http.Client) (*Pay, error) {
	switch {
	case cfg.AppID == "" || cfg.MchID == "" || cfg.MerchantSerial == "" || cfg.MerchantKey == nil:
		return nil, fmt.Errorf("wechatpay: app id, merchant id, serial and key are required: %w", workflow.ErrInvalidInput)
	case cfg.PlatformKeyID == "" || cfg.PlatformKey == nil:
		return nil, fmt.Errorf("wechatpay: the platform public key and its id are required: %w", workflow.ErrInvalidInput)
	case len(cfg.APIv3Key) != 32:
		return nil, fmt.Errorf("wechatpay: the APIv3 key must be 32 bytes: %w", workflow.ErrInvalidInput)
	}
	client, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(cfg.MchID, cfg.MerchantSerial, cfg.MerchantKey, cfg.PlatformKeyID, cfg.PlatformKey),
		option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("wechatpay: new client: %w", err)
	}
	h, err := notify.NewRSANotifyHandler(cfg.APIv3Key, verifiers.NewSHA256WithRSAPubkeyVerifier(cfg.PlatformKeyID, *cfg.PlatformKey))
	if err != nil {
		return nil, fmt.Errorf("wechatpay: notification handler: %w", err)
	}
	return &Pay{cfg: cfg, jsapi: jsapi.JsapiApiService{Client: client},
		refunds: refunddomestic.RefundsApiService{Client: client}, notify: h}, nil
}

// Order is a payment to ask for.
type Order struct {
	OutTradeNo  string
	Description string
	AmountFen   int64
	// OpenID is the payer in the mini program.
	OpenID    string
	NotifyURL string
	ExpiresAt time.Time
}

// PaymentParams are what the mini program passes to wx.requestPayment.
type PaymentParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"`
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"`
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
	// PrepayID is also inside Package; kept for the sandbox and logs.
	PrepayID string `json:"prepay_id"`
}

// Prepay places a JSAPI order and returns the signed parameters the mini
// program pays with. Placing the same OutTradeNo again returns the same
// prepay id (WeChat Pay is idempotent by out_trade_no).
func (p *Pay) Prepay(ctx context.Context, o Order) (PaymentParams, error) {
	if o.OutTradeNo == "" || o.AmountFen <= 0 || o.OpenID == "" || o.NotifyURL == "" {
		return PaymentParams{}, fmt.Errorf("wechatpay: prepay: order number, amount, payer and notify url are required: %w", workflow.ErrInvalidInput)
	}
	req := jsapi.PrepayRequest{
		Appid: core.String(p.cfg.AppID), Mchid: core.String(p.cfg.MchID),
		Description: core.String(o.Description), OutTradeNo: core.String(o.OutTradeNo),
		NotifyUrl: core.String(o.NotifyURL),
		Amount:    &jsapi.Amount{Total: core.Int64(o.AmountFen), Currency: core.String("CNY")},
		Payer:     &jsapi.Payer{Openid: core.String(o.OpenID)},
	}
	if !o.ExpiresAt.IsZero() {
		req.TimeExpire = core.Time(o.ExpiresAt)
	}
	resp, _, err := p.jsapi.PrepayWithRequestPayment(ctx, req)
	if err != nil {
		return PaymentParams{}, payError("prepay", err)
	}
	return PaymentParams{
		AppID: deref(resp.Appid), TimeStamp: deref(resp.TimeStamp), NonceStr: deref(resp.NonceStr),
		Package: deref(resp.Package), SignType: deref(resp.SignType), PaySign: deref(resp.PaySign),
		PrepayID: deref(resp.PrepayId),
	}, nil
}

// Transaction is a payment as WeChat Pay reports it.
type Transaction struct {
	AppID         string
	MchID         string
	OutTradeNo    string
	TransactionID string
	// TradeState is SUCCESS once paid (NOTPAY, CLOSED, REFUND …).
	TradeState  string
	TotalFen    int64
	PayerOpenID string
	SuccessTime string
}

// Paid reports whether the transaction is paid.
func (t Transaction) Paid() bool { return t.TradeState == "SUCCESS" }

func transactionOf(tx *payments.Transaction) Transaction {
	out := Transaction{
		AppID: deref(tx.Appid), MchID: deref(tx.Mchid), OutTradeNo: deref(tx.OutTradeNo),
		TransactionID: deref(tx.TransactionId), TradeState: deref(tx.TradeState), SuccessTime: deref(tx.SuccessTime),
	}
	if tx.Amount != nil && tx.Amount.Total != nil {
		out.TotalFen = *tx.Amount.Total
	}
	if tx.Payer != nil {
		out.PayerOpenID = deref(tx.Payer.Openid)
	}
	return out
}

// Notification is a verified, decrypted payment notification.
type Notification struct {
	// ID is the notification's id: WeChat Pay resends the same id.
	ID          string
	EventType   string
	Transaction Transaction
}

// ParseNotification verifies a payment notification (WeChat Pay's RSA
// signature over timestamp, nonce and body, a timestamp within five
// minutes) and decrypts its resource with the APIv3 key. Anything that
// fails is ErrBadNotification, and the caller changes nothing.
func (p *Pay) ParseNotification(ctx context.Context, r *http.Request) (Notification, error) {
	var tx payments.Transaction
	req, err := p.notify.ParseNotifyRequest(ctx, r, &tx)
	if err != nil {
		return Notification{}, fmt.Errorf("%w: %s", ErrBadNotification, firstLine(err.Error()))
	}
	return Notification{ID: req.ID, EventType: req.EventType, Transaction: transactionOf(&tx)}, nil
}

// Query returns the order's state at WeChat Pay.
func (p *Pay) Query(ctx context.Context, outTradeNo string) (Transaction, error) {
	tx, _, err := p.jsapi.QueryOrderByOutTradeNo(ctx, jsapi.QueryOrderByOutTradeNoRequest{
		OutTradeNo: core.String(outTradeNo), Mchid: core.String(p.cfg.MchID)})
	if err != nil {
		return Transaction{}, payError("query order", err)
	}
	return transactionOf(tx), nil
}

// Refund is a refund to ask for.
type Refund struct {
	OutTradeNo string
	// OutRefundNo identifies the refund: asking again with the same number
	// does not refund twice.
	OutRefundNo string
	RefundFen   int64
	TotalFen    int64
	Reason      string
}

// Refund asks for a refund and returns its status (SUCCESS, PROCESSING …).
func (p *Pay) Refund(ctx context.Context, r Refund) (string, error) {
	if r.OutTradeNo == "" || r.OutRefundNo == "" || r.RefundFen <= 0 || r.RefundFen > r.TotalFen {
		return "", fmt.Errorf("wechatpay: refund: order, refund number and an amount within the total are required: %w", workflow.ErrInvalidInput)
	}
	resp, _, err := p.refunds.Create(ctx, refunddomestic.CreateRequest{
		OutTradeNo: core.String(r.OutTradeNo), OutRefundNo: core.String(r.OutRefundNo), Reason: core.String(r.Reason),
		Amount: &refunddomestic.AmountReq{Refund: core.Int64(r.RefundFen), Total: core.Int64(r.TotalFen), Currency: core.String("CNY")},
	})
	if err != nil {
		return "", payError("refund", err)
	}
	if resp.Status == nil {
		return "", fmt.Errorf("wechatpay: refund: answer without status: %w", ErrRefused)
	}
	return string(*resp.Status), nil
}

// PayAPIError is an error WeChat Pay answered with.
type PayAPIError struct {
	Op      string
	Status  int
	Code    string
	Message string
}

// Error describes the refusal: operation, codes and message.
func (e *PayAPIError) Error() string {
	return fmt.Sprintf("wechatpay: %s: %d %s: %s", e.Op, e.Status, e.Code, e.Message)
}

// Is matches httpx.ErrUnavailable for a 5xx or 429, ErrRefused otherwise.
func (e *PayAPIError) Is(target error) bool {
	if e.Status >= 500 || e.Status == http.StatusTooManyRequests {
		return target == httpx.ErrUnavailable || target == workflow.ErrUnavailable
	}
	return target == ErrRefused
}

func payError(op string, err error) error {
	var ae *core.APIError
	if errors.As(err, &ae) {
		return &PayAPIError{Op: op, Status: ae.StatusCode, Code: ae.Code, Message: ae.Message}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("wechatpay: %s: %w: %w", op, httpx.ErrUnavailable, err)
	}
	return fmt.Errorf("wechatpay: %s: %w: %w: %s", op, httpx.ErrUnavailable, workflow.ErrUnavailable, firstLine(err.Error()))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// firstLine keeps an SDK message short: some quote the whole request.
func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' || i >= 200 {
			return s[:i]
		}
	}
	return s
}
