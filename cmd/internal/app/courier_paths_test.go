package app

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"zerovisit/handlers/session"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// dispatchOrdinary takes an ordinary courier case to delivering and
// returns its delivery leg.
func dispatchOrdinary(t *testing.T, app *App, id string) desk.Leg {
	t.Helper()
	c := submitCourierCase(t, app, id, "gaj-hjzmkj", false)
	do(t, app, c.ID, workflow.Accept{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	return waitLeg(t, app, c.ID, desk.KindDelivery)
}

// TestCourierFailedDeliveryPaths follows the three ways a result is not
// handed over: refused at the door, every attempt failed, and lost.
func TestCourierFailedDeliveryPaths(t *testing.T) {
	app := openCourierApp(t, map[string]string{
		"ZEROVISIT_COURIER_MAX_ATTEMPTS": "2",
		"ZEROVISIT_COURIER_LOST_AFTER":   "400ms",
	})
	cl := newCourierClient(t, app)
	ctx := context.Background()

	t.Run("Refused", func(t *testing.T) {
		leg := dispatchOrdinary(t, app, "cr-refused")
		cl.mustScan(desk.ScanRequest{ClientID: scanID("pick"), Waybill: leg.Waybill, Kind: desk.ScanPickup})
		res := cl.mustScan(desk.ScanRequest{ClientID: scanID("refuse"), Waybill: leg.Waybill, Kind: desk.ScanRefused, Note: "收件人拒收"})
		if res.Status != desk.StatusRefused || res.ReturnLegID == "" {
			t.Fatalf("refused scan = %+v, want refused with a return leg", res)
		}
		c := waitCase(t, app, leg.CaseID, workflow.StatusApproved)
		if got, want := c.Delivery.Method, workflow.DeliveryPickup; got != want {
			t.Errorf("delivery method = %s, want %s (the result waits at the counter)", got, want)
		}
		// Handed over at the counter, the ordinary case closes.
		do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}, Note: "窗口领取"})
		waitCase(t, app, c.ID, workflow.StatusClosed)
	})
	t.Run("Undeliverable", func(t *testing.T) {
		leg := dispatchOrdinary(t, app, "cr-absent")
		first := cl.mustScan(desk.ScanRequest{ClientID: scanID("absent1"), Waybill: leg.Waybill, Kind: desk.ScanAbsent})
		if first.Status != desk.StatusOrdered {
			t.Fatalf("after one failed attempt the leg is %s, want still ordered", first.Status)
		}
		if got, _ := app.svc.Get(ctx, leg.CaseID); got.Status != workflow.StatusDelivering {
			t.Fatalf("after one failed attempt the case is %s, want delivering", got.Status)
		}
		second := cl.mustScan(desk.ScanRequest{ClientID: scanID("absent2"), Waybill: leg.Waybill, Kind: desk.ScanAbsent})
		if second.Status != desk.StatusUndeliverable {
			t.Fatalf("after two failed attempts the leg is %s, want undeliverable", second.Status)
		}
		c := waitCase(t, app, leg.CaseID, workflow.StatusApproved)
		if c.Delivery.Method != workflow.DeliveryPickup {
			t.Errorf("delivery method = %s, want pickup", c.Delivery.Method)
		}
	})
	t.Run("Lost", func(t *testing.T) {
		leg := dispatchOrdinary(t, app, "cr-lost")
		cl.mustScan(desk.ScanRequest{ClientID: scanID("pick"), Waybill: leg.Waybill, Kind: desk.ScanPickup})
		c := waitCase(t, app, leg.CaseID, workflow.StatusApproved)
		if got, _ := app.courier.store.Leg(ctx, leg.ID); got.Status != desk.StatusLost {
			t.Fatalf("leg = %s, want lost", got.Status)
		}
		if c.Delivery.Method != workflow.DeliveryCourier {
			t.Errorf("delivery method = %s, want courier (the result is sent again)", c.Delivery.Method)
		}
		do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}, Note: "补发"})
		eventually(t, 10*time.Second, "a second delivery leg", func() bool {
			legs, _ := app.courier.store.CaseLegs(ctx, c.ID)
			return len(legs) == 2 && legs[1].Waybill != "" && legs[1].Waybill != leg.Waybill
		})
		if got, _ := app.svc.Get(ctx, c.ID); got.Status != workflow.StatusDelivering {
			t.Errorf("after sending again the case is %s, want delivering (the lost leg's news is old)", got.Status)
		}
	})
}

// TestCourierScanReplayAndRefusals resends scans as an offline phone
// would, and sends scans that must be refused; none changes anything twice.
func TestCourierScanReplayAndRefusals(t *testing.T) {
	app := openCourierApp(t, nil)
	cl := newCourierClient(t, app)
	ctx := context.Background()
	c := submitCourierCase(t, app, "cr-scan", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)

	pick := desk.ScanRequest{ClientID: scanID("offline"), Waybill: leg.Waybill, Kind: desk.ScanPickup, At: time.Now().Add(-time.Hour)}
	first := cl.mustScan(pick)
	again := cl.mustScan(pick)
	if !again.Replayed || again.LegID != first.LegID || again.Status != first.Status || first.Replayed {
		t.Errorf("resent scan = %+v, first %+v", again, first)
	}
	if tracks, _ := app.courier.store.Tracks(ctx, leg.ID); len(tracks) != 1 {
		t.Errorf("tracks = %d, want 1", len(tracks))
	}
	other := pick
	other.Kind = desk.ScanAbsent
	if st, _, e := cl.scan(other); st != http.StatusUnprocessableEntity || e.Error.Code != "idempotency_key_reused" {
		t.Errorf("scan id reused for another scan: %d %s", st, e.Error.Code)
	}

	keyA, _ := cl.photo(leg.ID, 1)
	keyB, _ := cl.photo(leg.ID, 2)
	door := func(id string, checks ...desk.CheckInput) desk.ScanRequest {
		return desk.ScanRequest{ClientID: scanID("door"), Waybill: leg.Waybill, Kind: desk.ScanDelivery, IDNumber: id, Checks: checks}
	}
	both := []desk.CheckInput{{Material: "pmbjt", Passed: true, PhotoKey: keyA}, {Material: "sbssqd", Passed: true, PhotoKey: keyB}}
	version, _ := caseState(t, app, c.ID, leg.ID)
	for name, tc := range map[string]struct {
		req    desk.ScanRequest
		status int
		code   string
	}{
		"OtherPerson":     {door("11010519491231002X", both...), http.StatusUnprocessableEntity, "identity_mismatch"},
		"InvalidID":       {door("330106198503121230", both...), http.StatusUnprocessableEntity, "invalid_id_number"},
		"NoID":            {door("", both...), http.StatusUnprocessableEntity, "identity_required"},
		"Incomplete":      {door(elicensesb.ZhangSanID, both[0]), http.StatusUnprocessableEntity, "checklist_incomplete"},
		"PhotoMissing":    {door(elicensesb.ZhangSanID, both[0], desk.CheckInput{Material: "sbssqd", Passed: true, PhotoKey: "00"}), http.StatusUnprocessableEntity, "photo_missing"},
		"FailWithoutNote": {door(elicensesb.ZhangSanID, both[0], desk.CheckInput{Material: "sbssqd", PhotoKey: keyB}), http.StatusUnprocessableEntity, "invalid_field"},
		"NotOnChecklist":  {door(elicensesb.ZhangSanID, both[0], desk.CheckInput{Material: "sqs", Passed: true, PhotoKey: keyB}), http.StatusUnprocessableEntity, "invalid_field"},
		"UnknownWaybill":  {desk.ScanRequest{ClientID: scanID("x"), Waybill: "SF0000000000001", Kind: desk.ScanPickup}, http.StatusNotFound, "unknown_waybill"},
		"WrongKind":       {desk.ScanRequest{ClientID: scanID("x"), Waybill: leg.Waybill, Kind: desk.ScanHandover}, http.StatusUnprocessableEntity, "scan_not_for_leg"},
		"BadScanID":       {desk.ScanRequest{ClientID: "short", Waybill: leg.Waybill, Kind: desk.ScanPickup}, http.StatusUnprocessableEntity, "invalid_field"},
	} {
		t.Run(name, func(t *testing.T) {
			if st, _, e := cl.scan(tc.req); st != tc.status || e.Error.Code != tc.code {
				t.Errorf("scan = %d %s, want %d %s", st, e.Error.Code, tc.status, tc.code)
			}
		})
	}
	if v, _ := caseState(t, app, c.ID, leg.ID); v != version {
		t.Errorf("refused scans changed the case: v%d, want v%d", v, version)
	}

	// Another courier may not touch a leg this one has.
	if _, err := app.courier.desk.AddCourier(ctx, desk.NewCourier{Name: "王师傅", Phone: "13900002222", Password: "another-secret-1"}); err != nil {
		t.Fatal(err)
	}
	other2 := &courierClient{t: t, base: cl.base}
	var login struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	other2.call(http.MethodPost, "/api/v1/courier/session", "application/json", mustJSON(t, map[string]string{"phone": "13900002222", "password": "another-secret-1"}), &login)
	other2.token = login.Tokens.AccessToken
	if st, _, e := other2.scan(door(elicensesb.ZhangSanID, both...)); st != http.StatusForbidden || e.Error.Code != "leg_of_another_courier" {
		t.Errorf("another courier's scan = %d %s, want 403 leg_of_another_courier", st, e.Error.Code)
	}
	var e apiErrorBody
	if st := other2.call(http.MethodGet, "/api/v1/courier/legs/"+leg.ID, "", nil, &e); st != http.StatusNotFound {
		t.Errorf("another courier's view of the leg = %d, want 404", st)
	}

	// Tokens: none, a citizen's, a disabled courier's.
	anon := &courierClient{t: t, base: cl.base}
	if st := anon.call(http.MethodGet, "/api/v1/courier/legs", "", nil, nil); st != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", st)
	}
	pair, _ := app.tokens.Issue(session.Subject{Kind: session.SubjectCitizen, ID: testCitizen.ID})
	citizen := &courierClient{t: t, base: cl.base, token: pair.AccessToken}
	if st := citizen.call(http.MethodGet, "/api/v1/courier/legs", "", nil, nil); st != http.StatusForbidden {
		t.Errorf("citizen token: %d, want 403", st)
	}
	if _, err := app.courier.desk.SetCourierActive(ctx, "13900002222", false); err != nil {
		t.Fatal(err)
	}
	if st := other2.call(http.MethodGet, "/api/v1/courier/legs", "", nil, &e); st != http.StatusForbidden || e.Error.Code != "courier_disabled" {
		t.Errorf("disabled courier: %d %s, want 403 courier_disabled", st, e.Error.Code)
	}
	if st := other2.call(http.MethodPost, "/api/v1/courier/session", "application/json",
		mustJSON(t, map[string]string{"phone": "13900002222", "password": "another-secret-1"}), &e); st != http.StatusUnauthorized || e.Error.Code != "bad_credentials" {
		t.Errorf("disabled courier's sign-in: %d %s, want 401 bad_credentials", st, e.Error.Code)
	}

	// The genuine door check closes the trust-first case.
	res := cl.mustScan(door(elicensesb.ZhangSanID, both...))
	if res.Verification != "passed" {
		t.Fatalf("door scan = %+v", res)
	}
	waitCase(t, app, c.ID, workflow.StatusClosed)
}

// TestCourierCommand adds a courier account with the subcommand, which
// prints a one-time password that then signs in; disable stops it.
func TestCourierCommand(t *testing.T) {
	env := map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t), "ZEROVISIT_LOG_LEVEL": "error", "ZEROVISIT_PARTY_SANDBOX": "true"}
	for k, v := range testKeys {
		env[k] = v
	}
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"courier", "add", "--name", "赵师傅", "--phone", "139 0000 3333", "--company", "中国邮政"}, envOf(env), &out, &errOut); err != nil {
		t.Fatalf("courier add: %v\n%s", err, errOut.String())
	}
	m := regexp.MustCompile(`password \(shown only now\): (\S+)`).FindStringSubmatch(out.String())
	if m == nil || bytes.Contains(out.Bytes(), []byte("13900003333")) {
		t.Fatalf("output %q: want a password and the phone masked", out.String())
	}
	if err := run(ctx, []string{"courier", "add", "--name", "赵师傅", "--phone", "13900003333"}, envOf(env), &out, &errOut); err == nil {
		t.Error("a second account with the same phone was added")
	}
	env["ZEROVISIT_ADDR"] = "127.0.0.1:0"
	app := NewApp(mustConfig(t, env), discardLogger())
	if err := app.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	login := func() int {
		cl := &courierClient{t: t, base: "http://" + app.Addr()}
		return cl.call(http.MethodPost, "/api/v1/courier/session", "application/json",
			mustJSON(t, map[string]string{"phone": "13900003333", "password": m[1]}), nil)
	}
	if st := login(); st != http.StatusOK {
		t.Fatalf("sign-in with the printed password: %d", st)
	}
	if err := run(ctx, []string{"courier", "disable", "--phone", "13900003333"}, envOf(env), &out, &errOut); err != nil {
		t.Fatalf("courier disable: %v\n%s", err, errOut.String())
	}
	if st := login(); st != http.StatusUnauthorized {
		t.Errorf("sign-in after disable: %d, want 401", st)
	}
}
