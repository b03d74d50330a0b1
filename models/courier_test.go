package models_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/parcel"
)

func testLeg(id, caseID, waybill string, at time.Time) desk.Leg {
	return desk.Leg{
		ID: id, SourceKey: "outbox:" + id, Kind: desk.KindDelivery, CaseID: caseID, CaseNumber: "ZV-" + caseID,
		ApplicantID: "u1", Department: "jtysj", ItemCode: "jtysj-pthyjyxk", Provider: "sf", Waybill: waybill,
		Status: desk.StatusOrdered, Materials: []string{"aqzd"}, Party: "s1:sealed", Payer: parcel.PayerAccount,
		LastActor: workflow.Actor{Kind: workflow.ActorSystem, ID: "courier-desk"},
		Version:   1, SyncedVersion: 1, CreatedAt: at, UpdatedAt: at, MovedAt: at,
	}
}

func TestCourierStoreLegs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		s := models.NewCourierStore(db)
		l := testLeg("L1", "c1", "SF1", t0)
		if err := s.CreateLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		dup := testLeg("L2", "c1", "SF2", t0)
		dup.SourceKey = l.SourceKey
		if err := s.CreateLeg(ctx, dup); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("second leg of one source: err = %v, want ErrDuplicate", err)
		}
		got, err := s.LegBySource(ctx, l.SourceKey)
		if err != nil {
			t.Fatal(err)
		}
		want := l
		want.CreatedAt, want.UpdatedAt, want.MovedAt = t0.UTC().Truncate(time.Microsecond), t0.UTC().Truncate(time.Microsecond), t0.UTC().Truncate(time.Microsecond)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}

		// A change at the right version is stored; a stale one is a conflict.
		next := got
		next.Status, next.Version, next.UpdatedAt = desk.StatusPickedUp, 2, t0.Add(time.Hour)
		if err := s.UpdateLeg(ctx, next); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateLeg(ctx, next); !errors.Is(err, workflow.ErrConflict) {
			t.Errorf("stale update: err = %v, want ErrConflict", err)
		}
		if _, err := s.Leg(ctx, "nope"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("unknown leg: err = %v, want ErrNotFound", err)
		}

		// A move stores the track, the change and the leg it created, once.
		track := desk.Track{LegID: l.ID, Source: "sf", Key: "R1", State: parcel.StateRefused, Code: "33", At: t0,
			Actor: workflow.Actor{Kind: workflow.ActorSystem, ID: "courier:sf"}, Applied: true, ReceivedAt: t0}
		moved := next
		moved.Status, moved.Version = desk.StatusRefused, 3
		back := testLeg("L3", "c1", "SF1", t0.Add(2*time.Hour))
		back.Kind, back.SourceKey, back.Status = desk.KindReturn, "return:L1", desk.StatusPickedUp
		if err := s.Move(ctx, track, &moved, &back); err != nil {
			t.Fatal(err)
		}
		if err := s.Move(ctx, track, nil, nil); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("same track again: err = %v, want ErrDuplicate", err)
		}
		stale := track
		stale.Key = "R2"
		if err := s.Move(ctx, stale, &moved, nil); !errors.Is(err, workflow.ErrConflict) {
			t.Errorf("move at a stale version: err = %v, want ErrConflict", err)
		}
		if tracks, err := s.Tracks(ctx, l.ID); err != nil || len(tracks) != 1 {
			t.Errorf("tracks = %+v, %v: the conflicting move must leave no track", tracks, err)
		}
		byWaybill, err := s.LegsByWaybill(ctx, "SF1")
		if err != nil || len(byWaybill) != 2 || byWaybill[0].ID != "L3" || byWaybill[1].Status != desk.StatusRefused {
			t.Errorf("legs by waybill = %+v, %v; want the return leg first", byWaybill, err)
		}
		gotTrack, err := s.Track(ctx, "sf", "R1")
		if err != nil || gotTrack.State != parcel.StateRefused || !gotTrack.Applied || gotTrack.Actor.ID != "courier:sf" {
			t.Errorf("track = %+v, %v", gotTrack, err)
		}

		// Syncing moves the synced version forward only.
		unsynced, err := s.UnsyncedLegs(ctx, 10)
		if err != nil || len(unsynced) != 1 || unsynced[0].ID != l.ID {
			t.Fatalf("unsynced = %+v, %v", unsynced, err)
		}
		if err := s.MarkSynced(ctx, l.ID, 3); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSynced(ctx, l.ID, 2); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Leg(ctx, l.ID); got.SyncedVersion != 3 {
			t.Errorf("synced version = %d, want 3", got.SyncedVersion)
		}
		if unsynced, _ := s.UnsyncedLegs(ctx, 10); len(unsynced) != 0 {
			t.Errorf("unsynced after marking = %+v", unsynced)
		}
	})
}

func TestCourierStoreListsAndPhotos(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		s := models.NewCourierStore(db)
		for i, c := range []struct {
			courier string
			status  desk.Status
			moved   time.Duration
		}{{"", desk.StatusOrdered, 0}, {"cr-1", desk.StatusInTransit, -10 * 24 * time.Hour}, {"cr-2", desk.StatusPickedUp, 0}, {"cr-1", desk.StatusDelivered, 0}, {"", desk.StatusOrdering, 0}} {
			l := testLeg(fmt.Sprintf("L%d", i), "c1", fmt.Sprintf("SF%d", i), t0.Add(time.Duration(i)*time.Minute))
			l.CourierID, l.Status, l.MovedAt = c.courier, c.status, t0.Add(c.moved)
			if err := s.CreateLeg(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(legs []desk.Leg) []string {
			var out []string
			for _, l := range legs {
				out = append(out, l.ID)
			}
			return out
		}
		mine, err := s.CourierLegs(ctx, "cr-1", "", t0.Add(-time.Hour), "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"L0", "L1", "L3"}, ids(mine)); diff != "" {
			t.Errorf("courier's legs (-want +got):\n%s", diff)
		}
		page, _ := s.CourierLegs(ctx, "cr-1", "", t0.Add(-time.Hour), "L0", 1)
		if diff := cmp.Diff([]string{"L1"}, ids(page)); diff != "" {
			t.Errorf("second page (-want +got):\n%s", diff)
		}
		still, _ := s.StillLegs(ctx, t0.Add(-24*time.Hour), 10)
		if diff := cmp.Diff([]string{"L1"}, ids(still)); diff != "" {
			t.Errorf("still legs (-want +got):\n%s", diff)
		}
		waiting, _ := s.LegsIn(ctx, []desk.Status{desk.StatusOrdered}, "", 10)
		if diff := cmp.Diff([]string{"L0"}, ids(waiting)); diff != "" {
			t.Errorf("waiting legs (-want +got):\n%s", diff)
		}

		p := desk.Photo{LegID: "L0", Key: "ab", SM3: "cd", Size: 3, ContentType: "image/jpeg", CourierID: "cr-1", CreatedAt: t0}
		for range 2 {
			if err := s.AddPhoto(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Photo(ctx, "L0", "ab"); err != nil || got.SM3 != "cd" {
			t.Errorf("photo = %+v, %v", got, err)
		}
		if _, err := s.Photo(ctx, "L1", "ab"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("photo of another leg: err = %v, want ErrNotFound", err)
		}
		q := p
		q.Key, q.SM3 = "ef", "gh"
		if err := s.AddPhoto(ctx, q); err != nil {
			t.Fatal(err)
		}
		if err := s.AddPhoto(ctx, desk.Photo{LegID: "L1", Key: "zz", SM3: "x", ContentType: "image/png", CourierID: "cr-1", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		// A scan's lookup reads the photos of the waybill's case's legs
		// with the keys its checks name.
		found, err := s.LookupScan(ctx, "courier", "cr-1:none", "SF0", []string{"ef", "zz", "ab", "nope"})
		if err != nil {
			t.Fatal(err)
		}
		sms := map[string]string{}
		for _, ph := range found.Photos {
			sms[ph.LegID+"/"+ph.Key] = ph.SM3
		}
		if diff := cmp.Diff(map[string]string{"L0/ab": "cd", "L0/ef": "gh", "L1/zz": "x"}, sms); diff != "" {
			t.Errorf("photos of the case's legs by key (-want +got):\n%s", diff)
		}
		one, _ := s.Photo(ctx, "L0", "ab")
		one.CreatedAt = time.Time{}
		if i := slices.IndexFunc(found.Photos, func(ph desk.Photo) bool { return ph.Key == "ab" }); i < 0 || !cmp.Equal(one, found.Photos[i]) {
			t.Errorf("photo as the lookup reads it = %+v, as Photo reads it %+v", found.Photos, one)
		}
		if none, err := s.LookupScan(ctx, "courier", "cr-1:none", "SF0", nil); err != nil || len(none.Photos) != 0 {
			t.Errorf("photos of no keys = %+v, %v", none.Photos, err)
		}

		c := desk.Courier{ID: "cr-1", Name: "s1:n", Phone: "s1:p", PhoneIndex: "idx", PasswordHash: "h", Company: "sf", Active: true, CreatedAt: t0}
		if err := s.CreateCourier(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.ID = "cr-2"
		if err := s.CreateCourier(ctx, c); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("second courier with the phone: err = %v, want ErrDuplicate", err)
		}
		if err := s.SetCourierActive(ctx, "cr-1", false); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CourierByPhone(ctx, "idx"); err != nil || got.ID != "cr-1" || got.Active {
			t.Errorf("courier = %+v, %v; want cr-1 disabled", got, err)
		}
		if err := s.SetCourierActive(ctx, "nobody", true); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("unknown courier: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCourierStoreLookupScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		s := models.NewCourierStore(db)
		ids := func(legs []desk.Leg) []string {
			var out []string
			for _, l := range legs {
				out = append(out, l.ID)
			}
			return out
		}
		// Nothing at all: no track, no legs.
		got, err := s.LookupScan(ctx, "courier", "cr-1:scan-1", "SF1", nil)
		if err != nil || got.Track != nil || len(got.Legs) != 0 {
			t.Fatalf("empty lookup = %+v, %v", got, err)
		}

		// Case c1 has a pickup leg (SF0), a delivery leg (SF1) and its
		// return leg (also SF1); case c2 has a leg of its own.
		pickup := testLeg("L0", "c1", "SF0", t0)
		pickup.Kind = desk.KindPickup
		delivery := testLeg("L1", "c1", "SF1", t0.Add(time.Hour))
		back := testLeg("L2", "c1", "SF1", t0.Add(2*time.Hour))
		back.Kind, back.CourierID = desk.KindReturn, "cr-1"
		for _, l := range []desk.Leg{pickup, delivery, back, testLeg("L9", "c2", "SF9", t0.Add(3*time.Hour))} {
			if err := s.CreateLeg(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		got, err = s.LookupScan(ctx, "courier", "cr-1:scan-1", "SF1", nil)
		if err != nil || got.Track != nil {
			t.Fatalf("lookup = %+v, %v", got, err)
		}
		if diff := cmp.Diff([]string{"L2", "L1", "L0"}, ids(got.Legs)); diff != "" {
			t.Errorf("legs of the waybill's case, newest first (-want +got):\n%s", diff)
		}
		one, _ := s.Leg(ctx, "L2")
		if diff := cmp.Diff(one, got.Legs[0]); diff != "" {
			t.Errorf("leg as the lookup reads it (-want +got):\n%s", diff)
		}
		if got, _ := s.LookupScan(ctx, "courier", "cr-1:scan-1", "", nil); len(got.Legs) != 0 {
			t.Errorf("legs of no waybill = %v", ids(got.Legs))
		}

		// A scan seen before: its track, with or without legs to go with it.
		tr := desk.Track{LegID: "L1", Source: "courier", Key: "cr-1:scan-1", RequestHash: "h1", State: parcel.StatePickedUp,
			Code: "pickup", At: t0, Actor: workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-1"}, Note: "n",
			Applied: true, Result: []byte(`{"scan_id":"scan-1"}`), ReceivedAt: t0.Add(time.Minute)}
		if err := s.Move(ctx, tr, nil, nil); err != nil {
			t.Fatal(err)
		}
		want, err := s.Track(ctx, "courier", "cr-1:scan-1")
		if err != nil {
			t.Fatal(err)
		}
		for _, waybill := range []string{"SF1", "SF404"} {
			got, err := s.LookupScan(ctx, "courier", "cr-1:scan-1", waybill, nil)
			if err != nil || got.Track == nil {
				t.Fatalf("lookup of a seen scan under %s = %+v, %v", waybill, got, err)
			}
			if diff := cmp.Diff(want, *got.Track); diff != "" {
				t.Errorf("track as the lookup reads it (-want +got):\n%s", diff)
			}
		}
		if got, _ := s.LookupScan(ctx, "courier", "cr-1:scan-1", "SF1", nil); len(got.Legs) != 3 {
			t.Errorf("legs beside a seen track = %v, want all three", ids(got.Legs))
		}
	})
}

// TestCourierStoreMoveIsAllOrNothing: a move writes its track, the leg's
// change and the leg it created together or not at all, and a repeated
// track is told apart from a stale leg.
func TestCourierStoreMoveIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		s := models.NewCourierStore(db)
		l := testLeg("L1", "c1", "SF1", t0)
		if err := s.CreateLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		stored, _ := s.Leg(ctx, "L1")
		track := func(key string) desk.Track {
			return desk.Track{LegID: "L1", Source: "courier", Key: key, State: parcel.StateSigned, At: t0,
				Actor: workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-1"}, Applied: true, Result: []byte(`{}`), ReceivedAt: t0}
		}
		next := stored
		next.Status, next.Version, next.CourierID, next.UpdatedAt = desk.StatusDelivered, 2, "cr-1", t0.Add(time.Hour)
		back := testLeg("L2", "c1", "SF1", t0.Add(time.Hour))
		back.Kind, back.SourceKey, back.Status, back.ParentID = desk.KindReturn, "return:L1", desk.StatusPickedUp, "L1"
		if err := s.Move(ctx, track("k1"), &next, &back); err != nil {
			t.Fatal(err)
		}
		got, err := s.Leg(ctx, "L1")
		if err != nil || got.Version != 2 || got.Status != desk.StatusDelivered || got.CourierID != "cr-1" || got.SyncedVersion != 1 {
			t.Errorf("moved leg = %+v, %v", got, err)
		}
		gotBack, err := s.Leg(ctx, "L2")
		want := back
		want.CreatedAt, want.UpdatedAt, want.MovedAt = gotBack.CreatedAt, gotBack.UpdatedAt, gotBack.MovedAt
		if err != nil || !cmp.Equal(want, gotBack) || !gotBack.CreatedAt.Equal(back.CreatedAt.Truncate(time.Microsecond)) {
			t.Errorf("created leg = %+v, %v; want %+v", gotBack, err, back)
		}
		if tr, err := s.Track(ctx, "courier", "k1"); err != nil || tr.LegID != "L1" || string(tr.Result) != `{}` {
			t.Errorf("track = %+v, %v", tr, err)
		}

		// At a stale version nothing is written, the created leg neither,
		// even when it exists already: a conflict, not a repeat.
		stale := next
		stale.Status = desk.StatusRefused
		other := back
		other.ID = "L3"
		fresh := testLeg("L4", "c1", "SF1", t0)
		for name, created := range map[string]*desk.Leg{"NoNewLeg": nil, "NewLeg": &fresh, "SameSource": &other} {
			if err := s.Move(ctx, track("k-"+name), &stale, created); !errors.Is(err, workflow.ErrConflict) {
				t.Errorf("%s: stale move: err = %v, want ErrConflict", name, err)
			}
			if _, err := s.Track(ctx, "courier", "k-"+name); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("%s: the stale move left its track: %v", name, err)
			}
		}
		if _, err := s.Leg(ctx, "L4"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("the stale move created its leg: %v", err)
		}
		// A track seen before is a repeat, whatever the leg's version.
		if err := s.Move(ctx, track("k1"), &stale, nil); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("repeated track at a stale version: err = %v, want ErrDuplicate", err)
		}
		later := got
		later.Status, later.Version = desk.StatusDelivered, 3
		if err := s.Move(ctx, track("k1"), &later, nil); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("repeated track: err = %v, want ErrDuplicate", err)
		}
		if got, _ := s.Leg(ctx, "L1"); got.Version != 2 {
			t.Errorf("a refused move changed the leg to v%d", got.Version)
		}
		// A leg created beside a change whose source made one already is a
		// repeat too, and takes the change with it.
		dupBack := back
		dupBack.ID = "L5"
		if err := s.Move(ctx, track("k2"), &later, &dupBack); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("second leg of one source: err = %v, want ErrDuplicate", err)
		}
		if got, _ := s.Leg(ctx, "L1"); got.Version != 2 {
			t.Errorf("a move whose new leg was refused changed the leg to v%d", got.Version)
		}
		if _, err := s.Track(ctx, "courier", "k2"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("a move whose new leg was refused left its track: %v", err)
		}
	})
}

// TestCourierStoreMoveAndSync: a leg's move and its case's change are
// written together, the leg then synced; a case that moved on since the
// change was planned takes nothing and the leg is stored unsynced; a stale
// leg writes neither.
func TestCourierStoreMoveAndSync(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		repo, s := models.NewRepo(db), models.NewCourierStore(db)
		c := newCase("ms-1")
		mustCreate(t, repo, c)
		l := testLeg("M1", c.ID, "SFM1", t0)
		if err := s.CreateLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		track := func(key string, leg desk.Leg) desk.Track {
			return desk.Track{LegID: leg.ID, Source: "courier", Key: key, RequestHash: "h", State: parcel.StatePickedUp,
				Code: "pickup", At: t0, Actor: workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-1"}, ReceivedAt: t0}
		}
		moved := func(leg desk.Leg, st desk.Status) desk.Leg {
			leg.Status, leg.Version, leg.UpdatedAt = st, leg.Version+1, leg.UpdatedAt.Add(time.Minute)
			return leg
		}

		next := moved(l, desk.StatusPickedUp)
		after, ch := chained(c, t0.Add(time.Hour), workflow.StatusAccepted, workflow.StatusApproved)
		synced, err := s.MoveAndSync(ctx, track("k1", next), next, nil, ch)
		if err != nil || !synced {
			t.Fatalf("move and sync = %v, %v; want synced", synced, err)
		}
		stored, _ := s.Leg(ctx, "M1")
		got, _ := repo.GetCase(ctx, c.ID)
		if stored.Version != 2 || stored.SyncedVersion != 2 || got.Version != after.Version || got.Status != workflow.StatusApproved {
			t.Fatalf("leg v%d synced v%d, case v%d %s; want leg v2 synced v2, case v%d approved",
				stored.Version, stored.SyncedVersion, got.Version, got.Status, after.Version)
		}

		// The case moves on by another hand; the stale plan is not written.
		after = mustStep(t, repo, after, workflow.StatusDelivering)
		_, stale := chained(got, t0.Add(2*time.Hour), workflow.StatusDelivering)
		next2 := moved(stored, desk.StatusInTransit)
		synced, err = s.MoveAndSync(ctx, track("k2", next2), next2, nil, stale)
		if err != nil || synced {
			t.Fatalf("move with a stale case = %v, %v; want stored unsynced", synced, err)
		}
		stored, _ = s.Leg(ctx, "M1")
		got, _ = repo.GetCase(ctx, c.ID)
		if stored.Version != 3 || stored.SyncedVersion != 2 || got.Version != after.Version {
			t.Fatalf("leg v%d synced v%d, case v%d; want leg v3 synced v2, case v%d", stored.Version, stored.SyncedVersion, got.Version, after.Version)
		}

		// A stale leg: nothing at all.
		_, fresh := chained(got, t0.Add(3*time.Hour), workflow.StatusDelivered)
		if _, err := s.MoveAndSync(ctx, track("k3", next2), next2, nil, fresh); !errors.Is(err, workflow.ErrConflict) {
			t.Fatalf("stale leg: err = %v, want ErrConflict", err)
		}
		if again, _ := repo.GetCase(ctx, c.ID); again.Version != got.Version {
			t.Errorf("case v%d after a stale leg's move, want v%d", again.Version, got.Version)
		}
		if _, err := s.Track(ctx, "courier", "k3"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("track of a stale leg's move: err = %v, want none stored", err)
		}
		report, err := models.VerifyAudit(ctx, db, nil)
		if err != nil || !report.OK() {
			t.Fatalf("audit: %+v (%v)", report, err)
		}
	})
}
