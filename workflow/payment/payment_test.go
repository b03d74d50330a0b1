package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

var t0 = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)

// memStore is an in-memory Store.
type memStore struct {
	cases    map[string]workflow.Case
	orders   map[string]Order
	refunded []string
	reads    int
}

func newStore(os ...Order) *memStore {
	s := &memStore{cases: map[string]workflow.Case{}, orders: map[string]Order{}}
	for _, o := range os {
		s.orders[o.OutTradeNo] = o
	}
	return s
}

func (s *memStore) Create(_ context.Context, o Order) (Order, error) {
	o.Status, o.CreatedAt = Created, t0
	s.orders[o.OutTradeNo] = o
	return o, nil
}

func (s *memStore) Get(_ context.Context, no string) (Order, error) {
	o, ok := s.orders[no]
	if !ok {
		return Order{}, workflow.ErrNotFound
	}
	return o, nil
}

func (s *memStore) ByTradeNo(_ context.Context, ch workflow.Channel, tradeNo string) (Order, error) {
	for _, o := range s.orders {
		if o.Channel == ch && o.TradeNo == tradeNo && tradeNo != "" {
			return o, nil
		}
	}
	return Order{}, workflow.ErrNotFound
}

func (s *memStore) CaseAndOrders(_ context.Context, caseID string) (workflow.Case, []Order, error) {
	s.reads++
	cs, ok := s.cases[caseID]
	if !ok {
		return workflow.Case{}, nil, fmt.Errorf("case %s: %w", caseID, workflow.ErrNotFound)
	}
	var out []Order
	for _, o := range s.orders {
		if o.CaseID == caseID {
			out = append(out, o)
		}
	}
	return cs, out, nil
}

// owners lets a caller act on their own cases only.
type owners struct{}

func (owners) OwnCase(ctx context.Context, c citizen.Caller, id string, read citizen.CaseRead) (workflow.Case, error) {
	cs, err := read(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && cs.ApplicantID != c.Citizen.ID) {
		return workflow.Case{}, citizen.ErrCaseNotFound
	}
	return cs, err
}

// pay keeps cs in the store and pays it as its applicant with acct.
func pay(s *Service, st *memStore, cs workflow.Case, acct citizen.Account) (Order, error) {
	st.cases[cs.ID] = cs
	return s.Pay(context.Background(), citizen.Caller{Account: acct, Citizen: citizen.Citizen{ID: cs.ApplicantID}}, cs.ID)
}

func (s *memStore) SetPrepay(_ context.Context, no, prepay, tradeNo string) error {
	o := s.orders[no]
	o.Prepay = prepay
	if tradeNo != "" {
		o.TradeNo = tradeNo
	}
	s.orders[no] = o
	return nil
}

func (s *memStore) Settle(_ context.Context, no, tradeNo string, st Status, at time.Time) (bool, error) {
	o := s.orders[no]
	if o.Status != Created {
		return false, nil
	}
	o.Status, o.TradeNo, o.PaidAt = st, tradeNo, at
	s.orders[no] = o
	return true, nil
}

func (s *memStore) MarkRefunded(_ context.Context, no, refundNo string, at time.Time) error {
	o := s.orders[no]
	o.Status, o.RefundNo, o.RefundedAt = Refunded, refundNo, at
	s.orders[no] = o
	s.refunded = append(s.refunded, no)
	return nil
}

// cases answers Do with err (after conflicts ErrConflicts first).
type cases struct {
	err       error
	conflicts int
	calls     int
}

func (c *cases) Do(context.Context, string, workflow.Event, *workflow.IdempotencyRequest) (workflow.Case, error) {
	c.calls++
	if c.calls <= c.conflicts {
		return workflow.Case{}, workflow.ErrConflict
	}
	return workflow.Case{}, c.err
}

type wechatPay struct {
	orders  []WeChatOrder
	refunds []Refund
	status  string
}

func (w *wechatPay) Prepay(_ context.Context, o WeChatOrder) (WeChatParams, error) {
	w.orders = append(w.orders, o)
	return WeChatParams{AppID: "wx1", Package: "prepay_id=P1", PrepayID: "P1"}, nil
}

func (w *wechatPay) Refund(_ context.Context, r Refund) (string, error) {
	w.refunds = append(w.refunds, r)
	return w.status, nil
}

type alipayPay struct{ trades []AlipayTrade }

func (a *alipayPay) CreateTrade(_ context.Context, t AlipayTrade) (string, error) {
	a.trades = append(a.trades, t)
	return "ALI1", nil
}

func (a *alipayPay) Refund(context.Context, Refund) error { return nil }

func approved(fee int64) workflow.Case {
	cs := workflow.Case{ID: "c1", Number: "N1", ApplicantID: "p1", Status: workflow.StatusApproved}
	cs.Terms.FeeFen, cs.Terms.ItemName = fee, "食品经营许可"
	return cs
}

func wxAccount() citizen.Account {
	return citizen.Account{ID: "a1", Channel: workflow.ChannelWeChat, Subject: "o-1"}
}

func refusal(t *testing.T, err error, kind error, code string) {
	t.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok || r.Code != code || !errors.Is(err, kind) {
		t.Fatalf("err = %v, want refusal %s (%v)", err, code, kind)
	}
}

func TestDue(t *testing.T) {
	paid := approved(100)
	paid.Payment = &workflow.Payment{TradeNo: "T"}
	draft := approved(100)
	draft.Status = workflow.StatusDraft
	closed := approved(100)
	closed.Status = workflow.StatusClosed
	for name, tc := range map[string]struct {
		cs   workflow.Case
		want bool
	}{
		"Approved": {approved(100), true}, "Free": {approved(0), false}, "Paid": {paid, false},
		"Draft": {draft, false}, "Closed": {closed, false},
	} {
		if got := Due(tc.cs); got != tc.want {
			t.Errorf("%s: Due = %v, want %v", name, got, tc.want)
		}
	}
}

func TestPayRefusesWhatIsNotDue(t *testing.T) {
	st := newStore()
	s := New(Config{Store: st, People: owners{}, WeChat: &wechatPay{}})
	paid := approved(100)
	paid.Payment = &workflow.Payment{}
	_, err := pay(s, st, paid, wxAccount())
	refusal(t, err, workflow.ErrConflict, "already_paid")
	_, err = pay(s, st, approved(0), wxAccount())
	refusal(t, err, workflow.ErrConflict, "payment_not_due")
	web := citizen.Account{Channel: workflow.ChannelWeb, Subject: "x"}
	_, err = pay(s, st, approved(100), web)
	refusal(t, err, workflow.ErrInvalidInput, "payment_channel_unavailable")
}

// TestPayOnlyTheCallersCase: a case of someone else, or none, is not
// found, and nothing is ordered.
func TestPayOnlyTheCallersCase(t *testing.T) {
	st, wx := newStore(), &wechatPay{}
	s := New(Config{Store: st, People: owners{}, WeChat: wx})
	st.cases["c1"] = approved(100)
	other := citizen.Caller{Account: wxAccount(), Citizen: citizen.Citizen{ID: "p2"}}
	for _, id := range []string{"c1", "c9"} {
		_, err := s.Pay(context.Background(), other, id)
		refusal(t, err, workflow.ErrNotFound, "case_not_found")
		_, err = s.Orders(context.Background(), other, id)
		refusal(t, err, workflow.ErrNotFound, "case_not_found")
	}
	if len(st.orders) != 0 || len(wx.orders) != 0 {
		t.Errorf("orders %v, prepays %v; want none", st.orders, wx.orders)
	}
}

func TestPayReusesTheOpenOrder(t *testing.T) {
	st, wx := newStore(), &wechatPay{}
	now := t0
	s := New(Config{Store: st, People: owners{}, WeChat: wx, Now: func() time.Time { return now },
		NotifyURL: func(ch workflow.Channel) string { return "https://zv/" + string(ch) }})
	first, err := pay(s, st, approved(100), wxAccount())
	if err != nil {
		t.Fatal(err)
	}
	if p := first.WeChatParams(); p == nil || p.PrepayID != "P1" || !strings.HasPrefix(first.OutTradeNo, "ZVP") {
		t.Fatalf("first order = %+v", first)
	}
	if o := wx.orders[0]; o.NotifyURL != "https://zv/wechat" || o.OpenID != "o-1" || o.Description != "食品经营许可（N1）" ||
		!o.ExpiresAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("prepay = %+v", o)
	}
	now = t0.Add(time.Hour)
	reads := st.reads
	again, _ := pay(s, st, approved(100), wxAccount())
	if again.OutTradeNo != first.OutTradeNo || len(wx.orders) != 1 || st.reads != reads+1 {
		t.Errorf("second ask = %s (%d prepays, %d reads), want the same order from one read", again.OutTradeNo, len(wx.orders), st.reads-reads)
	}
	caller := citizen.Caller{Account: wxAccount(), Citizen: citizen.Citizen{ID: "p1"}}
	if os, err := s.Orders(context.Background(), caller, "c1"); err != nil || len(os) != 1 || os[0].OutTradeNo != first.OutTradeNo {
		t.Errorf("orders = %+v, %v; want the one order", os, err)
	}
	now = t0.Add(3 * time.Hour)
	if late, _ := pay(s, st, approved(100), wxAccount()); late.OutTradeNo == first.OutTradeNo {
		t.Error("an order past its window was reused")
	}
}

func TestPayWithAnAlipayOpenID(t *testing.T) {
	ali, st := &alipayPay{}, newStore()
	s := New(Config{Store: st, People: owners{}, Alipay: ali})
	o, err := pay(s, st, approved(100), citizen.Account{Channel: workflow.ChannelAlipay, Subject: "open:XYZ"})
	if err != nil {
		t.Fatal(err)
	}
	if tr := ali.trades[0]; tr.BuyerOpenID != "XYZ" || tr.BuyerID != "" || tr.Timeout != "120m" {
		t.Errorf("trade = %+v", tr)
	}
	if o.AlipayTradeNo() != "ALI1" || o.WeChatParams() != nil {
		t.Errorf("order = %+v", o)
	}
}

func order(st Status) Order {
	return Order{OutTradeNo: "ZVP1", CaseID: "c1", Channel: workflow.ChannelWeChat, AmountFen: 100, Status: st, TradeNo: "T0"}
}

func notice() Notice {
	return Notice{Channel: workflow.ChannelWeChat, AppID: "wx1", OutTradeNo: "ZVP1", TradeNo: "T1", AmountFen: 100, Paid: true}
}

func TestSettleRefusesWhatDoesNotMatch(t *testing.T) {
	for name, tc := range map[string]struct {
		o    Order
		edit func(*Notice)
		code string
	}{
		"WrongApp":       {order(Created), func(n *Notice) { n.AppID = "wx2" }, "wrong_app"},
		"UnknownOrder":   {order(Created), func(n *Notice) { n.OutTradeNo = "ZVP9" }, "unknown_order"},
		"WrongChannel":   {order(Created), func(n *Notice) { n.Channel = workflow.ChannelAlipay }, "wrong_channel"},
		"AmountMismatch": {order(Created), func(n *Notice) { n.AmountFen = 99 }, "amount_mismatch"},
		"NoTradeNo":      {order(Created), func(n *Notice) { n.TradeNo = "" }, "no_trade_no"},
		"TradeMismatch":  {order(Paid), func(n *Notice) {}, "trade_mismatch"},
	} {
		t.Run(name, func(t *testing.T) {
			c := &cases{}
			s := New(Config{Store: newStore(tc.o), Cases: c, AppIDs: map[workflow.Channel]string{workflow.ChannelWeChat: "wx1"}})
			n := notice()
			tc.edit(&n)
			var m *Mismatch
			if err := s.Settle(context.Background(), n); !errors.As(err, &m) || m.Code != tc.code {
				t.Fatalf("Settle = %v, want mismatch %s", err, tc.code)
			}
			if c.calls != 0 {
				t.Error("a refused notice reached the case")
			}
		})
	}
}

func TestSettlePaysOnce(t *testing.T) {
	st, c := newStore(order(Created)), &cases{conflicts: 2}
	s := New(Config{Store: st, Cases: c})
	unpaid := notice()
	unpaid.Paid = false
	if err := s.Settle(context.Background(), unpaid); err != nil || c.calls != 0 {
		t.Fatalf("unpaid notice = %v, %d calls", err, c.calls)
	}
	if err := s.Settle(context.Background(), notice()); err != nil {
		t.Fatal(err)
	}
	if o := st.orders["ZVP1"]; o.Status != Paid || o.TradeNo != "T1" || c.calls != 3 {
		t.Errorf("after paying: %+v after %d calls (two conflicts retried)", o, c.calls)
	}
	if err := s.Settle(context.Background(), notice()); err != nil || c.calls != 3 {
		t.Errorf("repeat = %v, %d calls", err, c.calls)
	}
}

func TestSettleRefundsALatePayment(t *testing.T) {
	st, wx := newStore(order(Created)), &wechatPay{status: "SUCCESS"}
	s := New(Config{Store: st, Cases: &cases{err: fmt.Errorf("pay: %w", workflow.ErrInvalidTransition)}, WeChat: wx})
	if err := s.Settle(context.Background(), notice()); err != nil {
		t.Fatal(err)
	}
	if o := st.orders["ZVP1"]; o.Status != Refunded || o.RefundNo != "RZVP1" {
		t.Errorf("late payment = %+v, want refunded", o)
	}
	if r := wx.refunds[0]; r.AmountFen != 100 || r.Reason != "重复或逾期缴费退款" {
		t.Errorf("refund = %+v", r)
	}
}

func TestRefund(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		status    string
		permanent bool
		ok        bool
	}{"Success": {"SUCCESS", false, true}, "Processing": {"PROCESSING", false, false}, "Abnormal": {"ABNORMAL", true, false}} {
		st := newStore(order(Paid))
		err := New(Config{Store: st, WeChat: &wechatPay{status: tc.status}}).Refund(ctx, order(Paid), "r")
		if (err == nil) != tc.ok || errors.Is(err, workflow.ErrPermanent) != tc.permanent || (len(st.refunded) == 1) != tc.ok {
			t.Errorf("%s: Refund = %v, recorded %v", name, err, st.refunded)
		}
	}
	if err := New(Config{Store: newStore()}).Refund(ctx, order(Paid), "r"); !errors.Is(err, workflow.ErrNoIntegration) {
		t.Errorf("refund without WeChat Pay = %v", err)
	}
	if err := New(Config{Store: newStore()}).Refund(ctx, order(Refunded), "r"); err != nil {
		t.Errorf("refunding a refunded order = %v", err)
	}
	err := New(Config{Store: newStore()}).RefundFee(ctx, workflow.RefundFee{CaseID: "c1", Channel: workflow.ChannelWeChat, TradeNo: "T9"})
	if !errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("refund of an unknown trade = %v, want permanent", err)
	}
}
