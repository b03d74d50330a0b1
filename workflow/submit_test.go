package workflow_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// withoutPromise provides "d" instead of promising it.
func withoutPromise(ev workflow.Submit) workflow.Submit {
	ev.Promised = nil
	ev.Materials = provided("a", "b", "c", "d")
	return ev
}

func TestSubmitPaths(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	t1 := at(t, "2025-09-01 10:00")
	for _, tc := range []struct {
		name     string
		item     string
		change   func(workflow.Submit) workflow.Submit
		status   workflow.Status
		reason   workflow.PathReason
		note     string
		priority bool
		effects  []workflow.EffectKind
	}{
		{"TrustFirst", "tf", nil, workflow.StatusAccepted, workflow.PathTrustFirst, "适用告知承诺制，先行受理，办结后核验", false, k(notify, push, report)},
		{"ApproveOnCommit", "aoc", nil, workflow.StatusApproved, workflow.PathApproveOnCommit, "适用告知承诺制，承诺即办", false, k(push, notify, issue, report)},
		{"RedListPriority", "tf", func(ev workflow.Submit) workflow.Submit { ev.Credit = workflow.CreditRed; return ev },
			workflow.StatusAccepted, workflow.PathTrustFirst, "适用告知承诺制，先行受理，办结后核验", true, k(notify, push, report)},
		{"Blacklisted", "tf", func(ev workflow.Submit) workflow.Submit {
			ev = withoutPromise(ev)
			ev.Credit = workflow.CreditBlack
			return ev
		}, workflow.StatusSubmitted, workflow.PathCreditBlack, "申请人为失信联合惩戒对象，不适用告知承诺制", false, k(notify, report)},
		{"PriorFalseCommitment", "tf", func(ev workflow.Submit) workflow.Submit {
			ev = withoutPromise(ev)
			ev.PriorFalseCommitments = 1
			return ev
		}, workflow.StatusSubmitted, workflow.PathPriorFalseCommitment, "申请人有虚假承诺记录，不适用告知承诺制", false, k(notify, report)},
		{"CreditUnknown", "tf", func(ev workflow.Submit) workflow.Submit {
			ev = withoutPromise(ev)
			ev.Credit = workflow.CreditUnknown
			return ev
		}, workflow.StatusSubmitted, workflow.PathCreditUnknown, "暂未获取申请人信用信息，按一般程序办理", false, k(notify, report)},
		{"OutdatedTemplate", "tf", func(ev workflow.Submit) workflow.Submit {
			ev = withoutPromise(ev)
			ev.Signature.TemplateVersion = "v1"
			return ev
		}, workflow.StatusSubmitted, workflow.PathOutdatedTemplate, "所签告知承诺书不是现行版本，按一般程序办理", false, k(notify, report)},
		{"NotSigned", "tf", func(ev workflow.Submit) workflow.Submit {
			ev = withoutPromise(ev)
			ev.Signature = nil
			return ev
		}, workflow.StatusSubmitted, workflow.PathNotSigned, "申请人未签署告知承诺书，按一般程序办理", false, k(notify, report)},
		{"ItemOrdinary", "ord", func(ev workflow.Submit) workflow.Submit {
			ev.Promised = nil
			ev.Materials = []workflow.ProvidedMaterial{{Code: "sfz", Source: workflow.SourceBaseData, Ref: "identity"}}
			ev.Delivery = workflow.Delivery{Method: workflow.DeliveryElectronic}
			return ev
		}, workflow.StatusSubmitted, workflow.PathItemOrdinary, "该事项未实行告知承诺制，按一般程序办理", false, k(notify, report)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := trustSubmit(t, t1)
			ev.Signature = signature(t0) // a fresh copy per case
			if tc.change != nil {
				ev = tc.change(ev)
			}
			c, rec, effects, err := e.Apply(newDraft(t, e, tc.item, t0), ev)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.Status, tc.status; got != want {
				t.Errorf("status = %s, want %s", got, want)
			}
			if got, want := [2]string{string(c.PathReason), c.PathNote}, [2]string{string(tc.reason), tc.note}; got != want {
				t.Errorf("path = %v, want %v", got, want)
			}
			if got, want := rec.Reason, string(tc.reason); got != want {
				t.Errorf("record reason = %q, want %q", got, want)
			}
			if got, want := c.Priority, tc.priority; got != want {
				t.Errorf("priority = %v, want %v", got, want)
			}
			if got, want := c.TrustFirst, tc.reason == workflow.PathTrustFirst || tc.reason == workflow.PathApproveOnCommit; got != want {
				t.Errorf("trust first = %v, want %v", got, want)
			}
			if diff := cmp.Diff(tc.effects, kinds(effects)); diff != "" {
				t.Errorf("effects (-want +got):\n%s", diff)
			}
			if got, want := c.SLA.Started(), tc.status != workflow.StatusSubmitted; got != want {
				t.Errorf("clock started = %v, want %v", got, want)
			}
		})
	}
}

func TestSubmitTrustFirstClock(t *testing.T) {
	e := newEngine(t)
	c := mustApply(t, e, newDraft(t, e, "tf", at(t, "2025-09-01 09:00")), trustSubmit(t, at(t, "2025-09-01 10:00")))
	if got, want := c.Deadline, date(t, "2025-09-08").End(); !got.Equal(want) {
		t.Errorf("deadline = %s, want %s", got, want)
	}
	if got, want := c.NextTimerAt, at(t, "2025-09-05 00:00"); !got.Equal(want) {
		t.Errorf("next timer = %s, want the yellow threshold %s", got, want)
	}
	if got, want := len(c.Outstanding()), 1; got != want {
		t.Errorf("outstanding promises = %d, want %d", got, want)
	}
}

func TestSubmitRefusals(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	t1 := at(t, "2025-09-01 10:00")
	for _, tc := range []struct {
		name   string
		change func(workflow.Submit) workflow.Submit
		field  string
	}{
		{"CorePromised", func(ev workflow.Submit) workflow.Submit {
			ev.Materials = provided("a", "c", "d")
			ev.Promised = []workflow.PromisedMaterial{{Code: "b", Due: date(t, "2025-09-10")}}
			return ev
		}, "promised[0]"},
		{"PromiseOnOrdinaryPath", func(ev workflow.Submit) workflow.Submit { ev.Credit = workflow.CreditBlack; return ev }, "promised"},
		{"PromiseDueToday", func(ev workflow.Submit) workflow.Submit {
			ev.Promised[0].Due = date(t, "2025-09-01")
			return ev
		}, "promised[0]"},
		{"PromiseDueBeyondLegalLimit", func(ev workflow.Submit) workflow.Submit {
			ev.Promised[0].Due = date(t, "2025-12-31")
			return ev
		}, "promised[0]"},
		{"PromiseWithoutDue", func(ev workflow.Submit) workflow.Submit {
			ev.Promised[0].Due = workflow.Date{}
			return ev
		}, "promised[0]"},
		{"PromisedAndProvided", func(ev workflow.Submit) workflow.Submit {
			ev.Materials = provided("a", "b", "c", "d")
			return ev
		}, "promised[0]"},
		{"MissingMaterial", func(ev workflow.Submit) workflow.Submit { ev.Promised = nil; return ev }, "materials"},
		{"UnknownMaterial", func(ev workflow.Submit) workflow.Submit {
			ev.Materials = append(ev.Materials, provided("z")...)
			return ev
		}, "materials[3]"},
		{"DuplicateMaterial", func(ev workflow.Submit) workflow.Submit {
			ev.Materials = append(ev.Materials, provided("b")...)
			return ev
		}, "materials[3]"},
		{"WrongSource", func(ev workflow.Submit) workflow.Submit {
			ev.Materials[0].Source = workflow.SourceBaseData
			return ev
		}, "materials[0]"},
		{"NoRef", func(ev workflow.Submit) workflow.Submit { ev.Materials[1].Ref = ""; return ev }, "materials[1]"},
		{"AlteredCommitmentText", func(ev workflow.Submit) workflow.Submit {
			ev.Signature.TextHash = "0000000000000000000000000000000000000000000000000000000000000000"
			return ev
		}, "signature.text_hash"},
		{"SignedAfterSubmission", func(ev workflow.Submit) workflow.Submit {
			ev.Signature.SignedAt = t1.Add(1)
			return ev
		}, "signature.signed_at"},
		{"CounterWithoutLetter", func(ev workflow.Submit) workflow.Submit {
			ev.Signature.Channel = workflow.ChannelCounter
			return ev
		}, "signature.letter"},
		{"LetterNotAScanKey", func(ev workflow.Submit) workflow.Submit {
			ev.Signature.Channel, ev.Signature.Letter = workflow.ChannelCounter, "letter.pdf"
			return ev
		}, "signature.letter"},
		{"CourierWithoutAddress", func(ev workflow.Submit) workflow.Submit { ev.Delivery.AddressRef = ""; return ev }, "delivery.address_ref"},
		{"UnknownDelivery", func(ev workflow.Submit) workflow.Submit { ev.Delivery.Method = "drone"; return ev }, "delivery.method"},
		{"BadCredit", func(ev workflow.Submit) workflow.Submit { ev.Credit = "grey"; return ev }, "credit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := trustSubmit(t, t1)
			ev.Signature = signature(t0)
			ev.Materials = provided("a", "b", "c")
			ev.Promised = []workflow.PromisedMaterial{{Code: "d", Due: date(t, "2025-09-10")}}
			ev = tc.change(ev)
			draft := newDraft(t, e, "tf", t0)
			before := snapshot(t, draft)
			_, _, _, err := e.Apply(draft, ev)
			var ie *workflow.InputError
			if !errors.Is(err, workflow.ErrInvalidInput) || !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an InputError", err)
			}
			if got, want := ie.Field, tc.field; got != want {
				t.Errorf("field = %q, want %q (%v)", got, want, err)
			}
			if ie.Message == "" {
				t.Error("no message for the user")
			}
			if snapshot(t, draft) != before {
				t.Error("a refused submit changed the draft")
			}
		})
	}
}

func TestApplyChecksActor(t *testing.T) {
	e := newEngine(t)
	fx := fixtures(t, e)
	other := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u2"}
	for _, tc := range []struct {
		name string
		c    workflow.Case
		ev   workflow.Event
	}{
		{"AnotherCitizenSubmits", fx[workflow.StatusDraft], func() workflow.Event {
			ev := trustSubmit(t, at(t, "2025-09-01 10:00"))
			ev.Actor = other
			return ev
		}()},
		{"CourierApproves", fx[workflow.StatusAccepted], workflow.Approve{Meta: meta(courier, at(t, "2025-09-02 10:00"))}},
		{"CitizenTicks", fx[workflow.StatusAccepted], workflow.Tick{Meta: meta(citizen, at(t, "2025-09-06 10:00"))}},
		{"CitizenPays", fx[workflow.StatusAccepted], workflow.Pay{Meta: meta(citizen, at(t, "2025-09-02 10:00")), Channel: workflow.ChannelWeChat, TradeNo: "x", AmountFen: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := e.Apply(tc.c, tc.ev); !errors.Is(err, workflow.ErrForbidden) {
				t.Errorf("err = %v, want ErrForbidden", err)
			}
		})
	}
}

func TestApplyRefusesTimeTravel(t *testing.T) {
	e := newEngine(t)
	c := fixtures(t, e)[workflow.StatusAccepted]
	_, _, _, err := e.Apply(c, workflow.Approve{Meta: meta(clerk, c.UpdatedAt.Add(-1))})
	if !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("err = %v, want ErrInvalidInput for an event before the last change", err)
	}
	_, _, _, err = e.Apply(c, workflow.Approve{Meta: meta(clerk, c.UpdatedAt)})
	if err != nil {
		t.Errorf("an event at the time of the last change: %v", err)
	}
}

func TestNewDraft(t *testing.T) {
	e := newEngine(t)
	t0 := at(t, "2025-09-01 09:00")
	c, rec, err := e.New(workflow.Draft{ID: "c9", Number: "N9", ItemCode: "tf", ApplicantID: "u1", Channel: workflow.ChannelAlipay, Actor: citizen, At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [3]any{c.Status, c.Version, c.Department}, [3]any{workflow.StatusDraft, int64(1), "scjgj"}; got != want {
		t.Errorf("case = %v, want %v", got, want)
	}
	if got, want := [3]any{rec.Name, rec.Seq, rec.To}, [3]any{"create", int64(1), workflow.StatusDraft}; got != want {
		t.Errorf("record = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name string
		d    workflow.Draft
		want error
	}{
		{"UnknownItem", workflow.Draft{ID: "c", Number: "n", ItemCode: "zz", ApplicantID: "u1", Channel: workflow.ChannelWeChat, Actor: citizen, At: t0}, workflow.ErrInvalidInput},
		{"NoNumber", workflow.Draft{ID: "c", ItemCode: "tf", ApplicantID: "u1", Channel: workflow.ChannelWeChat, Actor: citizen, At: t0}, workflow.ErrInvalidInput},
		{"ForSomeoneElse", workflow.Draft{ID: "c", Number: "n", ItemCode: "tf", ApplicantID: "u2", Channel: workflow.ChannelWeChat, Actor: citizen, At: t0}, workflow.ErrForbidden},
		{"ClerkOutsideCounter", workflow.Draft{ID: "c", Number: "n", ItemCode: "tf", ApplicantID: "u2", Channel: workflow.ChannelWeChat, Actor: clerk, At: t0}, workflow.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := e.New(tc.d); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("CounterIntake", func(t *testing.T) {
		if _, _, err := e.New(workflow.Draft{ID: "c", Number: "n", ItemCode: "tf", ApplicantID: "u2", Channel: workflow.ChannelCounter, Actor: clerk, At: t0}); err != nil {
			t.Errorf("counter intake: %v", err)
		}
	})
}
