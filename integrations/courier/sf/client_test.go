package sf_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"zerovisit/integrations/courier/sf"
	"zerovisit/integrations/courier/sf/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

const (
	partner   = "ZV-GOV"
	checkword = "sandbox-checkword-0123456789"
)

func newSandbox(t *testing.T, pushURL string) (*sandbox.Sandbox, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Config{PartnerID: partner, Checkword: checkword, PushURL: func() string { return pushURL }})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv
}

func newClient(t *testing.T, baseURL, cw string) *sf.Client {
	t.Helper()
	c, err := sf.NewClient(baseURL, &http.Client{Transport: httpx.LoopbackOnly(nil)},
		sf.Credentials{PartnerID: partner, Checkword: cw, MonthlyCard: "5710000001"},
		httpx.Options{MaxAttempts: 2, BaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func order(id string) parcel.Order {
	return parcel.Order{
		ID:        id,
		Sender:    parcel.Contact{Name: "张三", Phone: "13812345678", Address: "浙江省杭州市西湖区文三路 1 号"},
		Recipient: parcel.Contact{Name: "收件窗口", Phone: "0571-87000000", Company: "杭州市交通运输局", Address: "杭州市上城区解放东路 18 号"},
		Cargo:     "材料原件", Payer: parcel.PayerAccount, Remark: "ZV0001",
	}
}

func TestOrderIsIdempotentByOrderID(t *testing.T) {
	sb, srv := newSandbox(t, "")
	c := newClient(t, srv.URL, checkword)
	ctx := context.Background()
	first, err := c.CreateOrder(ctx, order("leg-1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Waybill) != 15 || first.Waybill[:2] != "SF" {
		t.Errorf("waybill = %q, want SF and 13 digits", first.Waybill)
	}
	again, err := c.CreateOrder(ctx, order("leg-1"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := again.Waybill, first.Waybill; got != want {
		t.Errorf("second order of the same id: waybill %s, want %s", got, want)
	}
	if got, want := len(sb.Parcels()), 1; got != want {
		t.Errorf("parcels = %d, want %d", got, want)
	}
	p, _ := sb.Parcel(first.Waybill)
	if got, want := p.PayMethod, sf.PayThirdParty; got != want || p.MonthlyCard != "5710000001" {
		t.Errorf("pay method = %d card %q, want %d with the monthly card (postage waived)", got, p.MonthlyCard, want)
	}
	charged := order("leg-2")
	charged.Payer = parcel.PayerRecipient
	s2, err := c.CreateOrder(ctx, charged)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := sb.Parcel(s2.Waybill); p.PayMethod != sf.PayRecipient {
		t.Errorf("charged postage: pay method = %d, want %d (到付)", p.PayMethod, sf.PayRecipient)
	}
}

func TestCancelAndTrack(t *testing.T) {
	sb, srv := newSandbox(t, "")
	c := newClient(t, srv.URL, checkword)
	ctx := context.Background()
	s1, _ := c.CreateOrder(ctx, order("leg-1"))
	if err := c.CancelOrder(ctx, s1); err != nil {
		t.Fatalf("cancel before pickup: %v", err)
	}
	s2, _ := c.CreateOrder(ctx, order("leg-2"))
	t0 := time.Date(2025, 9, 1, 10, 0, 0, 0, sf.CST)
	for i, op := range []string{sf.OpPickedUp, sf.OpInTransit, "12345"} {
		if _, err := sb.Route(s2.Waybill, op, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	err := c.CancelOrder(ctx, s2)
	var refused *sf.Error
	if !errors.As(err, &refused) || refused.Code != sf.BizAlreadyPickedUp || !errors.Is(err, parcel.ErrRefused) {
		t.Errorf("cancel after pickup: err = %v, want refusal %s", err, sf.BizAlreadyPickedUp)
	}
	evs, err := c.Track(ctx, s2)
	if err != nil {
		t.Fatal(err)
	}
	want := []parcel.State{parcel.StatePickedUp, parcel.StateInTransit, parcel.StateUnknown}
	if len(evs) != len(want) {
		t.Fatalf("events = %+v", evs)
	}
	for i, ev := range evs {
		if ev.State != want[i] || !ev.At.Equal(t0.Add(time.Duration(i)*time.Hour)) {
			t.Errorf("event %d = %s at %s, want %s at %s", i, ev.State, ev.At, want[i], t0.Add(time.Duration(i)*time.Hour))
		}
	}
}

func TestWrongCheckwordRefused(t *testing.T) {
	_, srv := newSandbox(t, "")
	c := newClient(t, srv.URL, "not-the-checkword")
	_, err := c.CreateOrder(context.Background(), order("leg-1"))
	var refused *sf.Error
	if !errors.As(err, &refused) || refused.Code != sf.APIBadDigest {
		t.Fatalf("err = %v, want %s", err, sf.APIBadDigest)
	}
}

func TestParsePush(t *testing.T) {
	at := time.Date(2025, 9, 1, 10, 0, 0, 0, sf.CST)
	msg := sf.PushMessage{WaybillRoute: []sf.PushRoute{{ID: "R1", MailNo: "SF1", OrderID: "leg-1",
		AcceptTime: at.Format(sf.TimeLayout), OpCode: sf.OpSigned, Remark: "已签收"}}}
	body, err := sf.SignPush(msg, partner, checkword, "req-1", at)
	if err != nil {
		t.Fatal(err)
	}
	push, err := sf.ParsePush(body, partner, checkword)
	if err != nil {
		t.Fatal(err)
	}
	if len(push.Events) != 1 || push.Events[0].State != parcel.StateSigned || push.Events[0].Key != "R1" || !push.Events[0].At.Equal(at) {
		t.Errorf("events = %+v", push.Events)
	}
	if got, want := string(push.Ack), `{"return_code":"0000","return_msg":"成功"}`; got != want {
		t.Errorf("ack = %s, want %s", got, want)
	}

	tampered, _ := url.ParseQuery(string(body))
	tampered.Set("msgData", `{"WaybillRoute":[{"id":"R1","mailno":"SF2","acceptTime":"2025-09-01 10:00:00","opCode":"80"}]}`)
	forged, _ := sf.SignPush(msg, partner, "guessed-checkword", "req-2", at)
	other, _ := sf.SignPush(msg, "OTHER", checkword, "req-3", at)
	for name, tc := range map[string]struct {
		body []byte
		code string
	}{
		"Tampered":     {[]byte(tampered.Encode()), "bad_signature"},
		"Forged":       {forged, "bad_signature"},
		"OtherPartner": {other, "bad_signature"},
		"NotAForm":     {[]byte("%zz"), "malformed_push"},
		"Empty":        {nil, "malformed_push"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sf.ParsePush(tc.body, partner, checkword)
			var pe *workflow.Refusal
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Errorf("err = %v, want %s", err, tc.code)
			}
		})
	}
}
