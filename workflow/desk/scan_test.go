package desk

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"zerovisit/workflow"
)

// scanAs sends a scan as the courier with the id, read as a request
// reads it.
func (f *deskFixture) scanAs(courierID string, req ScanRequest) (ScanResult, error) {
	who, err := f.svc.ActiveCourier(context.Background(), courierID)
	if err != nil {
		return ScanResult{}, err
	}
	return f.svc.Scan(context.Background(), who, req)
}

// refusedWith fails unless err is a refusal with the code.
func refusedWith(t *testing.T, err error, code string) {
	t.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok || r.Code != code {
		t.Fatalf("err = %v, want the refusal %s", err, code)
	}
}

func TestScanClaimsAndMovesLeg(t *testing.T) {
	f := newDeskFixture(t, deliveryCase("c1"))
	l := deliveryLeg()
	l.Status = StatusOrdered
	f.store.put(l)
	res, err := f.scanAs("cr-1", ScanRequest{ClientID: "scan-0001", Waybill: "SF1000", Kind: ScanPickup})
	if err != nil {
		t.Fatal(err)
	}
	want := ScanResult{ScanID: "scan-0001", LegID: "L1", Kind: KindDelivery, Waybill: "SF1000", Status: StatusPickedUp, Applied: true}
	if res != want {
		t.Errorf("scan = %+v, want %+v", res, want)
	}
	got := f.store.leg("L1")
	if got.CourierID != "cr-1" || got.Status != StatusPickedUp || got.Version != 4 || got.SyncedVersion != 4 {
		t.Errorf("leg after the scan = %s by %q v%d synced v%d", got.Status, got.CourierID, got.Version, got.SyncedVersion)
	}
	if n := f.store.trackCount(); n != 1 {
		t.Errorf("tracks = %d, want 1", n)
	}
	if evs := f.cases.applied(); len(evs) != 0 {
		t.Errorf("a pickup of the result moved the case: %v", evs)
	}

	// A scan of a stage the leg has passed changes nothing but is kept.
	res, err = f.scanAs("cr-1", ScanRequest{ClientID: "scan-0002", Waybill: "SF1000", Kind: ScanPickup})
	if err != nil || res.Applied || res.Status != StatusPickedUp {
		t.Errorf("repeated stage = %+v, %v; want not applied", res, err)
	}
	if n := f.store.trackCount(); n != 2 || f.store.leg("L1").Version != 4 {
		t.Errorf("after a scan that changed nothing: %d tracks, leg v%d", n, f.store.leg("L1").Version)
	}
}

func TestScanReplayAnswersAsTheFirstTime(t *testing.T) {
	f := newDeskFixture(t, deliveryCase("c1"))
	l := deliveryLeg()
	l.CourierID = "cr-1"
	f.store.put(l)
	f.store.photos["L1/pa"] = Photo{LegID: "L1", Key: "pa", SM3: "sa"}
	f.store.photos["L1/pb"] = Photo{LegID: "L1", Key: "pb", SM3: "sb"}
	req := ScanRequest{ClientID: "door-0001", Waybill: "SF1000", Kind: ScanDelivery, IDNumber: "ID-U1",
		Checks: []CheckInput{{Material: "a", Passed: true, PhotoKey: "pa"}, {Material: "b", Passed: true, PhotoKey: "pb"}}}
	first, err := f.scanAs("cr-1", req)
	if err != nil {
		t.Fatal(err)
	}
	leg, c, tracks, events := f.store.leg("L1"), f.cases.case_("c1"), f.store.trackCount(), len(f.cases.applied())

	// The door check is done now, so the same scan afresh would be
	// refused: the resend still gets the first answer.
	again, err := f.scanAs("cr-1", req)
	if err != nil {
		t.Fatal(err)
	}
	want := first
	want.Replayed = true
	if again != want || first.Replayed {
		t.Errorf("resent scan = %+v, want %+v", again, want)
	}
	if got := f.store.leg("L1"); got.Version != leg.Version || f.store.trackCount() != tracks {
		t.Errorf("the resend changed the leg (v%d, was v%d) or its tracks (%d, were %d)", got.Version, leg.Version, f.store.trackCount(), tracks)
	}
	if got := f.cases.case_("c1"); got.Version != c.Version || len(f.cases.applied()) != events {
		t.Errorf("the resend moved the case to v%d (was v%d)", got.Version, c.Version)
	}

	other := req
	other.Checks = slices.Clone(req.Checks)
	other.Checks[1].Passed, other.Checks[1].Note = false, "不符"
	if _, err := f.scanAs("cr-1", other); !errors.Is(err, workflow.ErrIdempotencyMismatch) {
		t.Errorf("a scan id reused for another scan: err = %v, want ErrIdempotencyMismatch", err)
	}
	// The scan id is the courier's: another courier's same id is a new scan.
	if _, err := f.scanAs("cr-2", req); err == nil {
		t.Error("another courier's scan of the leg was taken")
	}
}

func TestScanRefusesAnotherCouriersOrProvidersLeg(t *testing.T) {
	f := newDeskFixture(t, deliveryCase("c1"))
	l := deliveryLeg()
	l.CourierID = "cr-2"
	f.store.put(l)
	_, err := f.scanAs("cr-1", ScanRequest{ClientID: "scan-0001", Waybill: "SF1000", Kind: ScanPickup})
	refusedWith(t, err, "leg_of_another_courier")
	if !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("err = %v, want ErrForbidden", err)
	}

	l.CourierID = ""
	f.store.put(l)
	_, err = f.scanAs("cr-kd", ScanRequest{ClientID: "scan-0002", Waybill: "SF1000", Kind: ScanPickup})
	refusedWith(t, err, "leg_of_another_provider")
	if n := f.store.trackCount(); n != 0 || f.store.leg("L1").Version != l.Version {
		t.Errorf("refused scans left %d tracks, leg v%d", n, f.store.leg("L1").Version)
	}
	// An account bound to no provider takes any provider's leg.
	if res, err := f.scanAs("cr-any", ScanRequest{ClientID: "scan-0003", Waybill: "SF1000", Kind: ScanPickup}); err != nil || !res.Applied {
		t.Errorf("scan by an account of every provider = %+v, %v", res, err)
	}
	if _, err := f.scanAs("cr-1", ScanRequest{ClientID: "scan-0004", Waybill: "SF9999", Kind: ScanPickup}); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("unknown waybill: err = %v", err)
	}
}

func TestScanRaces(t *testing.T) {
	pickup := ScanRequest{ClientID: "scan-0001", Waybill: "SF1000", Kind: ScanPickup}
	once := func(fn func(s *memStore)) func(s *memStore) {
		done := false
		return func(s *memStore) {
			if !done {
				done = true
				fn(s)
			}
		}
	}
	t.Run("AnotherCourierTookTheLeg", func(t *testing.T) {
		f := newDeskFixture(t, deliveryCase("c1"))
		f.store.put(deliveryLeg())
		f.store.beforeMove = once(func(s *memStore) {
			l := s.leg("L1")
			l.CourierID, l.Version = "cr-2", l.Version+1
			s.put(l)
		})
		_, err := f.scanAs("cr-1", pickup)
		refusedWith(t, err, "leg_of_another_courier")
		if n := f.store.trackCount(); n != 0 {
			t.Errorf("the losing scan left %d tracks", n)
		}
	})
	t.Run("ThePushMovedTheLeg", func(t *testing.T) {
		f := newDeskFixture(t, deliveryCase("c1"))
		l := deliveryLeg()
		l.Status = StatusOrdered
		f.store.put(l)
		f.store.beforeMove = once(func(s *memStore) {
			l := s.leg("L1")
			l.Status, l.Version = StatusInTransit, l.Version+1
			s.put(l)
		})
		res, err := f.scanAs("cr-1", pickup)
		if err != nil {
			t.Fatal(err)
		}
		// Retried on the leg as the push left it: claimed, not moved back.
		if !res.Applied || res.Status != StatusInTransit || f.store.leg("L1").CourierID != "cr-1" || f.store.leg("L1").Version != 5 {
			t.Errorf("scan after a lost race = %+v, leg %+v", res, f.store.leg("L1"))
		}
	})
	t.Run("TheSameScanWonTheRace", func(t *testing.T) {
		f := newDeskFixture(t, deliveryCase("c1"))
		f.store.put(deliveryLeg())
		var first ScanResult
		f.store.beforeMove = once(func(*memStore) {
			var err error
			if first, err = f.scanAs("cr-1", pickup); err != nil {
				t.Error(err)
			}
		})
		res, err := f.scanAs("cr-1", pickup)
		if err != nil {
			t.Fatal(err)
		}
		want := first
		want.Replayed = true
		if res != want || !first.Applied {
			t.Errorf("the scan that lost = %+v, want the winner's %+v", res, want)
		}
		if n := f.store.trackCount(); n != 1 || f.store.leg("L1").Version != 4 {
			t.Errorf("tracks = %d, leg v%d; want 1 and v4", n, f.store.leg("L1").Version)
		}
	})
}

func TestScanDoorCheck(t *testing.T) {
	door := func(checks ...CheckInput) ScanRequest {
		return ScanRequest{ClientID: "door-0001", Waybill: "SF1000", Kind: ScanDelivery, IDNumber: "ID-U1", Checks: checks}
	}
	pa, pb := CheckInput{Material: "a", Passed: true, PhotoKey: "pa"}, CheckInput{Material: "b", Passed: true, PhotoKey: "pb"}
	setup := func(t *testing.T) *deskFixture {
		f := newDeskFixture(t, deliveryCase("c1"))
		l := deliveryLeg()
		l.CourierID = "cr-1"
		f.store.put(l)
		f.store.photos["L1/pa"] = Photo{LegID: "L1", Key: "pa", SM3: "sa"}
		f.store.photos["L1/pb"] = Photo{LegID: "L1", Key: "pb", SM3: "sb"}
		return f
	}
	cr1 := workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-1"}
	t.Run("Passed", func(t *testing.T) {
		f := setup(t)
		res, err := f.scanAs("cr-1", door(pa, pb))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Applied || res.Status != StatusDelivered || res.Verification != "passed" || res.ReturnLegID != "" {
			t.Errorf("door scan = %+v", res)
		}
		want := []applied{{workflow.EventDeliver, cr1, 2}, {workflow.EventStartVerification, deskActor, 0}}
		if got := f.cases.applied(); !slices.Equal(got, want) {
			t.Errorf("case events = %v, want %v", got, want)
		}
		if c := f.cases.case_("c1"); c.Status != workflow.StatusClosed {
			t.Errorf("case = %s, want closed", c.Status)
		}
		l := f.store.leg("L1")
		if l.Door == nil || !l.Door.IdentityMatched || len(l.Door.Results) != 2 || l.Door.Results[1].PhotoSM3 != "sb" || l.SyncedVersion != l.Version {
			t.Errorf("leg after the door check = %+v", l)
		}
	})
	t.Run("Failed", func(t *testing.T) {
		f := setup(t)
		pb := pb
		pb.Passed, pb.Note = false, "印章不符"
		res, err := f.scanAs("cr-1", door(pa, pb))
		if err != nil {
			t.Fatal(err)
		}
		if res.Verification != "failed" || res.ReturnLegID != "R1" || res.Status != StatusDelivered {
			t.Errorf("failed door scan = %+v", res)
		}
		if back := f.store.leg("R1"); back.Kind != KindReturn || back.ParentID != "L1" || back.CourierID != "cr-1" {
			t.Errorf("return leg = %+v", back)
		}
		want := []applied{{workflow.EventDeliver, cr1, 2}, {workflow.EventStartVerification, deskActor, 0}}
		if got := f.cases.applied(); !slices.Equal(got, want) {
			t.Errorf("case events = %v, want %v", got, want)
		}
		if c := f.cases.case_("c1"); c.Status != workflow.StatusRevoked {
			t.Errorf("case = %s, want revoked", c.Status)
		}
	})
	t.Run("TheCaseMovedMeanwhile", func(t *testing.T) {
		// Another change of the case (a timer, say) wins the race with the
		// handover: the sync reads the case again and goes on from there.
		f := setup(t)
		f.cases.beforeApply = func(m *memCases) {
			m.beforeApply = nil
			c := m.cases["c1"]
			c.Version++
			m.cases["c1"] = c
		}
		if _, err := f.scanAs("cr-1", door(pa, pb)); err != nil {
			t.Fatal(err)
		}
		want := []applied{{workflow.EventDeliver, cr1, 2}, {workflow.EventStartVerification, deskActor, 0}}
		if got := f.cases.applied(); !slices.Equal(got, want) {
			t.Errorf("case events = %v, want %v", got, want)
		}
		if c := f.cases.case_("c1"); c.Status != workflow.StatusClosed || c.Version != 10 {
			t.Errorf("case = %s v%d, want closed v10", c.Status, c.Version)
		}
		if got := f.cases.readCount(); got != 1 {
			t.Errorf("case reads = %d, want 1 (the lookup read it; once more after the lost race)", got)
		}
	})
	t.Run("AfterTheProviderSigned", func(t *testing.T) {
		// The provider's push delivered the leg and the case before the
		// courier's door check arrived: the check is recorded on its own.
		f := setup(t)
		l := f.store.leg("L1")
		l.Status = StatusDelivered
		f.store.put(l)
		c := f.cases.case_("c1")
		c.Status = workflow.StatusVerifying
		c.Verification.Required = []string{"a", "b"}
		f.cases.cases["c1"] = c
		if _, err := f.scanAs("cr-1", door(pa, pb)); err != nil {
			t.Fatal(err)
		}
		want := []applied{{workflow.EventRecordVerification, cr1, 2}}
		if got := f.cases.applied(); !slices.Equal(got, want) {
			t.Errorf("case events = %v, want %v", got, want)
		}
	})
	t.Run("Superseded", func(t *testing.T) {
		// The result was sent again under a newer leg: this leg's news is old.
		f := setup(t)
		newer := deliveryLeg()
		newer.ID, newer.SourceKey, newer.Waybill, newer.CreatedAt = "L9", "outbox:9", "SF9000", t0.Add(time.Minute)
		f.store.put(newer)
		if _, err := f.scanAs("cr-1", door(pa, pb)); err != nil {
			t.Fatal(err)
		}
		if got := f.cases.applied(); len(got) != 0 {
			t.Errorf("a superseded leg moved the case: %v", got)
		}
		if l := f.store.leg("L1"); l.SyncedVersion != l.Version {
			t.Errorf("superseded leg left unsynced: v%d synced v%d", l.Version, l.SyncedVersion)
		}
	})
	for name, tc := range map[string]struct {
		req   ScanRequest
		code  string
		field string
	}{
		"OtherPerson":    {func() ScanRequest { r := door(pa, pb); r.IDNumber = "ID-U2"; return r }(), "identity_mismatch", ""},
		"InvalidID":      {func() ScanRequest { r := door(pa, pb); r.IDNumber = "bad"; return r }(), "invalid_id_number", ""},
		"NoID":           {func() ScanRequest { r := door(pa, pb); r.IDNumber = " "; return r }(), "identity_required", "id_number"},
		"Incomplete":     {door(pa), "checklist_incomplete", ""},
		"PhotoMissing":   {door(pa, CheckInput{Material: "b", Passed: true, PhotoKey: "nope"}), "photo_missing", "checks[1].photo_key"},
		"OtherLegsPhoto": {door(pa, CheckInput{Material: "b", Passed: true, PhotoKey: "p9"}), "photo_missing", "checks[1].photo_key"},
		"NoNote":         {door(pa, CheckInput{Material: "b", PhotoKey: "pb"}), "invalid_field", "checks[1].note"},
		"NotOnList":      {door(pa, CheckInput{Material: "z", Passed: true, PhotoKey: "pb"}), "invalid_field", "checks[1]"},
		"Twice":          {door(pa, pa), "invalid_field", "checks[1]"},
		// Checks are looked at in order: the first one wrong is reported.
		"FirstWrongFirst":  {door(CheckInput{Material: "a", Passed: true, PhotoKey: "nope"}, CheckInput{Material: "z", Passed: true}), "photo_missing", "checks[0].photo_key"},
		"WrongBeforePhoto": {door(CheckInput{Material: "z", Passed: true, PhotoKey: "nope"}, pb), "invalid_field", "checks[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			f.store.photos["L9/p9"] = Photo{LegID: "L9", Key: "p9", SM3: "s9"}
			_, err := f.scanAs("cr-1", tc.req)
			refusedWith(t, err, tc.code)
			if tc.field != "" {
				r, _ := workflow.AsRefusal(err)
				if d, _ := r.Detail.(map[string]string); d["field"] != tc.field {
					t.Errorf("detail = %v, want field %s", r.Detail, tc.field)
				}
			}
			if n := f.store.trackCount(); n != 0 || len(f.cases.applied()) != 0 || f.store.leg("L1").Version != 3 {
				t.Errorf("a refused door check left %d tracks, case events %v, leg v%d", n, f.cases.applied(), f.store.leg("L1").Version)
			}
		})
	}
	t.Run("Done", func(t *testing.T) {
		f := setup(t)
		if _, err := f.scanAs("cr-1", door(pa, pb)); err != nil {
			t.Fatal(err)
		}
		r := door(pa, pb)
		r.ClientID = "door-0002"
		_, err := f.scanAs("cr-1", r)
		refusedWith(t, err, "door_check_done")
	})
}

func TestActiveCourier(t *testing.T) {
	f := newDeskFixture(t)
	f.store.couriers["cr-off"] = Courier{ID: "cr-off", Provider: "sf"}
	if who, err := f.svc.ActiveCourier(context.Background(), "cr-1"); err != nil || who.ID != "cr-1" || who.Provider != "sf" {
		t.Errorf("active courier = %+v, %v", who, err)
	}
	for _, id := range []string{"cr-off", "cr-gone"} {
		_, err := f.svc.ActiveCourier(context.Background(), id)
		refusedWith(t, err, "courier_disabled")
		if !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("%s: err = %v, want ErrForbidden", id, err)
		}
	}
	// An account the caller did not find active is refused by the scan too.
	_, err := f.svc.Scan(context.Background(), Courier{ID: "cr-off"}, ScanRequest{ClientID: "scan-0001", Waybill: "SF1000", Kind: ScanPickup})
	refusedWith(t, err, "courier_disabled")
}

// TestScanRoundTrips counts what the worst scan, a door check that fails
// and gives rise to a return leg, asks of the store and of the workflow.
func TestScanRoundTrips(t *testing.T) {
	f := newDeskFixture(t, deliveryCase("c1"))
	l := deliveryLeg()
	l.CourierID = "cr-1"
	f.store.put(l)
	f.store.photos["L1/pa"] = Photo{LegID: "L1", Key: "pa", SM3: "sa"}
	f.store.photos["L1/pb"] = Photo{LegID: "L1", Key: "pb", SM3: "sb"}
	who, err := f.svc.ActiveCourier(context.Background(), "cr-1")
	if err != nil {
		t.Fatal(err)
	}
	f.store.called()
	res, err := f.svc.Scan(context.Background(), who, ScanRequest{ClientID: "door-0001", Waybill: "SF1000", Kind: ScanDelivery, IDNumber: "ID-U1",
		Checks: []CheckInput{{Material: "a", Passed: true, PhotoKey: "pa"}, {Material: "b", Note: "不符", PhotoKey: "pb"}}})
	if err != nil || res.ReturnLegID == "" {
		t.Fatalf("scan = %+v, %v", res, err)
	}
	// One read (the track, the legs, their case and the photos) and one
	// write (the move with the case's change, the leg synced).
	want := map[string]int{"LookupScan": 1, "MoveAndSync": 1}
	if got := f.store.called(); !maps.Equal(got, want) {
		t.Errorf("store calls = %v, want %v", got, want)
	}
	if got := f.cases.readCount(); got != 0 {
		t.Errorf("case reads = %d, want none besides the lookup", got)
	}
	if got := f.cases.storedCount; got != 1 {
		t.Errorf("stored changes reported = %d, want 1", got)
	}
	if l := f.store.leg("L1"); l.SyncedVersion != l.Version {
		t.Errorf("leg synced at v%d, is v%d", l.SyncedVersion, l.Version)
	}
}
