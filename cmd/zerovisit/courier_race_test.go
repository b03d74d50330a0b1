package main

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"zerovisit/integrations/courier/desk"
	"zerovisit/workflow"
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
