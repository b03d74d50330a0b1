package workflow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// pickupEngine is the test catalogue plus "pu", the trust-first item "tf"
// with its originals collected by courier before the decision.
func pickupEngine(tb testing.TB) *workflow.Engine {
	tb.Helper()
	items := testItems()
	pu := items[0]
	pu.Code, pu.NeedsOriginalsPickup = "pu", true
	cat, err := workflow.NewCatalogue(append(items, pu))
	if err != nil {
		tb.Fatal(err)
	}
	return workflow.NewEngine(cat, calendar2025(tb))
}

// acceptedPickupCase is a "pu" case accepted trust first at 10:00 on the
// fixture Monday, with the effects of its submission.
func acceptedPickupCase(tb testing.TB, e *workflow.Engine) (workflow.Case, []workflow.Effect) {
	tb.Helper()
	t0 := at(tb, fixtureStart)
	c := newDraft(tb, e, "pu", t0)
	c, _, effects, err := e.Apply(c, trustSubmit(tb, t0.Add(time.Hour)))
	if err != nil {
		tb.Fatal(err)
	}
	if got, want := c.Status, workflow.StatusAccepted; got != want {
		tb.Fatalf("status = %s, want %s", got, want)
	}
	return c, effects
}

func TestApproveWaitsForOriginals(t *testing.T) {
	e := pickupEngine(t)
	c, effects := acceptedPickupCase(t, e)
	var order workflow.OrderCourierPickup
	for _, ef := range effects {
		if o, ok := ef.(workflow.OrderCourierPickup); ok {
			order = o
		}
	}
	if diff := cmp.Diff([]string{"b", "c"}, order.Materials); diff != "" {
		t.Fatalf("pickup order materials (-want +got):\n%s", diff)
	}
	next := func() time.Time { return c.UpdatedAt.Add(time.Hour) }

	_, _, _, err := e.Apply(c, workflow.Approve{Meta: meta(clerk, next())})
	var ie *workflow.InputError
	if !errors.As(err, &ie) || ie.Field != "originals" {
		t.Fatalf("approve before the originals arrived: err = %v, want an input error on originals", err)
	}

	c, _, effects, err = e.Apply(c, workflow.CollectOriginals{Meta: meta(courier, next()), Stage: workflow.OriginalsPickedUp, Waybill: "SF1", Materials: order.Materials})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]workflow.EffectKind{workflow.KindNotifyApplicant}, kinds(effects)); diff != "" {
		t.Errorf("picked-up effects (-want +got):\n%s", diff)
	}
	if n := effects[0].(workflow.NotifyApplicant); n.Template != workflow.TplOriginalsCollected || n.Params["waybill"] != "SF1" {
		t.Errorf("notification = %+v", n)
	}
	if _, _, _, err := e.Apply(c, workflow.Approve{Meta: meta(clerk, next())}); err == nil {
		t.Fatal("approved while the originals are still on their way")
	}

	c = mustApply(t, e, c, workflow.CollectOriginals{Meta: meta(courier, next()), Stage: workflow.OriginalsReceived, Waybill: "SF1"})
	if !c.Originals.Received() || c.Originals.Waybill != "SF1" {
		t.Fatalf("originals = %+v", c.Originals)
	}
	c = mustApply(t, e, c, workflow.Approve{Meta: meta(clerk, next())})
	if got, want := c.Status, workflow.StatusApproved; got != want {
		t.Errorf("status = %s, want %s", got, want)
	}
}

func TestCollectOriginalsStagesOnce(t *testing.T) {
	e := pickupEngine(t)
	c, _ := acceptedPickupCase(t, e)
	at := c.UpdatedAt.Add(time.Hour)
	ev := func(stage workflow.OriginalsStage) workflow.CollectOriginals {
		return workflow.CollectOriginals{Meta: meta(courier, at), Stage: stage, Waybill: "SF1"}
	}

	// Received before picked up (pushes out of order): both are set, and
	// the late picked-up is a duplicate the caller can skip.
	got := mustApply(t, e, c, ev(workflow.OriginalsReceived))
	if got.Originals.PickedUpAt.IsZero() || got.Originals.ReceivedAt.IsZero() {
		t.Fatalf("originals = %+v", got.Originals)
	}
	for _, stage := range []workflow.OriginalsStage{workflow.OriginalsPickedUp, workflow.OriginalsReceived} {
		if _, _, _, err := e.Apply(got, ev(stage)); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("%s after received: err = %v, want ErrDuplicate", stage, err)
		}
	}

	for name, bad := range map[string]workflow.CollectOriginals{
		"UnknownStage":    {Meta: meta(courier, at), Stage: "lost_in_space"},
		"FailedNoReason":  {Meta: meta(courier, at), Stage: workflow.OriginalsFailed},
		"UnknownMaterial": {Meta: meta(courier, at), Stage: workflow.OriginalsPickedUp, Materials: []string{"zz"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := e.Apply(c, bad); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Errorf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
	t.Run("ForbiddenToCitizen", func(t *testing.T) {
		if _, _, _, err := e.Apply(c, workflow.CollectOriginals{Meta: meta(citizen, at), Stage: workflow.OriginalsPickedUp}); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("err = %v, want ErrForbidden", err)
		}
	})

	// A failed collection tells the applicant; the clerk may still record
	// the originals handed in at the counter.
	failed, _, effects, err := e.Apply(c, workflow.CollectOriginals{Meta: meta(courier, at), Stage: workflow.OriginalsFailed, Waybill: "SF1", Reason: workflow.LegUndeliverable})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := effects[0].(workflow.NotifyApplicant); !ok || n.Template != workflow.TplOriginalsPickupFailed || n.Params["reason"] == "" {
		t.Errorf("effects = %+v", effects)
	}
	if _, _, _, err := e.Apply(failed, workflow.CollectOriginals{Meta: meta(courier, at), Stage: workflow.OriginalsFailed, Waybill: "SF1", Reason: workflow.LegUndeliverable}); !errors.Is(err, workflow.ErrDuplicate) {
		t.Errorf("same failure twice: err = %v, want ErrDuplicate", err)
	}
	counter := mustApply(t, e, failed, workflow.CollectOriginals{Meta: meta(clerk, at.Add(time.Hour)), Stage: workflow.OriginalsReceived})
	if !counter.Originals.Received() || counter.Originals.Failure != workflow.LegUndeliverable {
		t.Errorf("originals after the counter = %+v", counter.Originals)
	}
}

func TestDeliveryFailedPaths(t *testing.T) {
	e := newEngine(t)
	delivering := fixtures(t, e)[workflow.StatusDelivering]
	next := delivering.UpdatedAt.Add(time.Hour)

	t.Run("RefusedWaitsAtCounter", func(t *testing.T) {
		c, rec, effects, err := e.Apply(delivering, workflow.DeliveryFailed{Meta: meta(courier, next), Waybill: "SF100", Reason: workflow.LegRefused})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Status, workflow.StatusApproved; got != want {
			t.Fatalf("status = %s, want %s", got, want)
		}
		if got, want := c.Delivery.Method, workflow.DeliveryPickup; got != want {
			t.Errorf("delivery method = %s, want %s", got, want)
		}
		if got, want := rec.Reason, "refused"; got != want {
			t.Errorf("record reason = %q, want %q", got, want)
		}
		if n := effects[0].(workflow.NotifyApplicant); n.Template != workflow.TplDeliveryFailed {
			t.Errorf("notification = %+v", n)
		}
		// Handed over at the counter: the verification on completion starts.
		c = mustApply(t, e, c, workflow.Dispatch{Meta: meta(clerk, next.Add(time.Hour))})
		if got, want := c.Status, workflow.StatusVerifying; got != want {
			t.Errorf("after dispatch at the counter: status = %s, want %s", got, want)
		}
	})
	t.Run("LostIsSentAgain", func(t *testing.T) {
		c := mustApply(t, e, delivering, workflow.DeliveryFailed{Meta: meta(system, next), Reason: workflow.LegLost})
		if got, want := c.Delivery.Method, workflow.DeliveryCourier; got != want {
			t.Errorf("delivery method = %s, want %s", got, want)
		}
		c, _, effects, err := e.Apply(c, workflow.Dispatch{Meta: meta(clerk, next.Add(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Status, workflow.StatusDelivering; got != want {
			t.Errorf("status = %s, want %s", got, want)
		}
		if diff := cmp.Diff([]workflow.EffectKind{workflow.KindOrderCourierDelivery, workflow.KindNotifyApplicant, workflow.KindReportProvince}, kinds(effects)); diff != "" {
			t.Errorf("re-dispatch effects (-want +got):\n%s", diff)
		}
	})
	t.Run("UnknownReason", func(t *testing.T) {
		if _, _, _, err := e.Apply(delivering, workflow.DeliveryFailed{Meta: meta(courier, next), Reason: "stolen"}); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrInvalidInput", err)
		}
	})
}
