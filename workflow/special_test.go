package workflow_test

import (
	"errors"
	"testing"

	"zerovisit/workflow"
)

// TestSpecialProcedurePausesTheClock puts an accepted case through an
// expert review of 3 working days: the clock pauses for the working days it
// lasts, the deadline moves by as many, and the applicant is told in writing.
func TestSpecialProcedurePausesTheClock(t *testing.T) {
	e := newEngine(t)
	ev := withoutPromise(trustSubmit(t, at(t, "2025-11-03 10:00")))
	ev.Signature = signature(at(t, "2025-11-03 09:00"))
	c := mustApply(t, e, newDraft(t, e, "tf", at(t, "2025-11-03 09:00")), ev)
	if got, want := c.Deadline, date(t, "2025-11-10").End(); !got.Equal(want) {
		t.Fatalf("deadline = %s, want %s", got, want)
	}
	next, _, effects, err := e.Apply(c, workflow.StartSpecialProcedure{Meta: meta(clerk, at(t, "2025-11-04 11:00")),
		Kind: workflow.ProcedureExpertReview, Reason: "工艺复杂，需组织专家评审", Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Status, workflow.StatusSpecialProcedure; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	if !next.SLA.Paused() || next.SLA.PauseReason != "special:expert_review" {
		t.Errorf("clock paused = %v (%q), want paused for the review", next.SLA.Paused(), next.SLA.PauseReason)
	}
	if got, want := next.Special.DueAt, date(t, "2025-11-07").End(); !got.Equal(want) {
		t.Errorf("planned end = %s, want %s", got, want)
	}
	var told workflow.NotifyApplicant
	for _, ef := range effects {
		if n, ok := ef.(workflow.NotifyApplicant); ok {
			told = n
		}
	}
	if told.Template != workflow.TplSpecialProcedure || told.Params["procedure"] != "专家评审" || told.Params["days"] != "3" {
		t.Errorf("applicant told %+v, want the procedure and its days", told)
	}
	// Ended two working days later (11-06): the deadline moves to 11-12.
	ended := mustApply(t, e, next, workflow.EndSpecialProcedure{Meta: meta(clerk, at(t, "2025-11-06 16:00")), Outcome: "专家评审意见：符合条件"})
	if got, want := ended.Status, workflow.StatusAccepted; got != want {
		t.Fatalf("status = %s, want %s", got, want)
	}
	if !ended.SLA.Running() {
		t.Error("the clock did not resume")
	}
	if got, want := ended.Deadline, date(t, "2025-11-12").End(); !got.Equal(want) {
		t.Errorf("deadline = %s, want %s (2 working days later)", got, want)
	}
	if got, want := ended.Special.Outcome, "专家评审意见：符合条件"; got != want {
		t.Errorf("outcome = %q, want %q", got, want)
	}
	// A second procedure is numbered as such.
	again := mustApply(t, e, ended, workflow.StartSpecialProcedure{Meta: meta(clerk, at(t, "2025-11-07 09:00")),
		Kind: workflow.ProcedureInspection, Reason: "现场核查经营场所", Days: 2})
	if got, want := again.Special.Round, 2; got != want {
		t.Errorf("round = %d, want %d", got, want)
	}
}

func TestSpecialProcedureRefusesBadInput(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	m := meta(clerk, c.UpdatedAt.Add(1))
	for name, ev := range map[string]workflow.StartSpecialProcedure{
		"UnknownKind":  {Meta: m, Kind: "lottery", Reason: "x", Days: 3},
		"NoDays":       {Meta: m, Kind: workflow.ProcedureHearing, Reason: "x", Days: 0},
		"TooManyDays":  {Meta: m, Kind: workflow.ProcedureInspection, Reason: "x", Days: 11},
		"NoReason":     {Meta: m, Kind: workflow.ProcedureHearing, Reason: "  ", Days: 3},
		"CitizenActor": {Meta: meta(citizen, c.UpdatedAt.Add(1)), Kind: workflow.ProcedureHearing, Reason: "x", Days: 3},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := e.Apply(c, ev)
			want := workflow.ErrInvalidInput
			if name == "CitizenActor" {
				want = workflow.ErrForbidden
			}
			if !errors.Is(err, want) {
				t.Fatalf("err = %v, want %v", err, want)
			}
		})
	}
	// Approving in the middle of a hearing is not allowed: end it first.
	special := fixtures(t, e)[workflow.StatusSpecialProcedure]
	if _, _, _, err := e.Apply(special, workflow.Approve{Meta: meta(clerk, special.UpdatedAt.Add(1))}); !errors.Is(err, workflow.ErrInvalidTransition) {
		t.Errorf("approve during a special procedure: err = %v, want ErrInvalidTransition", err)
	}
}

func TestTransferMovesTheCase(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	next, rec, effects, err := e.Apply(c, workflow.Transfer{Meta: meta(clerk, c.UpdatedAt.Add(1)), Department: "gaj", Reason: "属公安机关职权"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := next.Department, "gaj"; got != want {
		t.Errorf("department = %s, want %s", got, want)
	}
	if got, want := rec.Reason, "属公安机关职权"; got != want {
		t.Errorf("record reason = %q, want %q", got, want)
	}
	if len(effects) != 1 || effects[0].(workflow.PushDepartment).Department != "gaj" {
		t.Errorf("effects = %+v, want one push to gaj", effects)
	}
	for name, ev := range map[string]workflow.Transfer{
		"SameDepartment":    {Department: c.Department, Reason: "x"},
		"UnknownDepartment": {Department: "nowhere", Reason: "x"},
		"NoReason":          {Department: "gaj"},
	} {
		t.Run(name, func(t *testing.T) {
			ev.Meta = meta(clerk, c.UpdatedAt.Add(1))
			if _, _, _, err := e.Apply(c, ev); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
	if _, _, _, err := e.Apply(c, workflow.Transfer{Meta: meta(workflow.Actor{Kind: workflow.ActorDepartment, ID: "scjgj"}, c.UpdatedAt.Add(1)),
		Department: "gaj", Reason: "x"}); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("a department system transferring: err = %v, want ErrForbidden", err)
	}
}

func TestDraftApplicantType(t *testing.T) {
	e := newEngine(t)
	d := workflow.Draft{ID: "c9", Number: "ZV9", ItemCode: "tf", ApplicantID: "u1", Channel: workflow.ChannelWeChat,
		Actor: citizen, At: at(t, "2025-09-01 09:00"), ApplicantType: workflow.ApplicantBusiness}
	c, _, err := e.New(d)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.ApplicantType, workflow.ApplicantBusiness; got != want {
		t.Errorf("applicant type = %q, want %q", got, want)
	}
	d.ApplicantType = "robot"
	if _, _, err := e.New(d); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("unknown applicant type: err = %v, want ErrInvalidInput", err)
	}
}
