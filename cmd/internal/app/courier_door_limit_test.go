package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// otherResidentID is a valid resident ID number that is not the
// applicant's: ZhangSanID's region and birth date with another sequence.
func otherResidentID(seq int) string {
	first := fmt.Sprintf("%s%03d", elicensesb.ZhangSanID[:14], seq%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first[i]-'0') * w
	}
	return first + string("10X98765432"[sum%11])
}

// doorAnswer is a delivery scan's answer as the phone sees it.
type doorAnswer struct {
	status     int
	code       string
	retryAfter string
}

// doorScan posts a delivery scan with idNumber and the leg's photo.
func (cl *courierClient) doorScan(leg desk.Leg, photoKey, idNumber string) doorAnswer {
	cl.t.Helper()
	body := mustJSON(cl.t, desk.ScanRequest{ClientID: scanID("door"), Waybill: leg.Waybill, Kind: desk.ScanDelivery,
		IDNumber: idNumber, Checks: []desk.CheckInput{{Material: "aqzd", Passed: true, PhotoKey: photoKey}}})
	req, err := http.NewRequest(http.MethodPost, cl.base+"/api/v1/courier/scans", bytes.NewReader(body))
	if err != nil {
		cl.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+cl.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cl.t.Error(err)
		return doorAnswer{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e apiErrorBody
	_ = json.Unmarshal(b, &e)
	return doorAnswer{status: resp.StatusCode, code: e.Error.Code, retryAfter: resp.Header.Get("Retry-After")}
}

// doorScansAtOnce sends n delivery scans with wrong ID numbers in parallel.
func doorScansAtOnce(cl *courierClient, leg desk.Leg, photoKey string, n int) map[string]int {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		codes = map[string]int{}
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			a := cl.doorScan(leg, photoKey, otherResidentID(100+i))
			mu.Lock()
			defer mu.Unlock()
			codes[a.code]++
			if a.code == "door_check_rate_limited" && (a.status != http.StatusTooManyRequests || a.retryAfter == "") {
				cl.t.Errorf("rate-limited door check: %d, Retry-After %q, want 429 with Retry-After", a.status, a.retryAfter)
			}
			if secs, err := strconv.Atoi(a.retryAfter); a.retryAfter != "" && (err != nil || secs < 1) {
				cl.t.Errorf("Retry-After = %q", a.retryAfter)
			}
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// openDoorApp runs the courier app on the test stores (PostgreSQL and
// Redis when the environment names them) with env over the settings.
func openDoorApp(t *testing.T, env map[string]string) *App {
	t.Helper()
	all := map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100", "ZEROVISIT_REDIS_URL": os.Getenv("TEST_REDIS_URL")}
	for k, v := range env {
		all[k] = v
	}
	return openCourierApp(t, all)
}

// doorRefusals are the refused door checks recorded on a leg's tracks, by code.
func doorRefusals(t *testing.T, app *App, legID, courierID string) map[string]int {
	t.Helper()
	tracks, err := app.courier.store.Tracks(context.Background(), legID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tr := range tracks {
		if tr.Source == desk.DoorSource {
			if tr.Applied || tr.Actor.Kind != workflow.ActorCourier || tr.Actor.ID != courierID {
				t.Errorf("door refusal track = %+v, want not applied, by the courier", tr)
			}
			out[tr.Code]++
		}
	}
	return out
}

// holderOf returns the courier who holds a leg.
func holderOf(t *testing.T, app *App, leg desk.Leg) string {
	t.Helper()
	l, err := app.courier.store.Leg(context.Background(), leg.ID)
	if err != nil || l.CourierID == "" {
		t.Fatalf("holder of leg %s: %q, %v", leg.ID, l.CourierID, err)
	}
	return l.CourierID
}

// TestCourierDoorCheckLockedPerLeg tries many ID numbers at one door at
// once: only the leg's allowance of them is checked, the rest are refused
// before any check, and then even the right number is refused until the
// office deals with the leg. Every refusal is on the leg's tracks.
func TestCourierDoorCheckLockedPerLeg(t *testing.T) {
	app := openDoorApp(t, map[string]string{"ZEROVISIT_COURIER_DOOR_FAILURES_PER_LEG": "3"})
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-door-leg", pickupItem, true)
	pickup := collectOriginals(t, app, cl, c.ID)
	leg := legAtDoor(t, app, c.ID)
	key, _ := cl.photo(leg.ID, 7)

	codes := doorScansAtOnce(cl, leg, key, 12)
	if codes["identity_mismatch"] != 3 || codes["door_check_locked"] != 9 {
		t.Fatalf("answers to 12 wrong ID numbers at once = %v, want 3 identity_mismatch and 9 door_check_locked", codes)
	}
	if a := cl.doorScan(leg, key, elicensesb.ZhangSanID); a.status != http.StatusLocked || a.code != "door_check_locked" {
		t.Fatalf("the right number after the lock: %d %s, want 423 door_check_locked", a.status, a.code)
	}
	if got, _ := app.courier.store.Leg(context.Background(), leg.ID); got.Door != nil || got.Status == desk.StatusDelivered {
		t.Fatalf("locked leg = %s with door %+v, want not delivered", got.Status, got.Door)
	}
	got := doorRefusals(t, app, leg.ID, holderOf(t, app, pickup))
	if got["identity_mismatch"] != 3 || got["door_check_locked"] != 10 {
		t.Errorf("door refusals on the tracks = %v, want 3 identity_mismatch and 10 door_check_locked", got)
	}
	// Not handed over: the result goes back to the office.
	res := cl.mustScan(desk.ScanRequest{ClientID: scanID("refused"), Waybill: leg.Waybill, Kind: desk.ScanRefused, Note: "身份核验未通过"})
	if res.Status != desk.StatusRefused || res.ReturnLegID == "" {
		t.Errorf("refused scan of the locked leg = %+v, want refused with a return leg", res)
	}
}

// TestCourierDoorCheckRatePerCourier tries ID numbers faster than a
// courier's rate: the checks beyond it are refused with Retry-After,
// before any is compared, and recorded.
func TestCourierDoorCheckRatePerCourier(t *testing.T) {
	app := openDoorApp(t, map[string]string{
		"ZEROVISIT_COURIER_DOOR_FAILURES_PER_LEG": "20",
		"ZEROVISIT_COURIER_DOOR_CHECKS":           "4",
		"ZEROVISIT_COURIER_DOOR_CHECK_WINDOW":     "1h",
	})
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-door-rate", pickupItem, true)
	pickup := collectOriginals(t, app, cl, c.ID)
	leg := legAtDoor(t, app, c.ID)
	key, _ := cl.photo(leg.ID, 7)

	codes := doorScansAtOnce(cl, leg, key, 12)
	if codes["identity_mismatch"] != 4 || codes["door_check_rate_limited"] != 8 {
		t.Fatalf("answers to 12 wrong ID numbers at once = %v, want 4 identity_mismatch and 8 door_check_rate_limited", codes)
	}
	got := doorRefusals(t, app, leg.ID, holderOf(t, app, pickup))
	if got["identity_mismatch"] != 4 || got["door_check_rate_limited"] != 8 {
		t.Errorf("door refusals on the tracks = %v, want 4 identity_mismatch and 8 door_check_rate_limited", got)
	}
}

// TestCourierDoorCheckTakesOnlyTheLegsPhotos checks an original at one
// door with the photo taken at another: the check is refused and the leg
// stays as it was; with the leg's own photo it passes.
func TestCourierDoorCheckTakesOnlyTheLegsPhotos(t *testing.T) {
	app := openDoorApp(t, nil)
	cl := newCourierClient(t, app)
	first := submitCourierCase(t, app, "cr-photo-a", pickupItem, true)
	second := submitCourierCase(t, app, "cr-photo-b", pickupItem, true)
	collectOriginals(t, app, cl, first.ID)
	collectOriginals(t, app, cl, second.ID)
	legA, legB := legAtDoor(t, app, first.ID), legAtDoor(t, app, second.ID)
	keyA, _ := cl.photo(legA.ID, 21)
	before, err := app.courier.store.Leg(context.Background(), legB.ID)
	if err != nil {
		t.Fatal(err)
	}

	if a := cl.doorScan(legB, keyA, elicensesb.ZhangSanID); a.status != http.StatusUnprocessableEntity || a.code != "photo_missing" {
		t.Fatalf("door check of leg B with leg A's photo = %d %s, want 422 photo_missing", a.status, a.code)
	}
	if got, _ := app.courier.store.Leg(context.Background(), legB.ID); got.Door != nil || got.Version != before.Version {
		t.Fatalf("leg B after the refused check: door %+v, v%d (was v%d)", got.Door, got.Version, before.Version)
	}
	keyB, _ := cl.photo(legB.ID, 22)
	if a := cl.doorScan(legB, keyB, elicensesb.ZhangSanID); a.status != http.StatusOK {
		t.Fatalf("door check of leg B with its own photo = %d %s, want 200", a.status, a.code)
	}
}

// TestCourierDoorCheckTakesTheLeg: the first counted door check gives a leg
// nobody held to the courier checking, so a colleague cannot use up its
// checks unseen; the colleague is told the leg is another courier's.
func TestCourierDoorCheckTakesTheLeg(t *testing.T) {
	app := openDoorApp(t, nil)
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-door-take", pickupItem, true)
	collectOriginals(t, app, cl, c.ID)
	leg := legAtDoor(t, app, c.ID)
	if got, _ := app.courier.store.Leg(context.Background(), leg.ID); got.CourierID != "" {
		t.Fatalf("the delivery leg at the door is held by %q already", got.CourierID)
	}
	const pw = "colleague-pass-2025"
	if _, err := app.courier.desk.AddCourier(context.Background(), desk.NewCourier{Name: "王师傅", Phone: "13700001234",
		Company: "顺丰速运", Password: pw}); err != nil {
		t.Fatal(err)
	}
	other := &courierClient{t: t, base: cl.base}
	var out struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if st := other.call(http.MethodPost, "/api/v1/courier/session", "application/json",
		mustJSON(t, map[string]string{"phone": "13700001234", "password": pw}), &out); st != http.StatusOK {
		t.Fatalf("second courier sign-in: %d", st)
	}
	other.token = out.Tokens.AccessToken
	key, _ := other.photo(leg.ID, 11)
	if a := other.doorScan(leg, key, otherResidentID(7)); a.code != "identity_mismatch" {
		t.Fatalf("a wrong number on a leg nobody held = %d %s, want identity_mismatch", a.status, a.code)
	}
	holder := holderOf(t, app, leg)
	if a := cl.doorScan(leg, key, otherResidentID(8)); a.status != http.StatusForbidden || a.code != "leg_of_another_courier" {
		t.Errorf("the first courier after the colleague's check = %d %s, want 403 leg_of_another_courier", a.status, a.code)
	}
	if got := doorRefusals(t, app, leg.ID, holder); got["identity_mismatch"] != 1 {
		t.Errorf("door refusals on the tracks = %v, want the colleague's one", got)
	}
}
