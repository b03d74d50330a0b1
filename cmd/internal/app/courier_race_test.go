package app

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// TestCourierScanRaceOneHolder has two couriers scan the same unclaimed leg
// at once: one takes it, the other is refused, also when the refusal is
// only visible after a lost race inside the move.
func TestCourierScanRaceOneHolder(t *testing.T) {
	app := openCourierApp(t, nil)
	first := newCourierClient(t, app)
	if _, err := app.courier.desk.AddCourier(context.Background(), desk.NewCourier{Name: "王师傅", Phone: "13900003333", Password: "another-secret-2"}); err != nil {
		t.Fatal(err)
	}
	second := &courierClient{t: t, base: first.base}
	var login struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if st := second.call(http.MethodPost, "/api/v1/courier/session", "application/json",
		mustJSON(t, map[string]string{"phone": "13900003333", "password": "another-secret-2"}), &login); st != http.StatusOK {
		t.Fatalf("second courier sign-in: %d", st)
	}
	second.token = login.Tokens.AccessToken

	for round := range 5 {
		id := "cr-race-" + string(rune('a'+round))
		c := submitCourierCase(t, app, id, "scjgj-spjyxk", true)
		do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
		do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
		leg := waitLeg(t, app, c.ID, desk.KindDelivery)

		statuses := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, cl := range []*courierClient{first, second} {
			wg.Go(func() {
				<-start
				statuses[i], _, _ = cl.scan(desk.ScanRequest{ClientID: scanID("race"), Waybill: leg.Waybill, Kind: desk.ScanPickup})
			})
		}
		close(start)
		wg.Wait()
		ok, refused := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusOK:
				ok++
			case http.StatusForbidden:
				refused++
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: scan statuses %v, want one 200 and one 403", round, statuses)
		}
	}
}

// TestCourierSeesOnlyTheirProvidersLegs: a courier bound to one provider
// neither lists nor takes another provider's unassigned legs.
func TestCourierSeesOnlyTheirProvidersLegs(t *testing.T) {
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-prov", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)
	other := "kuaidi100"
	if leg.Provider == other {
		other = "sf"
	}
	if _, err := app.courier.desk.AddCourier(context.Background(), desk.NewCourier{Name: "赵师傅", Phone: "13900004444", Provider: other, Password: "another-secret-3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.courier.desk.AddCourier(context.Background(), desk.NewCourier{Name: "钱师傅", Phone: "13900005555", Provider: "顺丰", Password: "another-secret-4"}); err == nil {
		t.Error("an account with a malformed provider was added")
	}
	cl := &courierClient{t: t, base: "http://" + app.Addr()}
	var login struct {
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if st := cl.call(http.MethodPost, "/api/v1/courier/session", "application/json",
		mustJSON(t, map[string]string{"phone": "13900004444", "password": "another-secret-3"}), &login); st != http.StatusOK {
		t.Fatalf("sign-in: %d", st)
	}
	cl.token = login.Tokens.AccessToken
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if st := cl.call(http.MethodGet, "/api/v1/courier/legs", "", nil, &page); st != http.StatusOK {
		t.Fatalf("list legs: %d", st)
	}
	for _, l := range page.Items {
		if l.ID == leg.ID {
			t.Errorf("a %s courier lists the %s leg %s", other, leg.Provider, leg.ID)
		}
	}
	// The leg's own provider's courier does see it.
	mine := newCourierClient(t, app)
	if st := mine.call(http.MethodGet, "/api/v1/courier/legs", "", nil, &page); st != http.StatusOK || len(page.Items) == 0 {
		t.Fatalf("the default courier's legs: %d %v", st, page.Items)
	}
	if st, _, e := cl.scan(desk.ScanRequest{ClientID: scanID("prov"), Waybill: leg.Waybill, Kind: desk.ScanPickup}); st != http.StatusForbidden || e.Error.Code != "leg_of_another_provider" {
		t.Errorf("scan of another provider's leg = %d %s, want 403 leg_of_another_provider", st, e.Error.Code)
	}
}
