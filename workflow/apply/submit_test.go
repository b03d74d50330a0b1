package apply

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

var pdf = "%PDF-1.7 plan"

func TestUpload(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	if err := f.promise(cs, "plan"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Upload(ctx, f.filing(cs), person, "nope", strings.NewReader(pdf))
	refusal(t, err, workflow.ErrInvalidInput, "unknown_material")
	_, err = f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader("just text"))
	refusal(t, err, workflow.ErrUnsupportedType, "unsupported_file_type")
	_, err = f.svc.Upload(ctx, f.filing(cs), person, "licence", strings.NewReader(pdf))
	refusal(t, err, workflow.ErrInvalidInput, "material_held")
	_, err = f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf+strings.Repeat(" ", 64)))
	if !errors.Is(err, ErrUnreadable) || !errors.Is(err, files.ErrTooLarge) {
		t.Errorf("too large a file = %v", err)
	}
	u, err := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf))
	if err != nil || u.By != "p1" || u.ContentType != "application/pdf" {
		t.Fatalf("upload = %+v, %v", u, err)
	}
	app := f.store.apps[cs.ID]
	if am := app.Material("plan"); am.Upload == nil || am.Upload.ID != u.ID || len(app.Promised) != 0 {
		t.Errorf("application = %+v: want the upload attached, the promise withdrawn", app)
	}
	if r := f.store.uploads[u.ID]; r.CaseID != cs.ID || r.Material != "plan" {
		t.Errorf("upload record = %+v", r)
	}
	cs.Status = workflow.StatusClosed
	_, err = f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf))
	refusal(t, err, workflow.ErrConflict, "case_closed")
}

func TestSubmit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	idem := &workflow.IdempotencyRequest{Scope: "s", Key: "k"}
	_, err := f.svc.Submit(ctx, f.filing(cs), person, nil)
	refusal(t, err, workflow.ErrMalformed, "idempotency_key_required")
	_, err = f.svc.Submit(ctx, f.filing(cs), person, idem)
	refusal(t, err, workflow.ErrInvalidInput, "materials_missing")
	if _, err := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Submit(ctx, f.filing(cs), person, idem)
	refusal(t, err, workflow.ErrInvalidInput, "delivery_required")
	if err := f.deliver(cs, workflow.DeliveryElectronic, ""); err != nil {
		t.Fatal(err)
	}
	f.credit.err = errors.New("credit library down")
	if _, err := f.svc.Submit(ctx, f.filing(cs), person, idem); err != nil {
		t.Fatal(err)
	}
	ev := f.cases.events[0].(workflow.Submit)
	if ev.Credit != workflow.CreditUnknown || len(ev.Materials) != 2 || ev.Materials[1].Source != workflow.SourceUpload || ev.Actor.ID != "p1" {
		t.Errorf("submission = %+v: want both materials, an unknown standing", ev)
	}
	if f.credit.asked[0] != "" {
		t.Errorf("credit asked about %q, want the caller's own id number (empty here)", f.credit.asked[0])
	}
}

// TestSubmitRetryAsksNobody: a retried submission is answered from the
// stored answer before the credit library is asked, and the count of
// false commitments is the workflow's, not the applicant service's.
func TestSubmitRetryAsksNobody(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	if _, err := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	if err := f.deliver(cs, workflow.DeliveryElectronic, ""); err != nil {
		t.Fatal(err)
	}
	f.cases.prior = 2
	idem := &workflow.IdempotencyRequest{Scope: "s", Key: "k"}
	if _, err := f.svc.Submit(ctx, f.filing(cs), person, idem); err != nil {
		t.Fatal(err)
	}
	if ev := f.cases.events[0].(workflow.Submit); ev.PriorFalseCommitments != 2 || len(f.credit.asked) != 1 {
		t.Errorf("submission counted %d false commitments after %d credit checks; want the workflow's 2, one check", ev.PriorFalseCommitments, len(f.credit.asked))
	}
	submitted := f.filing(cs)
	submitted.Case.Status = workflow.StatusSubmitted
	again, err := f.svc.Submit(ctx, submitted, person, idem)
	if err != nil || again.Status != workflow.StatusSubmitted || len(f.credit.asked) != 1 || len(f.cases.events) != 1 {
		t.Errorf("retry = %+v, %v after %d credit checks and %d events; want the stored answer, nothing asked", again, err, len(f.credit.asked), len(f.cases.events))
	}
}

func TestSubmitForABusinessAsksAboutTheBusiness(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, f.store.people["b1"]).Case
	if _, err := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	if err := f.deliver(cs, workflow.DeliveryElectronic, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, f.filing(cs), person, &workflow.IdempotencyRequest{Key: "k"}); err != nil {
		t.Fatal(err)
	}
	if ev := f.cases.events[0].(workflow.Submit); f.credit.asked[0] != "91110000MA0000000X" || ev.Credit != workflow.CreditNormal ||
		ev.Actor.ID != "b1" {
		t.Errorf("asked %v, submitted %+v: want the business's standing", f.credit.asked, ev)
	}
}

func TestSubmittedCaseIsAnsweredByTheWorkflow(t *testing.T) {
	f := newFixture(t)
	cs := f.draft(t, person).Case
	cs.Status = workflow.StatusSubmitted
	// Materials are missing, but a submitted case goes to the workflow,
	// which answers from the stored reply (or refuses the transition).
	if _, err := f.svc.Submit(context.Background(), f.filing(cs), person, &workflow.IdempotencyRequest{Key: "k"}); err != nil || len(f.cases.events) != 1 {
		t.Errorf("resubmission = %v, %d events", err, len(f.cases.events))
	}
	if len(f.credit.asked) != 0 {
		t.Errorf("the credit library was asked about an incomplete submission: %v", f.credit.asked)
	}
}

func TestSupplementAndProvide(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cs := f.draft(t, person).Case
	u, _ := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf))
	cs.Status = workflow.StatusSupplementRequested
	_, err := f.svc.Supplement(ctx, cs, strings.Repeat("长", 501), nil, nil)
	refusal(t, err, workflow.ErrInvalidInput, "too_long")
	_, err = f.svc.Supplement(ctx, cs, "", []MaterialRef{{Code: "licence", UploadID: u.ID}}, nil)
	refusal(t, err, workflow.ErrInvalidInput, "upload_not_found")
	if _, err := f.svc.Supplement(ctx, cs, "补正", []MaterialRef{{Code: "plan", UploadID: u.ID}}, nil); err != nil {
		t.Fatal(err)
	}
	if ev := f.cases.events[0].(workflow.SupplySupplement); ev.Materials[0].Ref != u.Key || ev.Note != "补正" {
		t.Errorf("supplement = %+v", ev)
	}
	_, err = f.svc.ProvideMaterial(ctx, cs, "plan", "nope", nil)
	refusal(t, err, workflow.ErrInvalidInput, "upload_not_found")
	_, err = f.svc.Withdraw(ctx, cs, strings.Repeat("长", 501), nil)
	refusal(t, err, workflow.ErrInvalidInput, "too_long")
}

// TestSanctionsFollowTheIdentity: a draft carries the blind index of its
// principal's identity (a business's by its credit code), and the
// submission carries what the credit library holds of the principal's
// false commitments and repairs, nothing of it when the library failed.
func TestSanctionsFollowTheIdentity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.draft(t, f.store.people["p1"])
	f.draft(t, f.store.people["b1"])
	if got := []string{f.cases.drafts[0].SubjectIndex, f.cases.drafts[1].SubjectIndex}; got[0] != "resident_id:110101199003070000" ||
		got[1] != "uscc:91110000MA0000000X" {
		t.Errorf("subject indexes = %q, want the person's resident ID and the business's credit code", got)
	}
	cs := f.draft(t, person).Case
	if _, err := f.svc.Upload(ctx, f.filing(cs), person, "plan", strings.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	if err := f.deliver(cs, workflow.DeliveryElectronic, ""); err != nil {
		t.Fatal(err)
	}
	h := workflow.CreditHistory{FalseCommitments: 1, RepairedAt: t0.Add(-time.Hour)}
	f.credit.history = h
	if _, err := f.svc.Submit(ctx, f.filing(cs), person, &workflow.IdempotencyRequest{Scope: "s", Key: "k1"}); err != nil {
		t.Fatal(err)
	}
	if got := f.cases.events[0].(workflow.Submit).History; got != h {
		t.Errorf("history = %+v, want the library's %+v", got, h)
	}
	f.credit.err = errors.New("credit library down")
	if _, err := f.svc.Submit(ctx, f.filing(cs), person, &workflow.IdempotencyRequest{Scope: "s", Key: "k2"}); err != nil {
		t.Fatal(err)
	}
	if ev := f.cases.events[1].(workflow.Submit); ev.Credit != workflow.CreditUnknown || ev.History != (workflow.CreditHistory{}) {
		t.Errorf("library down: credit %s, history %+v; want unknown and none", ev.Credit, ev.History)
	}
}
