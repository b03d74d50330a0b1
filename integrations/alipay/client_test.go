package alipay_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/alipay/sandbox"
	"zerovisit/integrations/httpx"
)

var (
	keyOnce sync.Once
	appKey  *rsa.PrivateKey
)

func testAppKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		appKey = k
	})
	return appKey
}

type fixture struct {
	sb     *sandbox.Sandbox
	client *alipay.Client
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	k := testAppKey()
	sb, err := sandbox.New(sandbox.Config{AppID: "2021000000000001", AppKey: &k.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	c, err := alipay.NewClient(alipay.Config{AppID: "2021000000000001", PrivateKey: string(priv),
		AlipayPublicKey: sb.PublicKeyPEM(), Gateway: srv.URL + "/gateway.do"},
		&http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{sb: sb, client: c}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestLogin(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	t.Run("UserID", func(t *testing.T) {
		u, err := f.client.Login(ctx, f.sb.AuthCode(sandbox.User{UserID: "2088102122458832"}))
		if err != nil || u.UserID != "2088102122458832" {
			t.Fatalf("login = %+v, %v", u, err)
		}
	})
	t.Run("OpenIDOnly", func(t *testing.T) {
		u, err := f.client.Login(ctx, f.sb.AuthCode(sandbox.User{OpenID: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"}))
		if err != nil || u.OpenID == "" || u.UserID != "" {
			t.Fatalf("login of an open_id app = %+v, %v", u, err)
		}
	})
	t.Run("InvalidCode", func(t *testing.T) {
		if _, err := f.client.Login(ctx, "made-up"); !errors.Is(err, alipay.ErrInvalidCode) {
			t.Errorf("made-up code: %v, want ErrInvalidCode", err)
		}
	})
}

func TestTradeNotifyRefund(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	var got []alipay.Notification
	var bad []error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		n, err := f.client.DecodeNotification(r.Context(), r.PostForm)
		if err != nil {
			bad = append(bad, err)
			http.Error(w, "fail", http.StatusBadRequest)
			return
		}
		got = append(got, n)
		_, _ = w.Write([]byte("success"))
	}))
	t.Cleanup(srv.Close)

	trade := alipay.Trade{OutTradeNo: "ZV2026030200000102", Subject: "签注费", AmountFen: 1500, BuyerID: "2088102122458832", NotifyURL: srv.URL}
	no, err := f.client.CreateTrade(ctx, trade)
	if err != nil || no == "" {
		t.Fatalf("create trade = %q, %v", no, err)
	}
	sent, err := f.sb.Pay(ctx, trade.OutTradeNo)
	if err != nil || !sent.Acknowledged() {
		t.Fatalf("notification = %+v, %v (refused: %v)", sent, err, bad)
	}
	if n := got[0]; !n.Paid() || n.TotalFen != 1500 || n.TradeNo != no || n.OutTradeNo != trade.OutTradeNo {
		t.Errorf("notification = %+v", n)
	}
	st, err := f.client.QueryTrade(ctx, trade.OutTradeNo)
	if err != nil || !st.Paid() || st.TotalFen != 1500 {
		t.Errorf("query = %+v, %v", st, err)
	}

	t.Run("Forged", func(t *testing.T) {
		forged := sent
		forged.Form = url.Values{}
		for k, v := range sent.Form {
			forged.Form[k] = v
		}
		forged.Form.Set("total_amount", "0.01")
		res, _ := f.sb.Resend(ctx, forged)
		if res.Acknowledged() || len(bad) == 0 || !errors.Is(bad[0], alipay.ErrBadNotification) {
			t.Errorf("altered notification acknowledged=%v, errors %v", res.Acknowledged(), bad)
		}
	})
	t.Run("RefundOnce", func(t *testing.T) {
		r := alipay.Refund{OutTradeNo: trade.OutTradeNo, OutRequestNo: "RF1", AmountFen: 1500, Reason: "撤回"}
		for range 2 {
			if err := f.client.Refund(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := len(f.sb.Refunds()), 1; got != want {
			t.Errorf("refunds = %d, want %d", got, want)
		}
	})
}

func TestMessageConsent(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	m := alipay.Message{ToUserID: "2088102122458832", TemplateID: "TPL1", Data: map[string]string{"keyword1": "受理"}}
	if err := f.client.SendMessage(ctx, m); !errors.Is(err, alipay.ErrNoConsent) {
		t.Fatalf("unsubscribed: %v, want ErrNoConsent", err)
	}
	f.sb.Subscribe("2088102122458832", "TPL1", 1)
	if err := f.client.SendMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := f.sb.Messages(); len(got) != 1 || got[0].Data["keyword1"] != "受理" {
		t.Errorf("messages = %+v", got)
	}
}

func TestFen(t *testing.T) {
	for in, want := range map[string]int64{"10": 1000, "10.5": 1050, "0.01": 1, "15.00": 1500} {
		if got, err := alipay.Fen(in); err != nil || got != want {
			t.Errorf("Fen(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "1e3", "abc", "1."} {
		if _, err := alipay.Fen(in); err == nil {
			t.Errorf("Fen(%q) accepted", in)
		}
	}
	if got, want := alipay.Yuan(1505), "15.05"; got != want {
		t.Errorf("Yuan = %q, want %q", got, want)
	}
}
