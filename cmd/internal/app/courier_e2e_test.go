package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/courier/kuaidi100"
	"zerovisit/integrations/courier/sf"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
)

// pickupItem is trust first, has its originals collected by courier before
// the decision, and has one original (aqzd) checked at the door.
const pickupItem = "jtysj-pthyjyxk"

// collectOriginals takes a pickup leg through the SF sandbox's pickup push
// and the courier's handover scan, and waits for the case to have them.
func collectOriginals(t *testing.T, app *App, cl *courierClient, caseID string) desk.Leg {
	t.Helper()
	ctx := context.Background()
	pickup := waitLeg(t, app, caseID, desk.KindPickup)
	if got, want := pickup.Provider, sf.Name; got != want {
		t.Fatalf("pickup leg provider = %s, want %s", got, want)
	}
	parcel, ok := app.courier.sandboxes.sf.Parcel(pickup.Waybill)
	if !ok || parcel.Sender.Address != zhangAddress || parcel.Recipient.Company != "杭州市交通运输局" || parcel.PayMethod != sf.PayThirdParty {
		t.Fatalf("SF order = %+v, want from the applicant's address to the department, on the government's account", parcel)
	}
	if rep, err := app.courier.sandboxes.sf.Advance(ctx, pickup.Waybill, sf.OpPickedUp); err != nil || rep.Status != http.StatusOK {
		t.Fatalf("pickup push: %v %d %s", err, rep.Status, rep.Body)
	}
	res := cl.mustScan(desk.ScanRequest{ClientID: scanID("handover"), Waybill: pickup.Waybill, Kind: desk.ScanHandover})
	if res.Status != desk.StatusDelivered || res.Kind != desk.KindPickup {
		t.Fatalf("handover scan = %+v", res)
	}
	eventually(t, 10*time.Second, "the originals at the department", func() bool {
		c, _ := app.svc.Get(ctx, caseID)
		return c.Originals.Received()
	})
	return pickup
}

// deliverWithDoorCheck approves and dispatches the case, moves its delivery
// leg through the Kuaidi100 sandbox's pushes and has the courier check the
// original at the door, passing or failing it.
func deliverWithDoorCheck(t *testing.T, app *App, cl *courierClient, caseID string, pass bool) (desk.Leg, desk.ScanResult, string) {
	t.Helper()
	leg := legAtDoor(t, app, caseID)
	key, sum := cl.photo(leg.ID, 7)
	check := desk.CheckInput{Material: "aqzd", Passed: pass, PhotoKey: key}
	if !pass {
		check.Note = "安全生产管理制度原件与承诺内容不符，缺少车辆动态监控制度"
	}
	res := cl.mustScan(desk.ScanRequest{ClientID: scanID("door"), Waybill: leg.Waybill, Kind: desk.ScanDelivery,
		IDNumber: elicensesb.ZhangSanID, Checks: []desk.CheckInput{check}})
	return leg, res, sum
}

// legAtDoor approves and dispatches the case and moves its delivery leg
// through the Kuaidi100 sandbox's pushes to the applicant's door.
func legAtDoor(t *testing.T, app *App, caseID string) desk.Leg {
	t.Helper()
	ctx := context.Background()
	do(t, app, caseID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}, Opinion: "准予许可"})
	do(t, app, caseID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, caseID, desk.KindDelivery)
	if got, want := leg.Provider, kuaidi100.Name; got != want {
		t.Fatalf("delivery leg provider = %s, want %s", got, want)
	}
	if got, want := strings.Join(leg.Materials, ","), "aqzd"; got != want {
		t.Fatalf("door checklist = %s, want %s", got, want)
	}
	kd := app.courier.sandboxes.kuaidi100
	for _, st := range []string{kuaidi100.StatePickedUp, kuaidi100.StateOutForDelivery} {
		if rep, err := kd.Advance(ctx, leg.Waybill, st); err != nil || rep.Status != http.StatusOK {
			t.Fatalf("push %s: %v %d %s", st, err, rep.Status, rep.Body)
		}
	}
	return leg
}

// TestCourierTrustFirstCaseCloses takes a trust-first case with courier
// pickup (SF) and courier delivery (Kuaidi100) from submission to closed,
// over real HTTP: the sandboxes' signed pushes and the courier's API.
func TestCourierTrustFirstCaseCloses(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	cl := newCourierClient(t, app)
	ctx := context.Background()
	c := submitCourierCase(t, app, "cr-ok", pickupItem, true)
	if got, want := c.Status, workflow.StatusAccepted; got != want || !c.TrustFirst {
		t.Fatalf("submitted case is %s (trust first %v), want accepted on trust", got, c.TrustFirst)
	}
	if _, err := app.svc.Do(ctx, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}}, nil); err == nil {
		t.Fatal("approved before the originals reached the department")
	}
	collectOriginals(t, app, cl, c.ID)

	leg, res, photoSM3 := deliverWithDoorCheck(t, app, cl, c.ID, true)
	if res.Verification != "passed" || res.Status != desk.StatusDelivered || res.ReturnLegID != "" {
		t.Fatalf("door scan = %+v", res)
	}
	c = waitCase(t, app, c.ID, workflow.StatusClosed)
	r, ok := c.Verification.Result("aqzd")
	if !ok || !r.Passed || r.Evidence != "photo:sm3:"+photoSM3 || r.By.Kind != workflow.ActorCourier {
		t.Errorf("verification result = %+v, want passed by the courier with the photo's SM3", r)
	}
	if c.FalseCommitment {
		t.Error("a case that passed its check is marked as a false commitment")
	}
	// The carrier's own "signed" push after our courier's check changes nothing.
	version := c.Version
	if rep, err := app.courier.sandboxes.kuaidi100.Advance(ctx, leg.Waybill, kuaidi100.StateSigned); err != nil || rep.Status != http.StatusOK {
		t.Fatalf("late signed push: %v %d", err, rep.Status)
	}
	if got, _ := app.svc.Get(ctx, c.ID); got.Version != version || got.Status != workflow.StatusClosed {
		t.Errorf("after the late push: %s v%d, want closed v%d", got.Status, got.Version, version)
	}
	// The applicant's contact is sealed at rest and masked in the courier's view.
	var view desk.LegView
	if st := cl.call(http.MethodGet, "/api/v1/courier/legs/"+leg.ID, "", nil, &view); st != http.StatusOK {
		t.Fatalf("leg view: %d", st)
	}
	if view.Party.Phone != "138****5678" || strings.Contains(view.Party.Address, "文三路") || view.Party.Name != "张*" {
		t.Errorf("party in the view = %+v, want masked", view.Party)
	}
	stored, _ := app.courier.store.Leg(ctx, leg.ID)
	if strings.Contains(stored.Party, zhangPhone) || strings.Contains(stored.Party, "文三路") {
		t.Error("the leg stores the applicant's contact in clear")
	}
}

// TestCourierDoorCheckFailureIsReviewed fails the check at the door: the
// case goes to a clerk's review with the courier's evidence (checklist,
// photos, courier, time, place) readable in the console, nothing reaches
// the credit library, and the result goes back to the department on a
// return leg.
func TestCourierDoorCheckFailureIsReviewed(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	cl := newCourierClient(t, app)
	ctx := context.Background()
	c := submitCourierCase(t, app, "cr-fail", pickupItem, true)
	collectOriginals(t, app, cl, c.ID)
	leg, res, _ := deliverWithDoorCheck(t, app, cl, c.ID, false)
	if res.Verification != "failed" || res.ReturnLegID == "" {
		t.Fatalf("door scan = %+v, want failed with a return leg", res)
	}
	c = waitCase(t, app, c.ID, workflow.StatusCommitmentReview)
	if c.FalseCommitment || c.Ending != nil || c.Breach == nil || c.Breach.Kind != workflow.BreachCheckFailed ||
		!strings.HasPrefix(c.Breach.Evidence, "photo:sm3:") {
		t.Fatalf("case under review = false commitment %v, ending %+v, breach %+v", c.FalseCommitment, c.Ending, c.Breach)
	}
	id := addStaff(t, app, "review.clerk", c.Department, staff.RoleClerk)
	token := staffToken(t, app, id, c.Department, staff.RoleClerk)
	code, ev := call(t, app, http.MethodGet, "/api/v1/staff/cases/"+c.ID+"/breach/evidence", token, nil)
	doors, _ := ev["door_checks"].([]any)
	if code != http.StatusOK || len(doors) != 1 {
		t.Fatalf("evidence = %d %v", code, ev)
	}
	door := doors[0].(map[string]any)
	results := door["results"].([]any)
	if door["identity_matched"] != true || door["courier_name"] == "" || door["place"] == "" || len(results) == 0 {
		t.Errorf("door check evidence = %v", door)
	}
	photo := results[0].(map[string]any)["photo_key"].(string)
	req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+"/api/v1/staff/cases/"+c.ID+"/breach/evidence/photos/"+photo, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Errorf("door photo = %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	if code, _ := call(t, app, http.MethodGet, "/api/v1/staff/cases/"+c.ID+"/breach/evidence/photos/"+strings.Repeat("0", 64), token, nil); code != http.StatusNotFound {
		t.Errorf("another key = %d, want 404", code)
	}
	time.Sleep(200 * time.Millisecond)
	for _, r := range app.parties.sandboxes.credit.Records() {
		if r.CaseNumber == c.Number {
			t.Errorf("a false commitment reached the credit library before any review: %+v", r)
		}
	}
	back, err := app.courier.store.Leg(ctx, res.ReturnLegID)
	if err != nil || back.Kind != desk.KindReturn || back.Status != desk.StatusPickedUp || back.Waybill != leg.Waybill || back.ParentID != leg.ID {
		t.Fatalf("return leg = %+v, %v", back, err)
	}
	hand := cl.mustScan(desk.ScanRequest{ClientID: scanID("return"), Waybill: leg.Waybill, Kind: desk.ScanHandover})
	if hand.LegID != back.ID || hand.Status != desk.StatusDelivered {
		t.Errorf("handover of the recovered result = %+v", hand)
	}
}
