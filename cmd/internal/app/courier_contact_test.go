package app

import (
	"context"
	"net/http"
	"testing"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// TestCourierContactOnlyWhileHeld reads the applicant's full contact: it
// is refused before the courier holds the leg, to another courier and
// after the leg ended; while the leg is the courier's and active it is
// given in full, not cached, and each reading is on the leg's tracks.
func TestCourierContactOnlyWhileHeld(t *testing.T) {
	ctx := context.Background()
	app := openCourierApp(t, nil)
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-contact", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)
	path := "/api/v1/courier/legs/" + leg.ID + "/contact"

	var e apiErrorBody
	if st := cl.call(http.MethodGet, path, "", nil, &e); st != http.StatusForbidden || e.Error.Code != "leg_not_held" {
		t.Fatalf("contact before pickup = %d %s, want 403 leg_not_held", st, e.Error.Code)
	}
	cl.mustScan(desk.ScanRequest{ClientID: scanID("contact-pickup"), Waybill: leg.Waybill, Kind: desk.ScanPickup})

	var got desk.LegContact
	if st := cl.call(http.MethodGet, path, "", nil, &got); st != http.StatusOK {
		t.Fatalf("contact of a held leg = %d", st)
	}
	if got.Name != "张三" || got.Phone != zhangPhone || got.Address != zhangAddress || got.LegID != leg.ID {
		t.Errorf("contact = %+v, want the applicant's in full", got)
	}
	req, _ := http.NewRequest(http.MethodGet, cl.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+cl.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}

	// The list still masks it.
	var view desk.LegView
	if st := cl.call(http.MethodGet, "/api/v1/courier/legs/"+leg.ID, "", nil, &view); st != http.StatusOK || view.Party.Phone != "138****5678" {
		t.Errorf("leg view = %d %+v, want the party masked", st, view.Party)
	}

	// Another courier reads nothing.
	if _, err := app.courier.desk.AddCourier(ctx, desk.NewCourier{Name: "王师傅", Phone: "13900005555", Password: "another-secret-5"}); err != nil {
		t.Fatal(err)
	}
	other := &courierClient{t: t, base: cl.base}
	var login struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	other.call(http.MethodPost, "/api/v1/courier/session", "application/json", mustJSON(t, map[string]string{"phone": "13900005555", "password": "another-secret-5"}), &login)
	other.token = login.Tokens.AccessToken
	e = apiErrorBody{}
	if st := other.call(http.MethodGet, path, "", nil, &e); st != http.StatusNotFound {
		t.Errorf("another courier's reading = %d %s, want 404", st, e.Error.Code)
	}

	// Each reading is recorded on the leg, by whom.
	tracks, err := app.courier.store.Tracks(ctx, leg.ID)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, tr := range tracks {
		if tr.Source == desk.ContactSource {
			reads++
			if tr.Actor.Kind != workflow.ActorCourier || tr.Actor.ID == "" || tr.Code != "contact_read" {
				t.Errorf("reading on the tracks = %+v", tr)
			}
		}
	}
	if reads != 2 {
		t.Errorf("readings on the tracks = %d, want 2", reads)
	}

	// Once delivered, the contact is closed again.
	key, _ := cl.photo(leg.ID, 31)
	key2, _ := cl.photo(leg.ID, 32)
	cl.mustScan(desk.ScanRequest{ClientID: scanID("contact-door"), Waybill: leg.Waybill, Kind: desk.ScanDelivery, IDNumber: elicensesb.ZhangSanID,
		Checks: []desk.CheckInput{{Material: "pmbjt", Passed: true, PhotoKey: key}, {Material: "sbssqd", Passed: true, PhotoKey: key2}}})
	e = apiErrorBody{}
	if st := cl.call(http.MethodGet, path, "", nil, &e); st != http.StatusConflict || e.Error.Code != "leg_finished" {
		t.Errorf("contact after delivery = %d %s, want 409 leg_finished", st, e.Error.Code)
	}
}
