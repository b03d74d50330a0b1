package sandbox

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Order is a payment order as the sandbox holds it.
type Order struct {
	OutTradeNo    string `json:"out_trade_no"`
	AppID         string `json:"appid"`
	MchID         string `json:"mchid"`
	Description   string `json:"description"`
	TotalFen      int64  `json:"-"`
	OpenID        string `json:"-"`
	NotifyURL     string `json:"-"`
	PrepayID      string `json:"-"`
	TradeState    string `json:"trade_state"`
	TransactionID string `json:"transaction_id,omitempty"`
	SuccessTime   string `json:"success_time,omitempty"`
	RefundedFen   int64  `json:"-"`
}

// Refund is a refund the sandbox made.
type Refund struct {
	OutRefundNo string
	OutTradeNo  string
	RefundFen   int64
	RefundID    string
}

// Notification is a payment notification the sandbox sent, exactly as sent.
type Notification struct {
	URL    string
	Header http.Header
	Body   []byte
	// Status is what the merchant answered (0 if it could not be reached).
	Status int
}

type v3Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var authFields = regexp.MustCompile(`(\w+)="([^"]*)"`)

// signed checks the merchant's WECHATPAY2-SHA256-RSA2048 Authorization
// header over method, path and query, timestamp, nonce and body.
func (s *Sandbox) signed(h func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			s.answer(w, http.StatusBadRequest, v3Error{"PARAM_ERROR", "无法读取请求"})
			return
		}
		scheme, params, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		f := map[string]string{}
		for _, m := range authFields.FindAllStringSubmatch(params, -1) {
			f[m[1]] = m[2]
		}
		ts, _ := strconv.ParseInt(f["timestamp"], 10, 64)
		uri := r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			uri += "?" + r.URL.RawQuery
		}
		msg := fmt.Sprintf("%s\n%s\n%d\n%s\n%s\n", r.Method, uri, ts, f["nonce_str"], body)
		sig, _ := base64.StdEncoding.DecodeString(f["signature"])
		sum := sha256.Sum256([]byte(msg))
		switch {
		case scheme != "WECHATPAY2-SHA256-RSA2048" || f["mchid"] != s.cfg.MchID:
			s.answer(w, http.StatusUnauthorized, v3Error{"SIGN_ERROR", "商户号或认证类型不正确"})
		case f["serial_no"] != s.cfg.MerchantSerial:
			s.answer(w, http.StatusUnauthorized, v3Error{"SIGN_ERROR", "商户证书序列号不正确"})
		case absDiff(s.now().Unix(), ts) > 300:
			s.answer(w, http.StatusUnauthorized, v3Error{"SIGN_ERROR", "请求时间戳已过期"})
		case rsa.VerifyPKCS1v15(s.cfg.MerchantKey, crypto.SHA256, sum[:], sig) != nil:
			s.answer(w, http.StatusUnauthorized, v3Error{"SIGN_ERROR", "签名错误"})
		default:
			h(w, r, body)
		}
	}
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// sign returns WeChat Pay's signature headers over a body.
func (s *Sandbox) sign(body []byte) http.Header {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	nonce := randomHex(16)
	sum := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n"))
	sig, _ := rsa.SignPKCS1v15(nil, s.cfg.PlatformKey, crypto.SHA256, sum[:])
	h := http.Header{}
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", s.cfg.PlatformKeyID)
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	return h
}

// answer writes a signed answer; v nil means 204 No Content.
func (s *Sandbox) answer(w http.ResponseWriter, status int, v any) {
	var body []byte
	if v != nil {
		body, _ = json.Marshal(v)
	}
	for k, vs := range s.sign(body) {
		w.Header()[k] = vs
	}
	w.Header().Set("Request-Id", randomHex(16))
	if v != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Sandbox) prepay(w http.ResponseWriter, _ *http.Request, body []byte) {
	var in struct {
		AppID       string `json:"appid"`
		MchID       string `json:"mchid"`
		Description string `json:"description"`
		OutTradeNo  string `json:"out_trade_no"`
		NotifyURL   string `json:"notify_url"`
		Amount      struct {
			Total int64 `json:"total"`
		} `json:"amount"`
		Payer struct {
			OpenID string `json:"openid"`
		} `json:"payer"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		s.answer(w, http.StatusBadRequest, v3Error{"PARAM_ERROR", "请求体不是合法的JSON"})
		return
	}
	switch {
	case in.AppID != s.cfg.AppID || in.MchID != s.cfg.MchID:
		s.answer(w, http.StatusBadRequest, v3Error{"APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配"})
		return
	case len(in.OutTradeNo) < 6 || len(in.OutTradeNo) > 32 || in.Amount.Total <= 0 || in.Payer.OpenID == "" ||
		in.NotifyURL == "" || in.Description == "":
		s.answer(w, http.StatusBadRequest, v3Error{"PARAM_ERROR", "参数错误"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[in.OutTradeNo]; ok {
		switch {
		case o.TradeState == "SUCCESS" || o.TradeState == "REFUND":
			s.answer(w, http.StatusBadRequest, v3Error{"ORDERPAID", "该订单已支付"})
		case o.TotalFen != in.Amount.Total || o.OpenID != in.Payer.OpenID:
			s.answer(w, http.StatusBadRequest, v3Error{"INVALID_REQUEST", "参数与首次请求时不一致"})
		default:
			s.answer(w, http.StatusOK, map[string]string{"prepay_id": o.PrepayID})
		}
		return
	}
	o := &Order{OutTradeNo: in.OutTradeNo, AppID: in.AppID, MchID: in.MchID, Description: in.Description,
		TotalFen: in.Amount.Total, OpenID: in.Payer.OpenID, NotifyURL: in.NotifyURL,
		PrepayID: "wx" + randomHex(14), TradeState: "NOTPAY"}
	s.orders[o.OutTradeNo] = o
	s.answer(w, http.StatusOK, map[string]string{"prepay_id": o.PrepayID})
}

// transaction is an order in the shape of a payments.Transaction.
func (o *Order) transaction() map[string]any {
	tx := map[string]any{
		"appid": o.AppID, "mchid": o.MchID, "out_trade_no": o.OutTradeNo, "trade_state": o.TradeState,
		"trade_state_desc": o.TradeState, "trade_type": "JSAPI", "payer": map[string]string{"openid": o.OpenID},
		"amount": map[string]any{"total": o.TotalFen, "payer_total": o.TotalFen, "currency": "CNY", "payer_currency": "CNY"},
	}
	if o.TransactionID != "" {
		tx["transaction_id"], tx["success_time"], tx["bank_type"] = o.TransactionID, o.SuccessTime, "OTHERS"
	}
	return tx
}

func (s *Sandbox) queryOrder(w http.ResponseWriter, r *http.Request, _ []byte) {
	if r.URL.Query().Get("mchid") != s.cfg.MchID {
		s.answer(w, http.StatusBadRequest, v3Error{"PARAM_ERROR", "mchid不正确"})
		return
	}
	s.mu.Lock()
	o, ok := s.orders[r.PathValue("no")]
	var tx map[string]any
	if ok {
		tx = o.transaction()
	}
	s.mu.Unlock()
	if !ok {
		s.answer(w, http.StatusNotFound, v3Error{"ORDER_NOT_EXIST", "订单不存在"})
		return
	}
	s.answer(w, http.StatusOK, tx)
}

func (s *Sandbox) closeOrder(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("no")]
	switch {
	case !ok:
		s.answer(w, http.StatusNotFound, v3Error{"ORDER_NOT_EXIST", "订单不存在"})
	case o.TradeState == "SUCCESS" || o.TradeState == "REFUND":
		s.answer(w, http.StatusBadRequest, v3Error{"ORDERPAID", "订单已支付，不能关闭"})
	default:
		o.TradeState = "CLOSED"
		s.answer(w, http.StatusNoContent, nil)
	}
}

func (s *Sandbox) refund(w http.ResponseWriter, _ *http.Request, body []byte) {
	var in struct {
		OutTradeNo  string `json:"out_trade_no"`
		OutRefundNo string `json:"out_refund_no"`
		Amount      struct {
			Refund int64  `json:"refund"`
			Total  int64  `json:"total"`
			Cur    string `json:"currency"`
		} `json:"amount"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.OutRefundNo == "" || in.Amount.Refund <= 0 {
		s.answer(w, http.StatusBadRequest, v3Error{"PARAM_ERROR", "参数错误"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[in.OutTradeNo]
	switch {
	case !ok:
		s.answer(w, http.StatusNotFound, v3Error{"RESOURCE_NOT_EXISTS", "订单不存在"})
		return
	case o.TradeState != "SUCCESS" && o.TradeState != "REFUND":
		s.answer(w, http.StatusBadRequest, v3Error{"INVALID_REQUEST", "订单未支付"})
		return
	case in.Amount.Total != o.TotalFen:
		s.answer(w, http.StatusBadRequest, v3Error{"INVALID_REQUEST", "订单金额不一致"})
		return
	}
	rf, seen := s.refunds[in.OutRefundNo]
	if !seen {
		if in.Amount.Refund > o.TotalFen-o.RefundedFen {
			s.answer(w, http.StatusBadRequest, v3Error{"NOT_ENOUGH", "可退金额不足"})
			return
		}
		rf = Refund{OutRefundNo: in.OutRefundNo, OutTradeNo: o.OutTradeNo, RefundFen: in.Amount.Refund, RefundID: "50" + randomHex(14)}
		s.refunds[in.OutRefundNo] = rf
		o.RefundedFen += rf.RefundFen
		o.TradeState = "REFUND"
	}
	now := s.now().Format(time.RFC3339)
	status := "SUCCESS"
	if s.processing > 0 {
		s.processing--
		status = "PROCESSING"
	}
	s.answer(w, http.StatusOK, map[string]any{
		"refund_id": rf.RefundID, "out_refund_no": rf.OutRefundNo, "transaction_id": o.TransactionID,
		"out_trade_no": o.OutTradeNo, "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
		"create_time": now, "success_time": now, "status": status,
		"amount": map[string]any{"total": o.TotalFen, "refund": rf.RefundFen, "payer_total": o.TotalFen,
			"payer_refund": rf.RefundFen, "settlement_refund": rf.RefundFen, "settlement_total": o.TotalFen,
			"discount_refund": 0, "currency": "CNY"},
	})
}

// Refunds returns the refunds made so far.
func (s *Sandbox) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Refund, 0, len(s.refunds))
	for _, r := range s.refunds {
		out = append(out, r)
	}
	return out
}

// Order returns an order by the merchant's number.
func (s *Sandbox) Order(outTradeNo string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[outTradeNo]
	if !ok {
		return Order{}, false
	}
	return *o, true
}

// Pay is the user paying an order in the mini program: the order becomes
// SUCCESS and the signed, encrypted notification is sent to its notify URL.
// It returns the notification as sent (for a test to replay it).
func (s *Sandbox) Pay(ctx context.Context, outTradeNo string) (Notification, error) {
	return s.PayWith(ctx, outTradeNo, nil)
}

// ErrNoOrder means no order with that out_trade_no was ever placed.
var ErrNoOrder = errors.New("no such order")

// PayWith is Pay with the notified transaction changed by edit first (a
// wrong amount, say): the notification is still correctly signed.
func (s *Sandbox) PayWith(ctx context.Context, outTradeNo string, edit func(tx map[string]any)) (Notification, error) {
	s.mu.Lock()
	o, ok := s.orders[outTradeNo]
	if !ok {
		s.mu.Unlock()
		return Notification{}, fmt.Errorf("wechat sandbox: %w: %s", ErrNoOrder, outTradeNo)
	}
	if o.TradeState == "NOTPAY" {
		o.TradeState = "SUCCESS"
		o.TransactionID = "4200" + strconv.FormatInt(s.now().UnixNano()%1e12, 10) + randomHex(4)
		o.SuccessTime = s.now().Format(time.RFC3339)
	}
	tx, url := o.transaction(), o.NotifyURL
	s.mu.Unlock()
	if edit != nil {
		edit(tx)
	}
	n, err := s.notification(url, tx)
	if err != nil {
		return Notification{}, err
	}
	return s.Resend(ctx, n)
}

// notification builds the signed notification of a transaction.
func (s *Sandbox) notification(url string, tx map[string]any) (Notification, error) {
	plain, _ := json.Marshal(tx)
	block, err := aes.NewCipher([]byte(s.cfg.APIv3Key))
	if err != nil {
		return Notification{}, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return Notification{}, err
	}
	nonce := randomHex(6)
	sealed := gcm.Seal(nil, []byte(nonce), plain, []byte("transaction"))
	body, _ := json.Marshal(map[string]any{
		"id": randomHex(16), "create_time": s.now().Format(time.RFC3339), "resource_type": "encrypt-resource",
		"event_type": "TRANSACTION.SUCCESS", "summary": "支付成功",
		"resource": map[string]string{"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
			"ciphertext": base64.StdEncoding.EncodeToString(sealed), "associated_data": "transaction", "nonce": nonce},
	})
	h := s.sign(body)
	h.Set("Content-Type", "application/json")
	return Notification{URL: url, Header: h, Body: body}, nil
}

// Resend posts a notification again, byte for byte (WeChat Pay resends
// until it is acknowledged; an attacker may replay one). It returns the
// notification with the merchant's answer.
func (s *Sandbox) Resend(ctx context.Context, n Notification) (Notification, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(n.Body))
	if err != nil {
		return n, err
	}
	req.Header = n.Header.Clone()
	resp, err := s.notify.Do(req)
	if err != nil {
		n.Status = 0
		s.record(n)
		return n, fmt.Errorf("wechat sandbox: notify: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	n.Status = resp.StatusCode
	s.record(n)
	return n, nil
}

func (s *Sandbox) record(n Notification) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, n)
}

// Notifications returns the notifications sent so far, oldest first.
func (s *Sandbox) Notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Notification(nil), s.sent...)
}

// RefundsProcessing makes the next n refund calls answer PROCESSING (the
// refund is taken but not settled yet); asking again later answers SUCCESS.
func (s *Sandbox) RefundsProcessing(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.processing = n
}
