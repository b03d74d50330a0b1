package apply

import (
	"context"
	"strings"
	"testing"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

func TestCreateDraft(t *testing.T) {
	f := newFixture(t)
	d := f.draft(t, person)
	if wd := f.cases.drafts[0]; wd.ApplicantType != workflow.ApplicantPerson || wd.Number != "N1" || wd.Actor.ID != "p1" {
		t.Errorf("draft = %+v", wd)
	}
	if strings.Join(d.Missing, ",") != "plan" || d.Ready {
		t.Errorf("missing = %v, ready %v: want the plan (the licence is held, health optional)", d.Missing, d.Ready)
	}
	business := citizen.Citizen{ID: "b1", Kind: citizen.KindBusiness}
	f.draft(t, business)
	if wd := f.cases.drafts[1]; wd.ApplicantType != workflow.ApplicantBusiness || wd.ApplicantID != "b1" {
		t.Errorf("a business's draft = %+v", wd)
	}
	if app := f.store.apps[f.cases.drafts[1].ID]; app.PrincipalID != "b1" || app.PersonID != "p1" {
		t.Errorf("application = %+v, want the business applying through the person", app)
	}
}

func TestCreateDraftKeepsTheFirstApplication(t *testing.T) {
	f := newFixture(t)
	f.store.apps["id1"] = Application{CaseID: "id1", PersonID: "p1", Materials: []Material{{Code: "plan", Note: "first"}}}
	asked := 0
	d, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person,
		Prefill: func(context.Context) []Material { asked++; return nil }})
	if err != nil || asked != 0 || d.Application.Materials[0].Note != "first" {
		t.Errorf("retried draft = %+v, %v, prefill asked %d times", d.Application, err, asked)
	}
}

func TestTooManyDrafts(t *testing.T) {
	f := newFixture(t)
	f.index.drafts = maxOpenDrafts
	_, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person, Prefill: prefilled})
	refusal(t, err, workflow.ErrConflict, "too_many_drafts")
	f.index.answered["k1"] = true
	idem := &workflow.IdempotencyRequest{Scope: "s", Key: "k1"}
	if _, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person,
		Prefill: prefilled, Idem: idem}); err != nil {
		t.Errorf("a replayed request was held to the limit: %v", err)
	}
}

func TestEditsOfADraft(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	hash := strings.Repeat("a", 64)
	for name, tc := range map[string]struct {
		err  error
		code string
	}{
		"BadVersion":      {func() error { _, err := f.svc.Sign(ctx, cs, account, "", hash); return err }(), "invalid_commitment"},
		"OtherText":       {func() error { _, err := f.svc.Sign(ctx, cs, account, "v1", strings.Repeat("b", 64)); return err }(), "commitment_text_mismatch"},
		"CoreMaterial":    {f.promise(cs, "licence"), "core_material"},
		"UnknownMaterial": {f.promise(cs, "nope"), "unknown_material"},
		"NotOffered":      {f.deliver(cs, workflow.DeliveryPickup, ""), "delivery_not_offered"},
		"NoAddress":       {f.deliver(cs, workflow.DeliveryCourier, ""), "address_required"},
		"UnknownAddress":  {f.deliver(cs, workflow.DeliveryCourier, "addr9"), "address_not_found"},
	} {
		t.Run(name, func(t *testing.T) { refusal(t, tc.err, workflow.ErrInvalidInput, tc.code) })
	}
	d, err := f.svc.Sign(ctx, cs, account, "v1", hash)
	if err != nil || d.Application.Signature == nil || !d.Application.Signature.SignedAt.Equal(t0) {
		t.Fatalf("signed = %+v, %v", d.Application.Signature, err)
	}
	if err := f.promise(cs, "plan"); err != nil {
		t.Fatal(err)
	}
	d, err = f.svc.Deliver(ctx, cs, person, workflow.DeliveryCourier, "addr1")
	if err != nil || !d.Ready || d.Address != "北京市东城区****（张* 138****8000）" {
		t.Errorf("delivered = %+v, %v: want ready, the address masked", d, err)
	}
	cs.Status = workflow.StatusSubmitted
	refusal(t, f.promise(cs, "plan"), workflow.ErrConflict, "not_a_draft")
}

func (f *fixture) promise(cs workflow.Case, code string) error {
	_, err := f.svc.Promise(context.Background(), cs, []workflow.PromisedMaterial{{Code: code, Due: workflow.Date{Year: 2025, Month: 9, Day: 20}}})
	return err
}

func (f *fixture) deliver(cs workflow.Case, m workflow.DeliveryMethod, addr string) error {
	_, err := f.svc.Deliver(context.Background(), cs, person, m, addr)
	return err
}
