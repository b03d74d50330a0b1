package workflow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// failedAtDoor is the verifying fixture with "d" handed in and a failed
// check of "c" by the courier: under review.
func failedAtDoor(t *testing.T, e *workflow.Engine) workflow.Case {
	t.Helper()
	c := fixtures(t, e)[workflow.StatusVerifying]
	c = mustApply(t, e, c, workflow.ProvideMaterial{Meta: meta(citizen, c.UpdatedAt.Add(time.Minute)), Material: provided("d")[0]})
	got, rec, effects, err := e.Apply(c, workflow.RecordVerification{
		Meta:    meta(courier, c.UpdatedAt.Add(time.Hour)),
		Results: []workflow.VerificationResult{{Material: "c", Passed: false, Note: "平面布局图与现场不符", Evidence: "photo:sm3:ab12"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workflow.StatusCommitmentReview || got.FalseCommitment || got.Ending != nil {
		t.Fatalf("status = %s false commitment = %v ending = %+v, want under review", got.Status, got.FalseCommitment, got.Ending)
	}
	if got, want := rec.Reason, string(workflow.BreachCheckFailed); got != want {
		t.Errorf("record reason = %q, want %q", got, want)
	}
	if diff := cmp.Diff(k(notify, report), kinds(effects)); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	b := got.Breach
	if b == nil || b.Kind != workflow.BreachCheckFailed || b.Material != "c" || b.Evidence != "photo:sm3:ab12" ||
		b.FoundBy != courier || b.Note != "平面布局图与现场不符" {
		t.Fatalf("breach = %+v", b)
	}
	return got
}

func TestFailedCheckIsReviewedNotRevoked(t *testing.T) {
	e := newEngine(t)
	c := failedAtDoor(t, e)
	next := c.UpdatedAt.Add(time.Hour)
	// Nobody revokes straight away: not a clerk or a reviewer without a
	// rectification period, not a courier, not the timer.
	revoke := workflow.DecideBreach{Meta: meta(reviewer, next), Outcome: workflow.OutcomeRevoked, Reason: "承诺不实",
		LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: true}
	for _, a := range []workflow.Actor{reviewer, courier} {
		revoke.Actor = a
		if _, _, _, err := e.Apply(c, revoke); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("%s revoking under review: err = %v, want ErrInvalidTransition", a.Kind, err)
		}
	}
	// The clerk's review clock: five working days, yellow two before, then
	// red with a warning to supervisors.
	if got, want := c.Breach.Clock.Deadline, c.UpdatedAt; !got.After(want) {
		t.Fatalf("review deadline %s not after %s", got, want)
	}
	late := mustApply(t, e, c, workflow.Tick{Meta: meta(system, c.Breach.Clock.Deadline.Add(time.Hour))})
	if late.Status != workflow.StatusCommitmentReview || late.Card != workflow.CardRed {
		t.Errorf("after the review deadline: status %s card %q, want red under review", late.Status, late.Card)
	}
}

func TestRectificationThenRevocationRecordsFalseCommitment(t *testing.T) {
	e := newEngine(t)
	c := failedAtDoor(t, e)
	t0 := c.UpdatedAt.Add(time.Hour)
	for _, days := range []int{0, 31} {
		ev := rectify(t0)
		ev.Days = days
		if _, _, _, err := e.Apply(c, ev); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("%d days: err = %v, want ErrInvalidInput", days, err)
		}
	}
	ev := rectify(t0)
	ev.LegalBasis = ""
	if _, _, _, err := e.Apply(c, ev); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("no legal basis: err = %v, want ErrInvalidInput", err)
	}
	c, _, effects, err := e.Apply(c, rectify(t0))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Breach.Rectification
	if c.Status != workflow.StatusRectifying || r == nil || r.Days != 5 || r.OrderedBy != clerk {
		t.Fatalf("status %s rectification %+v", c.Status, r)
	}
	if !r.DueAt.Equal(e.Calendar().AddWorkingDays(t0, 5)) {
		t.Errorf("due %s, want 5 working days after %s", r.DueAt, t0)
	}
	if diff := cmp.Diff(k(notify, report), kinds(effects)); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	// The applicant states their case; someone else may not.
	st := workflow.StateCase{Meta: meta(citizen, t0.Add(time.Hour)), Text: "图纸为旧版，现提交新版",
		Attachments: []workflow.ProvidedMaterial{{Code: "c", Source: workflow.SourceUpload, Ref: "sha256:1"}}}
	other := st
	other.Actor = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u2"}
	if _, _, _, err := e.Apply(c, other); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("another citizen's statement: err = %v, want ErrForbidden", err)
	}
	c = mustApply(t, e, c, st)
	if got := c.Breach.Rectification.Statements; len(got) != 1 || got[0].Text != st.Text {
		t.Fatalf("statements = %+v", got)
	}
	// No revocation inside the period.
	revoke := workflow.DecideBreach{Meta: meta(reviewer, t0.Add(2*time.Hour)), Outcome: workflow.OutcomeRevoked, Reason: "整改后仍不符合",
		LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: true}
	if _, _, _, err := e.Apply(c, revoke); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("revoke inside the period: err = %v, want ErrInvalidInput", err)
	}
	// After it: the applicant can no longer state, the clerk revokes.
	after := r.DueAt.Add(time.Hour)
	if _, _, _, err := e.Apply(c, workflow.StateCase{Meta: meta(citizen, after), Text: "补充"}); !errors.Is(err, workflow.ErrInvalidTransition) {
		t.Errorf("statement after the period: err = %v, want ErrInvalidTransition", err)
	}
	// A final statement of the applicant lets a reviewer decide inside the
	// period, and ends the statements; a clerk's record of a statement
	// made at the counter does not, and the clerk who pursued the case
	// never revokes it.
	byClerk := mustApply(t, e, c, workflow.StateCase{Meta: meta(clerk, t0.Add(3*time.Hour)), Text: "申请人当面表示无法整改", Final: true})
	early := revoke
	early.At = t0.Add(4 * time.Hour)
	if _, _, _, err := e.Apply(byClerk, early); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("revoke inside the period on a clerk's record: err = %v, want ErrInvalidInput", err)
	}
	final := mustApply(t, e, c, workflow.StateCase{Meta: meta(citizen, t0.Add(3*time.Hour)), Text: "无法整改，陈述申辩完毕", Final: true})
	if _, _, _, err := e.Apply(final, workflow.StateCase{Meta: meta(citizen, t0.Add(4*time.Hour)), Text: "补充"}); !errors.Is(err, workflow.ErrInvalidTransition) {
		t.Errorf("statement after a final one: err = %v, want ErrInvalidTransition", err)
	}
	if got := mustApply(t, e, final, early); got.Status != workflow.StatusRevoked {
		t.Errorf("revoke after a final statement: %s", got.Status)
	}
	self := early
	self.Actor = clerk
	if _, _, _, err := e.Apply(final, self); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("the ordering clerk revokes: err = %v, want ErrForbidden", err)
	}
	revoke.At = after
	got, rec, effects, err := e.Apply(c, revoke)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workflow.StatusRevoked || !got.FalseCommitment || got.Ending.Code != workflow.EndVerificationFailed {
		t.Fatalf("status %s false %v ending %+v", got.Status, got.FalseCommitment, got.Ending)
	}
	if rec.Actor != reviewer || got.Breach.Outcome != workflow.OutcomeRevoked || got.Breach.SettledBy != reviewer {
		t.Errorf("record actor %v breach %+v", rec.Actor, got.Breach)
	}
	if diff := cmp.Diff(k(falseRec, revokeLic, notify, report), kinds(effects)); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	for _, name := range workflow.EventNames() {
		if _, _, _, err := e.Apply(got, sampleEvent(t, name, got)); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("%s on a revoked case: err = %v", name, err)
		}
	}
}

func TestRectifiedCaseCloses(t *testing.T) {
	e := newEngine(t)
	c := failedAtDoor(t, e)
	t0 := c.UpdatedAt.Add(time.Hour)
	c = mustApply(t, e, c, rectify(t0))
	bad := workflow.DecideBreach{Meta: meta(clerk, t0.Add(time.Hour)), Outcome: workflow.OutcomeRectified, Reason: "已整改", FalseCommitment: true}
	if _, _, _, err := e.Apply(c, bad); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("rectified with a false commitment: err = %v, want ErrInvalidInput", err)
	}
	bad.FalseCommitment = false
	got, _, effects, err := e.Apply(c, bad)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workflow.StatusClosed || got.FalseCommitment || got.Ending.Code != workflow.EndClosed {
		t.Fatalf("status %s false %v ending %+v", got.Status, got.FalseCommitment, got.Ending)
	}
	if got.Breach.Outcome != workflow.OutcomeRectified {
		t.Errorf("outcome %s", got.Breach.Outcome)
	}
	if diff := cmp.Diff(k(notify, notify, report), kinds(effects)); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
}

func TestClearedBreachGoesOn(t *testing.T) {
	e := newEngine(t)
	c := failedAtDoor(t, e)
	if _, _, _, err := e.Apply(c, workflow.ClearBreach{Meta: meta(clerk, c.UpdatedAt.Add(time.Hour))}); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("clear without a finding: err = %v, want ErrInvalidInput", err)
	}
	got := mustApply(t, e, c, workflow.ClearBreach{Meta: meta(clerk, c.UpdatedAt.Add(time.Hour)), Finding: "快递员误将复印件当作原件核对，原件无误"})
	if got.Status != workflow.StatusClosed || got.FalseCommitment {
		t.Fatalf("status %s false %v", got.Status, got.FalseCommitment)
	}
}

func TestDoorCheckFailureIsReviewedWhenVerificationStarts(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusDelivering]
	c = mustApply(t, e, c, workflow.Deliver{Meta: meta(courier, c.UpdatedAt.Add(time.Hour)),
		Results: []workflow.VerificationResult{{Material: "c", Passed: false, Note: "原件缺失"}}})
	if got, want := c.NextTimerAt, c.UpdatedAt; !got.Equal(want) {
		t.Errorf("next timer = %s, want at once (%s)", got, want)
	}
	c = mustApply(t, e, c, workflow.Tick{Meta: meta(system, c.UpdatedAt)})
	if c.Status != workflow.StatusCommitmentReview || c.Breach.FoundBy != courier {
		t.Errorf("status = %s breach %+v, want under review of the courier's check", c.Status, c.Breach)
	}
}

func TestLatePromiseIsRemindedThenReviewed(t *testing.T) {
	e := newEngine(t)
	fx := fixtures(t, e)
	due := at(t, "2025-09-11 00:00") // "d" was promised for 2025-09-10
	got, rec, effects, err := e.Apply(fx[workflow.StatusApproved], workflow.Tick{Meta: meta(system, due)})
	if err != nil {
		t.Fatal(err)
	}
	m := got.Outstanding()
	if got.Status != workflow.StatusApproved || got.FalseCommitment || len(m) != 1 || m[0].RemindedAt.IsZero() {
		t.Fatalf("status %s false %v outstanding %+v, want reminded", got.Status, got.FalseCommitment, m)
	}
	if rec.Reason != "promise_reminder" || len(effects) != 1 {
		t.Fatalf("reason %q effects %v", rec.Reason, kinds(effects))
	}
	if n := effects[0].(workflow.NotifyApplicant); n.Template != workflow.TplPromiseReminder || n.Params["due"] != "2025-09-18" {
		t.Errorf("reminder %+v, want due 2025-09-18 (five working days)", n)
	}
	// Handed in within the reminder's period: nothing more happens.
	ok := mustApply(t, e, got, workflow.ProvideMaterial{Meta: meta(citizen, at(t, "2025-09-18 17:00")), Material: provided("d")[0]})
	if ok.Status != workflow.StatusApproved || !ok.NextTimerAt.IsZero() {
		t.Errorf("status %s next timer %s", ok.Status, ok.NextTimerAt)
	}
	// Not handed in: a clerk reviews; a revocation is for an unkept
	// commitment, not a false one, unless a reviewer finds one.
	review := mustApply(t, e, got, workflow.Tick{Meta: meta(system, at(t, "2025-09-19 00:00"))})
	if review.Status != workflow.StatusCommitmentReview || review.Breach.Kind != workflow.BreachPromiseUnkept || review.Breach.From != workflow.StatusApproved {
		t.Fatalf("status %s breach %+v", review.Status, review.Breach)
	}
	// Revoking needs an order to rectify first, and its period.
	decide := workflow.DecideBreach{Meta: meta(reviewer, at(t, "2025-09-19 10:00")), Outcome: workflow.OutcomeRevoked,
		Reason: "限期整改期满仍未补齐容缺材料", LegalBasis: "《中华人民共和国行政许可法》第六十九条"}
	if _, _, _, err := e.Apply(review, decide); !errors.Is(err, workflow.ErrInvalidTransition) {
		t.Errorf("revoke from review: err = %v, want ErrInvalidTransition", err)
	}
	ordered := mustApply(t, e, review, rectify(at(t, "2025-09-19 10:00")))
	decide.At = ordered.Breach.Rectification.DueAt.Add(time.Hour)
	// Handed in during the period: not revoked for.
	kept := mustApply(t, e, ordered, workflow.ProvideMaterial{Meta: meta(citizen, at(t, "2025-09-22 10:00")), Material: provided("d")[0]})
	if _, _, _, err := e.Apply(kept, decide); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("revoke after the material came: err = %v, want ErrInvalidInput", err)
	}
	revoked, _, effects, err := e.Apply(ordered, decide)
	if err != nil {
		t.Fatal(err)
	}
	if revoked.Status != workflow.StatusRevoked || revoked.FalseCommitment || revoked.Ending.Code != workflow.EndPromiseUnkept {
		t.Errorf("status %s false %v ending %+v", revoked.Status, revoked.FalseCommitment, revoked.Ending)
	}
	for _, ef := range effects {
		if _, ok := ef.(workflow.RecordFalseCommitment); ok {
			t.Error("an unkept promise was recorded as a false commitment")
		}
	}
	// Or the clerk releases the promise and the case goes on where it was.
	cleared := mustApply(t, e, review, workflow.ClearBreach{Meta: meta(clerk, at(t, "2025-09-19 10:00")), Finding: "该材料已由部门共享获取，无需申请人提交"})
	if cleared.Status != workflow.StatusApproved || len(cleared.Outstanding()) != 0 || !cleared.NextTimerAt.IsZero() {
		t.Errorf("status %s outstanding %v next %s", cleared.Status, cleared.Outstanding(), cleared.NextTimerAt)
	}
}

// TestLatePromiseWaitsForTheCourier: the reminder's period ends while the
// result is out for delivery: the case stays delivering, so the courier's
// handover (and check at the door) is not refused, and the review opens
// once it is delivered.
func TestLatePromiseWaitsForTheCourier(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusDelivering] // "d" promised for 2025-09-10
	c = mustApply(t, e, c, workflow.Tick{Meta: meta(system, at(t, "2025-09-11 09:00"))})
	if c.Status != workflow.StatusDelivering || !c.NextTimerAt.IsZero() {
		t.Fatalf("after the reminder: %s, next timer %s; want delivering with no timer", c.Status, c.NextTimerAt)
	}
	c = mustApply(t, e, c, workflow.Deliver{Meta: meta(courier, at(t, "2025-09-25 10:00")), Waybill: "SF100"})
	c = mustApply(t, e, c, workflow.Tick{Meta: meta(system, c.UpdatedAt)})
	if c.Status != workflow.StatusCommitmentReview || c.Breach.Kind != workflow.BreachPromiseUnkept {
		t.Errorf("after delivery: %s %+v, want the late material reviewed", c.Status, c.Breach)
	}
}
