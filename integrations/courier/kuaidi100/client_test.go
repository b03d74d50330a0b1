package kuaidi100_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/courier/kuaidi100"
	"zerovisit/integrations/courier/kuaidi100/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

const (
	customer = "ZVGOV"
	key      = "sandbox-key-0123"
	salt     = "sandbox-salt-9876"
)

type fixture struct {
	sb     *sandbox.Sandbox
	client *kuaidi100.Client
	cbURL  string
	mu     sync.Mutex
	got    []parcel.Event
}

// newFixture serves a sandbox and a callback that verifies pushes with the client.
func newFixture(t *testing.T, clientKey string) *fixture {
	t.Helper()
	f := &fixture{sb: sandbox.New(sandbox.Config{Customer: customer, Key: key})}
	srv := httptest.NewServer(f.sb)
	t.Cleanup(srv.Close)
	c, err := kuaidi100.NewClient(srv.URL, &http.Client{Transport: httpx.LoopbackOnly(nil)},
		kuaidi100.Credentials{Customer: customer, Key: clientKey, Salt: salt}, httpx.Options{MaxAttempts: 2, BaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		push, err := c.ParsePush(r.Header, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		f.mu.Lock()
		f.got = append(f.got, push.Events...)
		f.mu.Unlock()
		_, _ = w.Write(push.Ack)
	}))
	t.Cleanup(cb.Close)
	f.cbURL = cb.URL
	return f
}

func (f *fixture) order(id string) parcel.Order {
	return parcel.Order{
		ID:        id,
		Sender:    parcel.Contact{Name: "收件窗口", Phone: "0571-87000000", Company: "杭州市交通运输局", Address: "杭州市上城区解放东路 18 号"},
		Recipient: parcel.Contact{Name: "张三", Phone: "13812345678", Address: "浙江省杭州市西湖区文三路 1 号"},
		Cargo:     "办理结果", Payer: parcel.PayerRecipient, CallbackURL: f.cbURL,
	}
}

func TestOrderSubscribeAndPush(t *testing.T) {
	f := newFixture(t, key)
	ctx := context.Background()
	s, err := f.client.CreateOrder(ctx, f.order("leg-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.client.CreateOrder(ctx, f.order("leg-1"))
	if err != nil || again.Waybill != s.Waybill {
		t.Fatalf("second order of the same id: %v, waybill %s want %s", err, again.Waybill, s.Waybill)
	}
	p, _ := f.sb.Parcel(s.Waybill)
	if p.CallbackURL != f.cbURL || p.Salt != salt || p.Order.Payment != kuaidi100.PaymentConsignee {
		t.Errorf("parcel = %+v, want subscribed with our callback and salt, paid on delivery", p)
	}
	for _, st := range []string{kuaidi100.StatePickedUp, kuaidi100.StateOutForDelivery, kuaidi100.StateSigned} {
		rep, err := f.sb.Advance(ctx, s.Waybill, st)
		if err != nil || rep.Status != http.StatusOK {
			t.Fatalf("advance %s: %v %d %s", st, err, rep.Status, rep.Body)
		}
	}
	want := []parcel.State{parcel.StatePickedUp, parcel.StateOutForDelivery, parcel.StateSigned}
	if len(f.got) != len(want) {
		t.Fatalf("pushes = %+v", f.got)
	}
	for i := range want {
		if f.got[i].State != want[i] || f.got[i].Waybill != s.Waybill {
			t.Errorf("push %d = %+v, want %s", i, f.got[i], want[i])
		}
	}
	evs, err := f.client.Track(ctx, s)
	if err != nil || len(evs) != 3 || evs[0].State != parcel.StatePickedUp || evs[2].State != parcel.StateSigned {
		t.Errorf("track = %+v, %v", evs, err)
	}
	if err := f.client.CancelOrder(ctx, s); !errors.Is(err, parcel.ErrRefused) {
		t.Errorf("cancel after pickup: err = %v, want ErrRefused", err)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	f := newFixture(t, "not-the-key")
	_, err := f.client.CreateOrder(context.Background(), f.order("leg-1"))
	var refused *kuaidi100.Error
	if !errors.As(err, &refused) || refused.Code != kuaidi100.CodeBadSign {
		t.Fatalf("err = %v, want %s", err, kuaidi100.CodeBadSign)
	}
}

func TestParsePushRefusals(t *testing.T) {
	good, err := kuaidi100.SignPush(kuaidi100.PushParam{Status: "polling", LastResult: kuaidi100.Track{
		State: kuaidi100.StateSigned, IsCheck: "1", Nu: "1100000000001",
		Data: []kuaidi100.Point{{Time: "2025-09-01 10:00:00", Context: "已签收"}},
	}}, salt)
	if err != nil {
		t.Fatal(err)
	}
	push, err := kuaidi100.ParsePush(good, salt)
	if err != nil || len(push.Events) != 1 || push.Events[0].State != parcel.StateSigned {
		t.Fatalf("good push: %+v, %v", push, err)
	}
	tampered, _ := url.ParseQuery(string(good))
	tampered.Set("param", tampered.Get("param")[:len(tampered.Get("param"))-1]+` }`)
	for name, tc := range map[string]struct {
		body []byte
		salt string
		code string
	}{
		"OtherSalt": {good, "another-salt", "bad_signature"},
		"Tampered":  {[]byte(tampered.Encode()), salt, "bad_signature"},
		"NoSign":    {[]byte("param=%7B%7D"), salt, "malformed_push"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := kuaidi100.ParsePush(tc.body, tc.salt)
			var pe *workflow.Refusal
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Errorf("err = %v, want %s", err, tc.code)
			}
		})
	}
}
