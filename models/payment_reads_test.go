package models_test

import (
	"errors"
	"testing"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// TestCaseAndOrders reads a case with its payment orders, oldest first, in
// one statement; none for a case without orders, ErrNotFound for no case.
func TestCaseAndOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo, p := models.NewRepo(db), models.NewPayments(db)
		c := newCase("co-1")
		mustCreate(t, repo, c)
		got, orders, err := p.CaseAndOrders(ctx, c.ID)
		if err != nil || got.ID != c.ID || got.Version != 1 || len(orders) != 0 {
			t.Fatalf("case without orders = %s, %d orders (%v)", got.ID, len(orders), err)
		}
		for _, no := range []string{"ZVP2", "ZVP1"} {
			if _, err := p.Create(ctx, models.PaymentOrder{OutTradeNo: no, CaseID: c.ID, PrincipalID: c.ApplicantID,
				Channel: workflow.ChannelWeChat, AmountFen: 1000, Payer: "o-1"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.SetPrepay(ctx, "ZVP1", `{"prepay_id":"P1"}`, ""); err != nil {
			t.Fatal(err)
		}
		got, orders, err = p.CaseAndOrders(ctx, c.ID)
		if err != nil || got.ID != c.ID || len(orders) != 2 {
			t.Fatalf("case with orders = %s, %d orders (%v)", got.ID, len(orders), err)
		}
		want, err := p.Get(ctx, "ZVP1")
		if err != nil {
			t.Fatal(err)
		}
		byNo := map[string]models.PaymentOrder{orders[0].OutTradeNo: orders[0], orders[1].OutTradeNo: orders[1]}
		if o := byNo["ZVP1"]; o.Prepay != want.Prepay || o.AmountFen != 1000 || o.Status != models.PaymentCreated ||
			o.Channel != workflow.ChannelWeChat || !o.CreatedAt.Equal(want.CreatedAt) || !o.PaidAt.IsZero() {
			t.Errorf("order = %+v, want %+v", o, want)
		}
		if orders[1].CreatedAt.Before(orders[0].CreatedAt) {
			t.Errorf("orders out of order: %s before %s", orders[0].CreatedAt, orders[1].CreatedAt)
		}
		if _, _, err := p.CaseAndOrders(ctx, "nope"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("no case: err = %v, want ErrNotFound", err)
		}
	})
}
