package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"zerovisit/integrations/courier/kuaidi100"
	"zerovisit/integrations/courier/sf"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// postPush sends a push body to our callback as the provider would, and
// returns the status and the error code, if any.
func postPush(t *testing.T, app *App, provider string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(app.courierCallback(provider), "application/x-www-form-urlencoded", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e apiErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error.Code
}

// caseState is what a push may change: the case and the leg's tracks.
func caseState(t *testing.T, app *App, caseID, legID string) (int64, int) {
	t.Helper()
	c, err := app.svc.Get(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	tracks, err := app.courier.store.Tracks(context.Background(), legID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version, len(tracks)
}

// TestCourierPushesTwiceAndOutOfOrder sends route pushes in reverse order
// (signed before picked up), then every push again: each case ends right
// and the repeats change nothing. The pickup effect delivered a second time
// orders nothing more.
func TestCourierPushesTwiceAndOutOfOrder(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_POSTAGE": "gaj-hjzmkj=1200"})
	ctx := context.Background()
	sb := app.courier.sandboxes.sf

	// The originals of a trust-first case: received reported before picked up.
	a := submitCourierCase(t, app, "cr-order-a", pickupItem, true)
	pickup := waitLeg(t, app, a.ID, desk.KindPickup)
	t0 := time.Now().Add(-time.Hour)
	picked, err := sb.Route(pickup.Waybill, sf.OpPickedUp, t0)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := sb.Route(pickup.Waybill, sf.OpSigned, t0.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, r := range []sf.PushRoute{signed, picked} {
		b, err := sb.Sign(r)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	for _, b := range bodies {
		if st, code := postPush(t, app, sf.Name, b); st != http.StatusOK {
			t.Fatalf("push: %d %s", st, code)
		}
	}
	c := waitCase(t, app, a.ID, workflow.StatusAccepted)
	eventually(t, 10*time.Second, "the originals received", func() bool {
		c, _ = app.svc.Get(ctx, a.ID)
		return c.Originals.Received()
	})
	if got, _ := app.courier.store.Leg(ctx, pickup.ID); got.Status != desk.StatusDelivered {
		t.Errorf("pickup leg after the late picked-up push = %s, want delivered", got.Status)
	}
	eventually(t, 10*time.Second, "the leg in step with its case", func() bool {
		l, _ := app.courier.store.Leg(ctx, pickup.ID)
		return l.SyncedVersion == l.Version
	})
	version, tracks := caseState(t, app, a.ID, pickup.ID)
	for _, b := range append(bodies, bodies...) {
		if st, code := postPush(t, app, sf.Name, b); st != http.StatusOK {
			t.Fatalf("repeated push: %d %s, want 200 (harmless)", st, code)
		}
	}
	if v, n := caseState(t, app, a.ID, pickup.ID); v != version || n != tracks {
		t.Errorf("after repeats: case v%d with %d tracks, want v%d with %d", v, n, version, tracks)
	}

	// The pickup effect delivered again (a redelivery after a lost answer)
	// finds its leg: no second order, no second waybill.
	entries, err := app.repo.List(ctx, workflow.OutboxDone, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	parcels := len(sb.Parcels())
	for _, e := range entries {
		if e.Kind != workflow.KindOrderCourierPickup || e.CaseID != a.ID {
			continue
		}
		eff, err := workflow.DecodeEffect(e.Kind, e.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.courier.desk.OrderPickup(ctx, e, eff.(workflow.OrderCourierPickup)); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(sb.Parcels()); got != parcels {
		t.Errorf("parcels after the effect's redelivery = %d, want %d", got, parcels)
	}
	if legs, _ := app.courier.store.CaseLegs(ctx, a.ID); len(legs) != 1 || legs[0].Waybill != pickup.Waybill {
		t.Errorf("legs of the case = %+v, want the one pickup leg", legs)
	}

	// An ordinary case's result: signed, out for delivery and picked up,
	// in that order, close it once.
	b := submitCourierCase(t, app, "cr-order-b", "gaj-hjzmkj", false)
	do(t, app, b.ID, workflow.Accept{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, b.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, b.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, b.ID, desk.KindDelivery)
	// The item charges postage: the applicant pays on delivery (到付).
	if p, _ := sb.Parcel(leg.Waybill); p.PayMethod != sf.PayRecipient || leg.PostageFen != 1200 {
		t.Errorf("charged postage: pay method %d, leg postage %d fen; want %d and 1200", p.PayMethod, leg.PostageFen, sf.PayRecipient)
	}
	for i, op := range []string{sf.OpSigned, sf.OpOutForDelivery, sf.OpPickedUp} {
		r, err := sb.Route(leg.Waybill, op, t0.Add(time.Duration(10-i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := sb.Sign(r)
		if st, code := postPush(t, app, sf.Name, body); st != http.StatusOK {
			t.Fatalf("push %s: %d %s", op, st, code)
		}
	}
	closed := waitCase(t, app, b.ID, workflow.StatusClosed)
	if got, _ := app.courier.store.Leg(ctx, leg.ID); got.Status != desk.StatusDelivered {
		t.Errorf("delivery leg = %s, want delivered", got.Status)
	}
	if got, _ := app.svc.Get(ctx, b.ID); got.Version != closed.Version {
		t.Errorf("case moved on after closing: v%d, want v%d", got.Version, closed.Version)
	}
}

// TestCourierPushRefusals sends pushes that must be refused: a bad
// signature (SF and Kuaidi100), another partner, an unknown waybill. Each
// gets the error shape and changes nothing.
func TestCourierPushRefusals(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	c := submitCourierCase(t, app, "cr-refuse", pickupItem, true)
	leg := waitLeg(t, app, c.ID, desk.KindPickup)
	sbx := app.courier.sandboxes
	at := time.Now()
	route := sf.PushRoute{ID: "R-forged", MailNo: leg.Waybill, AcceptTime: at.In(sf.CST).Format(sf.TimeLayout), OpCode: sf.OpSigned}
	good, err := sf.SignPush(sf.PushMessage{WaybillRoute: []sf.PushRoute{route}}, sbx.sfPartner, sbx.sfCheckword, "req-1", at)
	if err != nil {
		t.Fatal(err)
	}
	tampered, _ := url.ParseQuery(string(good))
	tampered.Set("msgData", `{"WaybillRoute":[{"id":"R-forged","mailno":"`+leg.Waybill+`","acceptTime":"`+route.AcceptTime+`","opCode":"50"}]}`)
	forged, _ := sf.SignPush(sf.PushMessage{WaybillRoute: []sf.PushRoute{route}}, sbx.sfPartner, "guessed-checkword", "req-2", at)
	otherPartner, _ := sf.SignPush(sf.PushMessage{WaybillRoute: []sf.PushRoute{route}}, "SOMEONE", sbx.sfCheckword, "req-3", at)
	unknown := route
	unknown.MailNo = "SF9999999999999"
	unknownBody, _ := sf.SignPush(sf.PushMessage{WaybillRoute: []sf.PushRoute{unknown}}, sbx.sfPartner, sbx.sfCheckword, "req-4", at)
	kdForged, _ := kuaidi100.SignPush(kuaidi100.PushParam{Status: "polling", LastResult: kuaidi100.Track{State: kuaidi100.StateSigned,
		Nu: leg.Waybill, Data: []kuaidi100.Point{{Time: route.AcceptTime}}}}, "not-our-salt")

	version, tracks := caseState(t, app, c.ID, leg.ID)
	for name, tc := range map[string]struct {
		provider string
		body     []byte
		status   int
		code     string
	}{
		"Tampered":        {sf.Name, []byte(tampered.Encode()), http.StatusUnauthorized, "bad_signature"},
		"Forged":          {sf.Name, forged, http.StatusUnauthorized, "bad_signature"},
		"OtherPartner":    {sf.Name, otherPartner, http.StatusUnauthorized, "bad_signature"},
		"UnknownWaybill":  {sf.Name, unknownBody, http.StatusNotFound, "unknown_waybill"},
		"Kuaidi100Forged": {kuaidi100.Name, kdForged, http.StatusUnauthorized, "bad_signature"},
		"NotAForm":        {sf.Name, []byte("%%%"), http.StatusBadRequest, "malformed_push"},
		"UnknownProvider": {"ems", good, http.StatusNotFound, "unknown_provider"},
	} {
		t.Run(name, func(t *testing.T) {
			st, code := postPush(t, app, tc.provider, tc.body)
			if st != tc.status || code != tc.code {
				t.Errorf("push = %d %s, want %d %s", st, code, tc.status, tc.code)
			}
		})
	}
	if v, n := caseState(t, app, c.ID, leg.ID); v != version || n != tracks {
		t.Errorf("after the refused pushes: case v%d with %d tracks, want v%d with %d", v, n, version, tracks)
	}
	if l, _ := app.courier.store.Leg(context.Background(), leg.ID); l.Status != desk.StatusOrdered {
		t.Errorf("leg after the refused pushes = %s, want ordered", l.Status)
	}
	// The genuine push still works.
	if st, code := postPush(t, app, sf.Name, good); st != http.StatusOK {
		t.Fatalf("genuine push: %d %s", st, code)
	}
}

// TestCourierPushTooOld sends correctly signed SF route pushes, signed now,
// whose route points are older than ZEROVISIT_COURIER_PUSH_WINDOW (a
// replay of a captured push, say): each is refused with the error shape
// and changes nothing, while a push within the window is taken.
func TestCourierPushTooOld(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_PUSH_WINDOW": "2h"})
	c := submitCourierCase(t, app, "cr-stale", pickupItem, true)
	leg := waitLeg(t, app, c.ID, desk.KindPickup)
	sb := app.courier.sandboxes.sf
	sign := func(rs ...sf.PushRoute) []byte {
		t.Helper()
		b, err := sf.SignPush(sf.PushMessage{WaybillRoute: rs}, app.courier.sandboxes.sfPartner, app.courier.sandboxes.sfCheckword, "req-"+rs[0].ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	route := func(op string, age time.Duration) sf.PushRoute {
		t.Helper()
		r, err := sb.Route(leg.Waybill, op, time.Now().Add(-age))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	old := route(sf.OpPickedUp, 3*time.Hour)
	yearOld := route(sf.OpSigned, 365*24*time.Hour)
	fresh := route(sf.OpPickedUp, time.Hour)

	version, tracks := caseState(t, app, c.ID, leg.ID)
	for name, body := range map[string][]byte{
		"ThreeHoursOld": sign(old),
		"YearOld":       sign(yearOld),
		"OneOldOfTwo":   sign(fresh, old),
	} {
		t.Run(name, func(t *testing.T) {
			if st, code := postPush(t, app, sf.Name, body); st != http.StatusUnprocessableEntity || code != "stale_push" {
				t.Errorf("push = %d %s, want 422 stale_push", st, code)
			}
		})
	}
	if v, n := caseState(t, app, c.ID, leg.ID); v != version || n != tracks {
		t.Errorf("after the stale pushes: case v%d with %d tracks, want v%d with %d", v, n, version, tracks)
	}
	if l, _ := app.courier.store.Leg(context.Background(), leg.ID); l.Status != desk.StatusOrdered {
		t.Errorf("leg after the stale pushes = %s, want ordered", l.Status)
	}
	if st, code := postPush(t, app, sf.Name, sign(fresh)); st != http.StatusOK {
		t.Fatalf("push within the window: %d %s", st, code)
	}
	if _, n := caseState(t, app, c.ID, leg.ID); n != tracks+1 {
		t.Errorf("tracks after the push within the window = %d, want %d", n, tracks+1)
	}
}
