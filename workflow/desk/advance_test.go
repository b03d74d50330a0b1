package desk

import (
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

var (
	t0       = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)
	system   = workflow.Actor{Kind: workflow.ActorSystem, ID: "courier:sf"}
	courier7 = workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-7"}
)

func leg(kind Kind, status Status) Leg {
	return Leg{ID: "L1", Kind: kind, CaseID: "c1", Waybill: "SF1", Status: status, Materials: []string{"a"},
		Version: 3, SyncedVersion: 3, CreatedAt: t0, UpdatedAt: t0, MovedAt: t0}
}

func fixedID() string { return "L2" }

// TestAdvance is the leg's state table: what each input does to a leg in
// each state, and when a return leg is born.
func TestAdvance(t *testing.T) {
	failed := &DoorCheck{CourierID: "cr-7", IdentityMatched: true, Results: []CheckResult{{Material: "a", Passed: false, Note: "不符"}}}
	passed := &DoorCheck{CourierID: "cr-7", IdentityMatched: true, Results: []CheckResult{{Material: "a", Passed: true}}}
	for name, tc := range map[string]struct {
		leg      Leg
		m        move
		want     Status
		changed  bool
		attempts int
		back     bool
	}{
		"PickedUp":             {leg(KindPickup, StatusOrdered), move{state: parcel.StatePickedUp, actor: system}, StatusPickedUp, true, 0, false},
		"LateInTransit":        {leg(KindPickup, StatusOutForDelivery), move{state: parcel.StateInTransit, actor: system}, StatusOutForDelivery, false, 0, false},
		"SignedBeforePickedUp": {leg(KindPickup, StatusOrdered), move{state: parcel.StateSigned, actor: system}, StatusDelivered, true, 0, false},
		"AfterTheEnd":          {leg(KindPickup, StatusDelivered), move{state: parcel.StatePickedUp, actor: system}, StatusDelivered, false, 0, false},
		"FirstFailedAttempt":   {leg(KindDelivery, StatusOutForDelivery), move{state: parcel.StateFailedAttempt, actor: system}, StatusOutForDelivery, true, 1, false},
		"LastFailedAttempt": {func() Leg { l := leg(KindDelivery, StatusOutForDelivery); l.Attempts = 2; return l }(),
			move{state: parcel.StateFailedAttempt, actor: system}, StatusUndeliverable, true, 3, true},
		"RefusedDelivery":   {leg(KindDelivery, StatusOutForDelivery), move{state: parcel.StateRefused, actor: courier7}, StatusRefused, true, 0, true},
		"RefusedPickup":     {leg(KindPickup, StatusOrdered), move{state: parcel.StateRefused, actor: courier7}, StatusRefused, true, 0, false},
		"ReturnedDelivery":  {leg(KindDelivery, StatusInTransit), move{state: parcel.StateReturned, actor: system}, StatusUndeliverable, true, 0, true},
		"ReturnedReturnLeg": {leg(KindReturn, StatusPickedUp), move{state: parcel.StateReturned, actor: system}, StatusPickedUp, false, 0, false},
		"Lost":              {leg(KindDelivery, StatusInTransit), move{state: parcel.StateLost, actor: system}, StatusLost, true, 0, false},
		"DoorPassed":        {leg(KindDelivery, StatusOutForDelivery), move{state: parcel.StateSigned, actor: courier7, door: passed}, StatusDelivered, true, 0, false},
		"DoorFailed":        {leg(KindDelivery, StatusOutForDelivery), move{state: parcel.StateSigned, actor: courier7, door: failed}, StatusDelivered, true, 0, true},
		"DoorAfterPush":     {leg(KindDelivery, StatusDelivered), move{state: parcel.StateSigned, actor: courier7, door: failed}, StatusDelivered, true, 0, true},
		"SecondDoor": {func() Leg { l := leg(KindDelivery, StatusDelivered); l.Door = passed; return l }(),
			move{state: parcel.StateSigned, actor: courier7, door: failed}, StatusDelivered, false, 0, false},
		"CancelWaiting":  {leg(KindPickup, StatusOrdered), move{state: stateCancelled, actor: system}, StatusCancelled, true, 0, false},
		"CancelPickedUp": {leg(KindPickup, StatusPickedUp), move{state: stateCancelled, actor: system}, StatusPickedUp, false, 0, false},
		"UnknownCode":    {leg(KindPickup, StatusOrdered), move{state: parcel.StateUnknown, actor: system}, StatusOrdered, false, 0, false},
	} {
		t.Run(name, func(t *testing.T) {
			before := tc.leg
			got, changed, back := advance(tc.leg, tc.m, t0.Add(time.Hour), 3, fixedID)
			if got.Status != tc.want || changed != tc.changed || got.Attempts != tc.attempts || (back != nil) != tc.back {
				t.Fatalf("advance = %s changed %v attempts %d return leg %v; want %s %v %d %v",
					got.Status, changed, got.Attempts, back != nil, tc.want, tc.changed, tc.attempts, tc.back)
			}
			if changed && (got.Version != before.Version+1 || got.LastActor != tc.m.actor || !got.UpdatedAt.Equal(t0.Add(time.Hour))) {
				t.Errorf("changed leg = version %d actor %v updated %s", got.Version, got.LastActor, got.UpdatedAt)
			}
			if !changed && got.Version != before.Version {
				t.Errorf("unchanged leg moved to version %d", got.Version)
			}
			if back != nil && (back.Kind != KindReturn || back.Status != StatusPickedUp || back.ParentID != "L1" ||
				back.SourceKey != "return:L1" || back.Waybill != "SF1" || back.SyncedVersion != back.Version) {
				t.Errorf("return leg = %+v", back)
			}
			if tc.leg.Status != before.Status || tc.leg.Version != before.Version {
				t.Error("advance changed its input")
			}
		})
	}
}

func TestClaim(t *testing.T) {
	l := leg(KindDelivery, StatusPickedUp)
	got, ok := claim(l, "cr-7", t0.Add(time.Minute))
	if !ok || got.CourierID != "cr-7" || got.Version != l.Version+1 {
		t.Errorf("claim of an open leg = %+v, %v", got, ok)
	}
	if _, ok := claim(got, "cr-8", t0); ok {
		t.Error("a leg already claimed was claimed again")
	}
	if _, ok := claim(leg(KindDelivery, StatusDelivered), "cr-7", t0); ok {
		t.Error("a finished leg was claimed")
	}
}
