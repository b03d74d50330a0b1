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
	if f.store.appReads != 0 {
		t.Errorf("the application of a case just opened was read %d times, want none", f.store.appReads)
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

// TestCreateDraftKeepsTheFirstApplication: a retry answered with the case
// of its first request keeps that case's application and asks for no
// pre-fill; when the first request stored none, the retry stores it.
func TestCreateDraftKeepsTheFirstApplication(t *testing.T) {
	f := newFixture(t)
	f.cases.answered["k1"] = workflow.Case{ID: "c-first", ItemCode: item.Code, ApplicantID: "p1", Status: workflow.StatusDraft}
	f.store.apps["c-first"] = Application{CaseID: "c-first", PersonID: "p1", Materials: []Material{{Code: "plan", Note: "first"}}}
	asked := 0
	prefill := func(context.Context) []Material { asked++; return []Material{{Code: "plan", Note: "prefilled"}} }
	idem := &workflow.IdempotencyRequest{Scope: "s", Key: "k1"}
	d, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person,
		Prefill: prefill, Idem: idem})
	if err != nil || asked != 0 || d.Application.Materials[0].Note != "first" || f.index.numbers != 0 {
		t.Errorf("retried draft = %+v, %v, prefill asked %d times, %d numbers taken", d.Application, err, asked, f.index.numbers)
	}
	f.cases.answered["k2"] = workflow.Case{ID: "c-bare", ItemCode: item.Code, ApplicantID: "p1", Status: workflow.StatusDraft}
	d, err = f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person,
		Prefill: prefill, Idem: &workflow.IdempotencyRequest{Scope: "s", Key: "k2"}})
	if err != nil || asked != 1 || f.store.apps["c-bare"].Materials[0].Note != "prefilled" || d.Case.ID != "c-bare" {
		t.Errorf("retry of a draft without application = %+v, %v, prefill asked %d times", d.Application, err, asked)
	}
}

func TestTooManyDrafts(t *testing.T) {
	f := newFixture(t)
	f.index.drafts = maxOpenDrafts
	_, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person, Prefill: prefilled})
	refusal(t, err, workflow.ErrConflict, "too_many_drafts")
	if len(f.cases.drafts) != 0 || f.index.numbers != 0 {
		t.Errorf("a refused draft opened %d cases and took %d numbers", len(f.cases.drafts), f.index.numbers)
	}
	f.cases.answered["k1"] = workflow.Case{ID: "c-first", ItemCode: item.Code, ApplicantID: "p1", Status: workflow.StatusDraft}
	idem := &workflow.IdempotencyRequest{Scope: "s", Key: "k1"}
	if _, err := f.svc.CreateDraft(context.Background(), NewDraft{Item: item, Account: account, Person: person, Principal: person,
		Prefill: prefilled, Idem: idem}); err != nil {
		t.Errorf("a replayed request was held to the limit: %v", err)
	}
}

// TestFiling reads a case with its application once, for its applicant
// or an agent of the business applying, and for nobody else.
func TestFiling(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	own := f.draft(t, person).Case
	biz := f.draft(t, citizen.Citizen{ID: "b1", Kind: citizen.KindBusiness}).Case
	f.index.cases["counter"] = workflow.Case{ID: "counter", ItemCode: item.Code, ApplicantID: "p1", Status: workflow.StatusSubmitted}
	f.index.cases["hers"] = workflow.Case{ID: "hers", ItemCode: item.Code, ApplicantID: "p2", Status: workflow.StatusDraft}
	caller := citizen.Caller{Account: account, Citizen: person}
	for _, cs := range []workflow.Case{own, biz} {
		reads := f.index.reads
		fl, err := f.svc.Filing(ctx, caller, cs.ID)
		if err != nil || fl.Case.ID != cs.ID || !fl.HasApplication || fl.Application.CaseID != cs.ID || f.index.reads != reads+1 {
			t.Errorf("Filing(%s) = %+v, %v after %d reads; want the case and its application in one", cs.ID, fl, err, f.index.reads-reads)
		}
	}
	for _, id := range []string{"hers", "missing"} {
		_, err := f.svc.Filing(ctx, caller, id)
		refusal(t, err, workflow.ErrNotFound, "case_not_found")
	}
	fl, err := f.svc.Filing(ctx, caller, "counter")
	if err != nil || fl.HasApplication {
		t.Fatalf("a case without application = %+v, %v", fl, err)
	}
	_, err = f.svc.Application(ctx, fl)
	refusal(t, err, workflow.ErrNotFound, "application_not_found")
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
		"BadVersion": {func() error {
			_, err := f.svc.Sign(ctx, f.filing(cs), citizen.Caller{Account: account, Citizen: person}, "", hash)
			return err
		}(), "invalid_commitment"},
		"OtherText": {func() error {
			_, err := f.svc.Sign(ctx, f.filing(cs), citizen.Caller{Account: account, Citizen: person}, "v1", strings.Repeat("b", 64))
			return err
		}(), "commitment_text_mismatch"},
		"CoreMaterial":    {f.promise(cs, "licence"), "core_material"},
		"UnknownMaterial": {f.promise(cs, "nope"), "unknown_material"},
		"NotOffered":      {f.deliver(cs, workflow.DeliveryPickup, ""), "delivery_not_offered"},
		"NoAddress":       {f.deliver(cs, workflow.DeliveryCourier, ""), "address_required"},
		"UnknownAddress":  {f.deliver(cs, workflow.DeliveryCourier, "addr9"), "address_not_found"},
	} {
		t.Run(name, func(t *testing.T) { refusal(t, tc.err, workflow.ErrInvalidInput, tc.code) })
	}
	d, err := f.svc.Sign(ctx, f.filing(cs), citizen.Caller{Account: account, Citizen: person}, "v1", hash)
	if err != nil || d.Application.Signature == nil || !d.Application.Signature.SignedAt.Equal(t0) {
		t.Fatalf("signed = %+v, %v", d.Application.Signature, err)
	}
	if err := f.promise(cs, "plan"); err != nil {
		t.Fatal(err)
	}
	reads := f.store.bookReads
	d, err = f.svc.Deliver(ctx, f.filing(cs), person, workflow.DeliveryCourier, "addr1")
	if err != nil || !d.Ready || d.Address != "北京市东城区****（张* 138****8000）" {
		t.Errorf("delivered = %+v, %v: want ready, the address masked", d, err)
	}
	if f.store.bookReads != reads+1 {
		t.Errorf("the address was read %d times, want once for the check and the answer", f.store.bookReads-reads)
	}
	if d, err := f.svc.Application(ctx, f.filing(cs)); err != nil || d.Address == "" || f.store.bookReads != reads+2 {
		t.Errorf("application = %+v, %v: want the masked address read from the book", d, err)
	}
	closed := cs
	closed.Status = workflow.StatusSubmitted
	refusal(t, f.promise(closed, "plan"), workflow.ErrConflict, "not_a_draft")
}

// TestEditOfAStaleFiling: an edit made on an application read before
// another save is applied again to the application as saved.
func TestEditOfAStaleFiling(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	stale := f.filing(cs)
	if _, err := f.svc.Sign(ctx, f.filing(cs), citizen.Caller{Account: account, Citizen: person}, "v1", strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.Deliver(ctx, stale, person, workflow.DeliveryElectronic, "")
	if err != nil || f.store.stale != 1 || d.Application.Signature == nil || d.Application.Delivery == nil {
		t.Errorf("delivered on a stale read = %+v, %v (%d stale saves); want the signature kept and the delivery added", d.Application, err, f.store.stale)
	}
	if stale.Application.Delivery != nil {
		t.Errorf("the caller's read was changed: %+v", stale.Application)
	}
}

func (f *fixture) promise(cs workflow.Case, code string) error {
	_, err := f.svc.Promise(context.Background(), f.filing(cs), []workflow.PromisedMaterial{{Code: code, Due: workflow.Date{Year: 2025, Month: 9, Day: 20}}})
	return err
}

func (f *fixture) deliver(cs workflow.Case, m workflow.DeliveryMethod, addr string) error {
	_, err := f.svc.Deliver(context.Background(), f.filing(cs), person, m, addr)
	return err
}
