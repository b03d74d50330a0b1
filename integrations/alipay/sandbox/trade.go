package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zerovisit/integrations/alipay"
)

// Trade is a trade as the sandbox holds it.
type Trade struct {
	OutTradeNo  string
	TradeNo     string
	Subject     string
	TotalFen    int64
	BuyerID     string
	BuyerOpenID string
	NotifyURL   string
	Status      string
	RefundedFen int64
	PaidAt      time.Time
}

// Refund is a refund the sandbox made.
type Refund struct {
	OutTradeNo   string
	OutRequestNo string
	AmountFen    int64
}

// Notification is an asynchronous notification the sandbox sent.
type Notification struct {
	URL  string
	Form url.Values
	// Answer is the merchant's answer body ("success" acknowledges).
	Answer string
	Status int
}

func (s *Sandbox) tradeCreate(str func(string) string, notifyURL string) any {
	no, buyer, openID := str("out_trade_no"), str("buyer_id"), str("buyer_open_id")
	total, err := alipay.Fen(str("total_amount"))
	switch {
	case len(no) == 0 || len(no) > 64 || str("subject") == "":
		return failure("ACQ.INVALID_PARAMETER", "参数无效")
	case err != nil || total <= 0:
		return failure("ACQ.INVALID_PARAMETER", "金额不正确")
	case buyer == "" && openID == "":
		return failure("ACQ.INVALID_PARAMETER", "买家不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.trades[no]; ok {
		switch {
		case t.Status != "WAIT_BUYER_PAY":
			return failure("ACQ.TRADE_HAS_SUCCESS", "交易已被支付")
		case t.TotalFen != total || t.BuyerID != buyer || t.BuyerOpenID != openID:
			return failure("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
		}
		return success(map[string]any{"out_trade_no": no, "trade_no": t.TradeNo})
	}
	t := &Trade{OutTradeNo: no, TradeNo: s.now().Format("20060102") + "2200" + randomHex(8), Subject: str("subject"),
		TotalFen: total, BuyerID: buyer, BuyerOpenID: openID, NotifyURL: notifyURL, Status: "WAIT_BUYER_PAY"}
	s.trades[no] = t
	return success(map[string]any{"out_trade_no": no, "trade_no": t.TradeNo})
}

func (s *Sandbox) tradeQuery(no string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trades[no]
	if !ok {
		return failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
	}
	return success(map[string]any{"out_trade_no": t.OutTradeNo, "trade_no": t.TradeNo, "trade_status": t.Status,
		"total_amount": alipay.Yuan(t.TotalFen), "buyer_user_id": t.BuyerID, "buyer_open_id": t.BuyerOpenID})
}

func (s *Sandbox) tradeRefund(str func(string) string) any {
	no, req := str("out_trade_no"), str("out_request_no")
	amount, err := alipay.Fen(str("refund_amount"))
	if err != nil || amount <= 0 || req == "" {
		return failure("ACQ.INVALID_PARAMETER", "参数无效")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trades[no]
	switch {
	case !ok:
		return failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
	case t.Status != "TRADE_SUCCESS" && t.Status != "TRADE_CLOSED":
		return failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
	}
	key := no + "\x00" + req
	change := "N"
	if _, seen := s.refunds[key]; !seen {
		if amount > t.TotalFen-t.RefundedFen {
			return failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
		}
		s.refunds[key] = Refund{OutTradeNo: no, OutRequestNo: req, AmountFen: amount}
		t.RefundedFen += amount
		if t.RefundedFen == t.TotalFen {
			t.Status = "TRADE_CLOSED"
		}
		change = "Y"
	}
	return success(map[string]any{"trade_no": t.TradeNo, "out_trade_no": no, "fund_change": change,
		"refund_fee": alipay.Yuan(t.RefundedFen), "buyer_user_id": t.BuyerID})
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

// Trade returns a trade by the merchant's number.
func (s *Sandbox) Trade(outTradeNo string) (Trade, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trades[outTradeNo]
	if !ok {
		return Trade{}, false
	}
	return *t, true
}

// Pay is the user paying a trade (my.tradePay): it becomes TRADE_SUCCESS
// and the signed notification goes to its notify_url.
func (s *Sandbox) Pay(ctx context.Context, outTradeNo string) (Notification, error) {
	return s.PayWith(ctx, outTradeNo, nil)
}

// PayWith is Pay with the notification's fields changed by edit before it
// is signed (a wrong amount, say).
func (s *Sandbox) PayWith(ctx context.Context, outTradeNo string, edit func(url.Values)) (Notification, error) {
	s.mu.Lock()
	t, ok := s.trades[outTradeNo]
	if !ok {
		s.mu.Unlock()
		return Notification{}, fmt.Errorf("alipay sandbox: no trade %s", outTradeNo)
	}
	if t.Status == "WAIT_BUYER_PAY" {
		t.Status, t.PaidAt = "TRADE_SUCCESS", s.now()
	}
	f := url.Values{}
	ts := func(at time.Time) string { return at.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05") }
	for k, v := range map[string]string{
		"notify_time": ts(s.now()), "notify_type": "trade_status_sync", "notify_id": "nt" + randomHex(14),
		"app_id": s.cfg.AppID, "charset": "utf-8", "version": "1.0", "trade_no": t.TradeNo, "out_trade_no": t.OutTradeNo,
		"trade_status": t.Status, "total_amount": alipay.Yuan(t.TotalFen), "receipt_amount": alipay.Yuan(t.TotalFen),
		"buyer_pay_amount": alipay.Yuan(t.TotalFen), "buyer_id": t.BuyerID, "buyer_open_id": t.BuyerOpenID,
		"gmt_create": ts(t.PaidAt), "gmt_payment": ts(t.PaidAt), "subject": t.Subject,
	} {
		if v != "" {
			f.Set(k, v)
		}
	}
	notifyURL := t.NotifyURL
	s.mu.Unlock()
	if edit != nil {
		edit(f)
	}
	s.SignNotification(f)
	return s.Resend(ctx, Notification{URL: notifyURL, Form: f})
}

// SignNotification signs a notification's fields as Alipay does: RSA2 over
// the sorted pairs without sign and sign_type.
func (s *Sandbox) SignNotification(f url.Values) {
	f.Del("sign")
	f.Set("sign_type", "RSA2")
	f.Set("sign", s.signBytes([]byte(content(f, "sign", "sign_type"))))
}

// Resend posts a notification again as it is (Alipay resends until it gets
// "success"; an attacker may replay one) and records the merchant's answer.
func (s *Sandbox) Resend(ctx context.Context, n Notification) (Notification, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, strings.NewReader(n.Form.Encode()))
	if err != nil {
		return n, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	resp, err := s.notify.Do(req)
	if err != nil {
		n.Status = 0
		s.record(n)
		return n, fmt.Errorf("alipay sandbox: notify: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	n.Status, n.Answer = resp.StatusCode, string(body)
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

// Acknowledged reports whether the merchant answered "success".
func (n Notification) Acknowledged() bool { return n.Status == http.StatusOK && n.Answer == "success" }
