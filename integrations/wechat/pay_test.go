package wechat_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"zerovisit/integrations/wechat"
)

// notifyServer verifies notifications with the client and keeps the good ones.
type notifyServer struct {
	mu   sync.Mutex
	got  []wechat.Notification
	errs []error
}

func (n *notifyServer) serve(t *testing.T, pay *wechat.Pay) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note, err := pay.ParseNotification(r.Context(), r)
		n.mu.Lock()
		defer n.mu.Unlock()
		if err != nil {
			n.errs = append(n.errs, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		n.got = append(n.got, note)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPayment(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	var ns notifyServer
	notify := ns.serve(t, f.pay)

	order := wechat.Order{OutTradeNo: "ZV2026030200000101", Description: "驾驶证补领工本费", AmountFen: 1000,
		OpenID: "o-alice", NotifyURL: notify.URL + "/notify"}
	params, err := f.pay.Prepay(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	if params.PaySign == "" || params.Package != "prepay_id="+params.PrepayID || params.AppID != f.appID {
		t.Fatalf("payment parameters incomplete: %+v", params)
	}
	again, err := f.pay.Prepay(ctx, order)
	if err != nil || again.PrepayID != params.PrepayID {
		t.Fatalf("second prepay of one order = %v, %v; want the same prepay id", again.PrepayID, err)
	}

	sent, err := f.sb.Pay(ctx, order.OutTradeNo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sent.Status, http.StatusNoContent; got != want {
		t.Fatalf("merchant answered the notification %d, want %d (errors %v)", got, want, ns.errs)
	}
	tx := ns.got[0].Transaction
	if !tx.Paid() || tx.OutTradeNo != order.OutTradeNo || tx.TotalFen != 1000 || tx.TransactionID == "" || tx.PayerOpenID != "o-alice" {
		t.Errorf("notified transaction = %+v", tx)
	}
	q, err := f.pay.Query(ctx, order.OutTradeNo)
	if err != nil || !q.Paid() || q.TransactionID != tx.TransactionID {
		t.Errorf("query = %+v, %v", q, err)
	}

	t.Run("Forged", func(t *testing.T) {
		forged := sent
		forged.Body = bytes.Replace(sent.Body, []byte(`"TRANSACTION.SUCCESS"`), []byte(`"TRANSACTION.SUCCEED"`), 1)
		res, err := f.sb.Resend(ctx, forged)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Status, http.StatusUnauthorized; got != want {
			t.Errorf("altered notification answered %d, want %d", got, want)
		}
		if len(ns.errs) == 0 || !errors.Is(ns.errs[len(ns.errs)-1], wechat.ErrBadNotification) {
			t.Errorf("errors = %v, want ErrBadNotification", ns.errs)
		}
	})

	t.Run("Refund", func(t *testing.T) {
		rf := wechat.Refund{OutTradeNo: order.OutTradeNo, OutRefundNo: "RF" + order.OutTradeNo, RefundFen: 1000, TotalFen: 1000, Reason: "撤回"}
		for range 2 {
			st, err := f.pay.Refund(ctx, rf)
			if err != nil || st != "SUCCESS" {
				t.Fatalf("refund = %q, %v", st, err)
			}
		}
		if got, want := len(f.sb.Refunds()), 1; got != want {
			t.Errorf("refunds made = %d, want %d (same refund number twice)", got, want)
		}
	})

	t.Run("BadAmount", func(t *testing.T) {
		_, err := f.pay.Prepay(ctx, wechat.Order{OutTradeNo: "ZV2", AmountFen: 0, OpenID: "o", NotifyURL: "http://127.0.0.1/x"})
		if err == nil {
			t.Error("prepay of zero fen accepted")
		}
	})
}
