package workflow_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// applyAll applies events in turn and returns the last case and the
// effects of every step.
func applyAll(tb testing.TB, e *workflow.Engine, c workflow.Case, evs ...workflow.Event) (workflow.Case, []workflow.EffectKind) {
	tb.Helper()
	var all []workflow.EffectKind
	for _, ev := range evs {
		next, _, effects, err := e.Apply(c, ev)
		if err != nil {
			tb.Fatalf("apply %s on %s: %v", ev.EventName(), c.Status, err)
		}
		c = next
		all = append(all, kinds(effects)...)
	}
	return c, all
}

func pass(code string) workflow.VerificationResult {
	return workflow.VerificationResult{Material: code, Passed: true, Evidence: "scan-" + code}
}

func TestTrustFirstCourierDeliveryCloses(t *testing.T) {
	e := newEngine(t)
	h := func(n int) time.Time { return at(t, "2025-09-01 09:00").Add(time.Duration(n) * time.Hour) }
	c, effects := applyAll(t, e, newDraft(t, e, "tf", h(0)),
		trustSubmit(t, h(1)),
		payEvent(h(2)),
		workflow.Approve{Meta: meta(clerk, h(3))},
		workflow.Dispatch{Meta: meta(clerk, h(4))},
		workflow.ProvideMaterial{Meta: meta(citizen, h(5)), Material: provided("d")[0]},
		workflow.Deliver{Meta: meta(courier, h(6)), Waybill: "SF1", Results: []workflow.VerificationResult{pass("c")}},
		workflow.Tick{Meta: meta(system, h(6))},
	)
	if got, want := c.Status, workflow.StatusClosed; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	if got, want := c.Version, int64(8); got != want {
		t.Errorf("version = %d, want %d", got, want)
	}
	if c.FalseCommitment || !c.NextTimerAt.IsZero() || c.Card != workflow.CardNone {
		t.Errorf("closed case: false=%v timer=%s card=%q", c.FalseCommitment, c.NextTimerAt, c.Card)
	}
	if got, want := c.Ending.Code, workflow.EndClosed; got != want {
		t.Errorf("ending = %s, want %s", got, want)
	}
	want := k(notify, push, report, // submit, trust first
		notify, issue, report, // approve
		delivery, notify, report, // dispatch
		notify, report, // deliver
		notify, report) // the timer starts the verification: all checked, closed
	if diff := cmp.Diff(want, effects); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
}

func TestSupplementPausesTheClock(t *testing.T) {
	e := newEngine(t)
	ev := withoutPromise(trustSubmit(t, at(t, "2025-09-26 10:00")))
	ev.Signature = signature(at(t, "2025-09-26 09:00"))
	c := mustApply(t, e, newDraft(t, e, "tf", at(t, "2025-09-26 09:00")), ev)
	if got, want := c.Deadline, date(t, "2025-10-10").End(); !got.Equal(want) {
		t.Fatalf("deadline = %s, want %s", got, want)
	}
	c = mustApply(t, e, c, workflow.RequestSupplement{Meta: meta(clerk, at(t, "2025-09-30 15:00")),
		Items: []workflow.SupplementItem{{Material: "b", Reason: "申请书未签字"}}})
	if got, want := c.Supplement.DueAt, date(t, "2025-10-21").End(); !got.Equal(want) {
		t.Errorf("supplement due = %s, want %s (10 working days)", got, want)
	}
	if got, want := c.NextTimerAt, date(t, "2025-10-22").Start(); !got.Equal(want) {
		t.Errorf("next timer = %s, want the end of the correction period %s", got, want)
	}
	if c.SLA.Running() {
		t.Fatal("clock runs while a correction is pending")
	}
	// The old deadline passes during the pause: no card.
	c = mustApply(t, e, c, payEvent(at(t, "2025-10-15 10:00")))
	if got := c.Card; got != workflow.CardNone {
		t.Errorf("card during the pause = %q, want none", got)
	}
	c = mustApply(t, e, c, workflow.SupplySupplement{Meta: meta(citizen, at(t, "2025-10-20 10:00")), Materials: provided("b")})
	// Paused 10-09 to 10-20: nine working days (10-11 is a make-up Saturday).
	if got, want := c.SLA.PausedDays, 9; got != want {
		t.Errorf("paused days = %d, want %d", got, want)
	}
	if got, want := c.Deadline, date(t, "2025-10-22").End(); !got.Equal(want) {
		t.Errorf("deadline = %s, want %s", got, want)
	}
	if got, want := c.NextTimerAt, date(t, "2025-10-21").Start(); !got.Equal(want) {
		t.Errorf("next timer = %s, want the yellow threshold %s (two working days left)", got, want)
	}
}

func TestSupplementOverdueWithdraws(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	ev := withoutPromise(trustSubmit(t, t0))
	c := mustApply(t, e, newDraft(t, e, "tf", t0), ev, payEvent(t0), workflow.RequestSupplement{
		Meta: meta(clerk, t0), Items: []workflow.SupplementItem{{Reason: "请说明经营项目"}},
	})
	if _, _, _, err := e.Apply(c, workflow.Tick{Meta: meta(system, c.Supplement.DueAt)}); !errors.Is(err, workflow.ErrNotDue) {
		t.Errorf("tick at the due second: err = %v, want ErrNotDue", err)
	}
	got, rec, effects, err := e.Apply(c, workflow.Tick{Meta: meta(system, c.Supplement.DueAt.Add(time.Second))})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workflow.StatusWithdrawn || got.Ending.Code != workflow.EndSupplementOverdue {
		t.Errorf("status = %s ending = %+v", got.Status, got.Ending)
	}
	if got, want := rec.Reason, string(workflow.EndSupplementOverdue); got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
	if diff := cmp.Diff(k(notify, workflow.KindRefundFee, push, report), kinds(effects)); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
}

func TestPromiseOverdue(t *testing.T) {
	e := newEngine(t)
	fx := fixtures(t, e)
	due := at(t, "2025-09-11 00:00") // "d" was promised for 2025-09-10
	t.Run("BeforeDecisionTerminates", func(t *testing.T) {
		c := mustApply(t, e, fx[workflow.StatusAccepted], workflow.Tick{Meta: meta(system, due)})
		if c.Status != workflow.StatusWithdrawn || c.Ending.Code != workflow.EndPromiseOverdue || c.FalseCommitment {
			t.Errorf("status = %s ending = %+v false = %v", c.Status, c.Ending, c.FalseCommitment)
		}
	})
	t.Run("ProvidedInTime", func(t *testing.T) {
		c := mustApply(t, e, fx[workflow.StatusApproved], workflow.ProvideMaterial{Meta: meta(citizen, at(t, "2025-09-10 18:00")), Material: provided("d")[0]})
		if !c.NextTimerAt.IsZero() {
			t.Errorf("next timer = %s, want none", c.NextTimerAt)
		}
		if _, _, _, err := e.Apply(c, workflow.Tick{Meta: meta(system, due)}); !errors.Is(err, workflow.ErrNotDue) {
			t.Errorf("tick: err = %v, want ErrNotDue", err)
		}
	})
	t.Run("NotAPromise", func(t *testing.T) {
		_, _, _, err := e.Apply(fx[workflow.StatusApproved], workflow.ProvideMaterial{Meta: meta(citizen, due), Material: provided("c")[0]})
		if !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrInvalidInput", err)
		}
	})
}

func TestCardsAndLateDecision(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	yellow := at(t, "2025-09-05 00:00")
	c, effects := applyAll(t, e, c, workflow.Tick{Meta: meta(system, yellow)})
	if got, want := c.Card, workflow.CardYellow; got != want {
		t.Errorf("card = %q, want %q", got, want)
	}
	if diff := cmp.Diff(k(warn), effects); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	if _, _, _, err := e.Apply(c, workflow.Tick{Meta: meta(system, yellow.Add(time.Minute))}); !errors.Is(err, workflow.ErrNotDue) {
		t.Errorf("second tick: err = %v, want ErrNotDue", err)
	}
	red := at(t, "2025-09-09 00:00")
	c = mustApply(t, e, c, workflow.Tick{Meta: meta(system, red)})
	if got, want := c.Card, workflow.CardRed; got != want {
		t.Errorf("card = %q, want %q", got, want)
	}
	c = mustApply(t, e, c, workflow.Approve{Meta: meta(clerk, red.Add(time.Hour))})
	if !c.SLA.Late || c.Card != workflow.CardNone {
		t.Errorf("late approval: late = %v card = %q", c.SLA.Late, c.Card)
	}
}

func TestVerificationOverdue(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusVerifying]
	c = mustApply(t, e, c, workflow.ProvideMaterial{Meta: meta(citizen, c.UpdatedAt), Material: provided("d")[0]})
	if got, want := c.Verification.DueAt, date(t, "2025-09-08").End(); !got.Equal(want) {
		t.Errorf("verification due = %s, want %s", got, want)
	}
	got, effects := applyAll(t, e, c, workflow.Tick{Meta: meta(system, at(t, "2025-09-09 00:00"))})
	if !got.Verification.Overdue || got.Card != workflow.CardRed || got.Status != workflow.StatusVerifying {
		t.Errorf("overdue = %v card = %q status = %s", got.Verification.Overdue, got.Card, got.Status)
	}
	if diff := cmp.Diff(k(warn), effects); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	if !got.NextTimerAt.IsZero() {
		t.Errorf("next timer = %s, want none", got.NextTimerAt)
	}
	got = mustApply(t, e, got, workflow.RecordVerification{Meta: meta(clerk, at(t, "2025-09-09 10:00")), Results: []workflow.VerificationResult{pass("c")}})
	if got.Status != workflow.StatusClosed || got.Card != workflow.CardNone {
		t.Errorf("status = %s card = %q, want closed without a card", got.Status, got.Card)
	}
}

func TestOrdinaryElectronicClosesOnDispatch(t *testing.T) {
	e := newEngine(t)
	h := func(n int) time.Time { return at(t, "2025-09-01 09:00").Add(time.Duration(n) * time.Hour) }
	c, effects := applyAll(t, e, newDraft(t, e, "ord", h(0)),
		workflow.Submit{Meta: meta(citizen, h(1)), Credit: workflow.CreditNormal,
			Materials: []workflow.ProvidedMaterial{{Code: "sfz", Source: workflow.SourceBaseData, Ref: "identity"}},
			Delivery:  workflow.Delivery{Method: workflow.DeliveryElectronic}},
		workflow.Accept{Meta: meta(clerk, h(2))},
		workflow.Approve{Meta: meta(clerk, h(3))},
		workflow.Dispatch{Meta: meta(workflow.Actor{Kind: workflow.ActorSystem, ID: "issuer"}, h(4))},
	)
	if got, want := c.Status, workflow.StatusClosed; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	want := k(notify, report, // submitted (网上申报 is reported)
		notify, push, report, // accepted
		notify, report, // approved (no result licence)
		notify, notify, report) // result issued, closed
	if diff := cmp.Diff(want, effects); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
}

func TestDispatchNeedsPayment(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusApproved]
	_, _, _, err := e.Apply(c, workflow.Dispatch{Meta: meta(clerk, c.UpdatedAt)})
	var ie *workflow.InputError
	if !errors.As(err, &ie) || ie.Field != "payment" {
		t.Errorf("err = %v, want an InputError on payment", err)
	}
}

func TestPay(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	for _, tc := range []struct {
		name string
		ev   workflow.Pay
		want error
	}{
		{"WrongAmount", workflow.Pay{Meta: meta(system, c.UpdatedAt), Channel: workflow.ChannelAlipay, TradeNo: "a1", AmountFen: 499}, workflow.ErrInvalidInput},
		{"WrongChannel", workflow.Pay{Meta: meta(system, c.UpdatedAt), Channel: workflow.ChannelCounter, TradeNo: "a1", AmountFen: 500}, workflow.ErrInvalidInput},
		{"NoTrade", workflow.Pay{Meta: meta(system, c.UpdatedAt), Channel: workflow.ChannelAlipay, AmountFen: 500}, workflow.ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := e.Apply(c, tc.ev); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("Twice", func(t *testing.T) {
		paid := mustApply(t, e, c, payEvent(c.UpdatedAt))
		if _, _, _, err := e.Apply(paid, payEvent(c.UpdatedAt)); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("err = %v, want ErrDuplicate", err)
		}
		_, _, effects, err := e.Apply(paid, workflow.Withdraw{Meta: meta(citizen, c.UpdatedAt)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(k(notify, workflow.KindRefundFee, push, report), kinds(effects)); diff != "" {
			t.Errorf("withdraw effects (-want +got):\n%s", diff)
		}
	})
}

func TestRejectNeedsReasonAndBasis(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	for _, ev := range []workflow.Reject{
		{Meta: meta(clerk, c.UpdatedAt), LegalBasis: "《中华人民共和国行政许可法》第三十八条"},
		{Meta: meta(clerk, c.UpdatedAt), Reason: "不符合条件"},
	} {
		if _, _, _, err := e.Apply(c, ev); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("reject %+v: err = %v, want ErrInvalidInput", ev, err)
		}
	}
	_, rec, _, err := e.Apply(c, workflow.Reject{Meta: meta(clerk, c.UpdatedAt), Reason: "不符合条件", LegalBasis: "《中华人民共和国行政许可法》第三十八条"})
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(rec.Data, &data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"reason": "不符合条件", "legal_basis": "《中华人民共和国行政许可法》第三十八条"}, data); diff != "" {
		t.Errorf("record data (-want +got):\n%s", diff)
	}
}

func TestRecordVerificationRefusesUnlistedMaterial(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusVerifying]
	for _, r := range []workflow.VerificationResult{pass("b"), {Material: "c", Passed: false}} {
		if _, _, _, err := e.Apply(c, workflow.RecordVerification{Meta: meta(clerk, c.UpdatedAt), Results: []workflow.VerificationResult{r}}); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("result %+v: err = %v, want ErrInvalidInput", r, err)
		}
	}
}

// TestIssueLicenceCarriesTheDepartment: the licence effect names the
// department whose key signs it, so its runner need not read the case.
func TestIssueLicenceCarriesTheDepartment(t *testing.T) {
	e := newEngine(t)
	h := func(n int) time.Time { return at(t, "2025-09-01 09:00").Add(time.Duration(n) * time.Hour) }
	c, _ := applyAll(t, e, newDraft(t, e, "tf", h(0)), trustSubmit(t, h(1)), payEvent(h(2)))
	_, _, effects, err := e.Apply(c, workflow.Approve{Meta: meta(clerk, h(3))})
	if err != nil {
		t.Fatal(err)
	}
	for _, eff := range effects {
		if issue, ok := eff.(workflow.IssueLicence); ok {
			if issue.Department == "" || issue.Department != c.Department {
				t.Errorf("IssueLicence department = %q, want the case's %q", issue.Department, c.Department)
			}
			return
		}
	}
	t.Fatalf("approval effects %v have no IssueLicence", kinds(effects))
}
