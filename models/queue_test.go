package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"github.com/google/go-cmp/cmp"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// queueCase is a case of department "market" in status st with a card and a
// deadline (zero: not accepted yet), created at t0 plus created hours.
func queueCase(id string, st workflow.Status, card workflow.Card, deadlineHours, createdHours int) workflow.Case {
	c := newCase(id)
	c.Status, c.Card = st, card
	c.Deadline = time.Time{}
	if deadlineHours > 0 {
		c.Deadline = t0.Add(time.Duration(deadlineHours) * time.Hour)
	}
	c.CreatedAt = t0.Add(time.Duration(createdHours) * time.Hour)
	c.UpdatedAt = c.CreatedAt
	return c
}

// seedQueue stores the cases of one department's queue and a few that must
// not show in it; it returns the queue's ids in the expected order.
func seedQueue(t *testing.T, repo *models.Repo) []string {
	t.Helper()
	business := queueCase("q-none-late", workflow.StatusAccepted, workflow.CardNone, 90, 1)
	business.ApplicantType = workflow.ApplicantBusiness
	business.TrustFirst = true
	cases := []workflow.Case{
		queueCase("q-yellow-2", workflow.StatusAccepted, workflow.CardYellow, 40, 1),
		queueCase("q-red-2", workflow.StatusSupplementRequested, workflow.CardRed, 20, 1),
		business,
		queueCase("q-new", workflow.StatusSubmitted, workflow.CardNone, 0, 5),
		queueCase("q-red-1", workflow.StatusAccepted, workflow.CardRed, 10, 1),
		queueCase("q-yellow-1", workflow.StatusSpecialProcedure, workflow.CardYellow, 30, 1),
		queueCase("q-none-soon", workflow.StatusApproved, workflow.CardNone, 60, 1),
	}
	other := queueCase("q-other-dept", workflow.StatusAccepted, workflow.CardRed, 1, 1)
	other.Department = "transport"
	done := queueCase("q-closed", workflow.StatusClosed, workflow.CardNone, 5, 1)
	verifying := queueCase("q-verifying", workflow.StatusVerifying, workflow.CardNone, 5, 1)
	verifying.NextTimerAt = t0.Add(50 * time.Hour)
	for _, c := range append(cases, other, done, verifying) {
		mustCreate(t, repo, c)
	}
	// q-new has no deadline: it waits since it came in (t0+5h), before the
	// cases without a card whose deadline is later.
	return []string{"q-red-1", "q-red-2", "q-yellow-1", "q-yellow-2", "q-new", "q-none-soon", "q-none-late"}
}

func ids(es []staff.QueueEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Case.ID)
	}
	return out
}

func TestQueueOrderFiltersAndPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		want := seedQueue(t, models.NewRepo(db))
		s := models.NewStaffStore(db)
		q := staff.QueueQuery{Departments: []string{"market"}, Now: t0, Limit: 3}
		var got []string
		for page := 0; ; page++ {
			p, err := s.Queue(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.Total, int64(len(want)); got != want {
				t.Errorf("total = %d, want %d", got, want)
			}
			got = append(got, ids(p.Items)...)
			if p.NextCursor == "" || page > 5 {
				break
			}
			q.Cursor = p.NextCursor
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("queue order (-want +got):\n%s", diff)
		}

		yes := true
		for name, tc := range map[string]struct {
			q    staff.QueueQuery
			want []string
		}{
			"State":         {staff.QueueQuery{Status: workflow.StatusAccepted}, []string{"q-red-1", "q-yellow-2", "q-none-late"}},
			"TrustFirst":    {staff.QueueQuery{TrustFirst: &yes}, []string{"q-none-late"}},
			"Business":      {staff.QueueQuery{ApplicantType: workflow.ApplicantBusiness}, []string{"q-none-late"}},
			"Person":        {staff.QueueQuery{ApplicantType: workflow.ApplicantPerson}, want[:6]},
			"Item":          {staff.QueueQuery{ItemCode: "none"}, []string{}},
			"Cards":         {staff.QueueQuery{Cards: []workflow.Card{workflow.CardRed}}, []string{"q-red-1", "q-red-2"}},
			"AllDepts":      {staff.QueueQuery{Departments: nil, Cards: []workflow.Card{workflow.CardRed}}, []string{"q-other-dept", "q-red-1", "q-red-2"}},
			"Verification":  {staff.QueueQuery{Kind: staff.VerificationQueue}, []string{"q-verifying"}},
			"ItemOfAll":     {staff.QueueQuery{ItemCode: "330100-001", Status: workflow.StatusSubmitted}, []string{"q-new"}},
			"FreeOnly":      {staff.QueueQuery{Claimed: staff.ClaimedFree, Status: workflow.StatusApproved}, []string{"q-none-soon"}},
			"MineIsNothing": {staff.QueueQuery{Claimed: staff.ClaimedMine, StaffID: "k1"}, []string{}},
		} {
			t.Run(name, func(t *testing.T) {
				q := tc.q
				if q.Departments == nil && name != "AllDepts" {
					q.Departments = []string{"market"}
				}
				q.Now, q.Limit = t0, 20
				p, err := s.Queue(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, ids(p.Items)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
		for _, cursor := range []string{"not-a-cursor", `{"r":1,"d":"2025-09-01T10:00:00Z"}`, `{"r":7,"i":"c1"}`} {
			if _, err := s.Queue(ctx, staff.QueueQuery{Now: t0, Limit: 5, Cursor: cursor}); !errors.Is(err, workflow.ErrBadCursor) {
				t.Errorf("cursor %s: err = %v, want ErrBadCursor", cursor, err)
			}
		}
		for name, q := range map[string]staff.QueueQuery{
			"ClosedState":   {Status: workflow.StatusClosed},
			"UnknownClaims": {Claimed: "everyone"},
		} {
			q.Now, q.Limit = t0, 5
			if _, err := s.Queue(ctx, q); !errors.Is(err, workflow.ErrInvalidInput) {
				t.Errorf("%s: err = %v, want ErrInvalidInput", name, err)
			}
		}
	})
}

func TestClaimsLeasesAndLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		repo := models.NewRepo(db)
		mustCreate(t, repo, queueCase("c-1", workflow.StatusAccepted, workflow.CardNone, 10, 1))
		s := models.NewStaffStore(db)
		lease := 10 * time.Minute

		a, err := s.Claim(ctx, "c-1", "market", "alice", t0, lease)
		if err != nil {
			t.Fatal(err)
		}
		if !a.ExpiresAt.Equal(t0.Add(lease).UTC().Truncate(time.Microsecond)) || a.StaffID != "alice" {
			t.Errorf("claim = %+v", a)
		}
		_, err = s.Claim(ctx, "c-1", "market", "bob", t0.Add(time.Minute), lease)
		var held *staff.ClaimHeldError
		if !errors.As(err, &held) || held.Holder.StaffID != "alice" || !errors.Is(err, workflow.ErrConflict) {
			t.Fatalf("bob's claim of alice's case: err = %v, want held by alice", err)
		}
		renewed, err := s.Claim(ctx, "c-1", "market", "alice", t0.Add(5*time.Minute), lease)
		if err != nil {
			t.Fatal(err)
		}
		if !renewed.ClaimedAt.Equal(a.ClaimedAt) || !renewed.ExpiresAt.After(a.ExpiresAt) {
			t.Errorf("renewal = %+v, want the same claim lasting longer", renewed)
		}
		// The lease lapses at t0+15m: the case is back in the queue and bob takes it.
		later := t0.Add(16 * time.Minute)
		if _, ok, _ := s.ClaimOf(ctx, "c-1", later); ok {
			t.Error("a lapsed claim is still live")
		}
		free, err := s.Queue(ctx, staff.QueueQuery{Departments: []string{"market"}, Claimed: staff.ClaimedFree, Now: later, Limit: 5})
		if err != nil || len(free.Items) != 1 {
			t.Fatalf("free cases after the lease lapsed = %v, %v", ids(free.Items), err)
		}
		if _, err := s.Claim(ctx, "c-1", "market", "bob", later, lease); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "c-1", "alice", later); !errors.Is(err, staff.ErrNotHolder) {
			t.Errorf("alice releasing bob's case: err = %v, want ErrNotHolder", err)
		}
		if _, err := s.HandOver(ctx, "c-1", "alice", "carol", "x", later, lease); !errors.Is(err, staff.ErrNotHolder) {
			t.Errorf("alice handing over bob's case: err = %v, want ErrNotHolder", err)
		}
		handed, err := s.HandOver(ctx, "c-1", "bob", "carol", "请假，移交同事", later.Add(time.Minute), lease)
		if err != nil || handed.StaffID != "carol" {
			t.Fatalf("hand over = %+v, %v", handed, err)
		}
		mine, err := s.Queue(ctx, staff.QueueQuery{Departments: []string{"market"}, Claimed: staff.ClaimedMine, StaffID: "carol", Now: later.Add(time.Minute), Limit: 5})
		if err != nil || len(mine.Items) != 1 || mine.Items[0].Claim == nil || mine.Items[0].Claim.StaffID != "carol" {
			t.Fatalf("carol's queue = %+v, %v", mine.Items, err)
		}
		if _, err := s.Reassign(ctx, "c-1", "market", "dave", "sup-1", "超期督办", later.Add(2*time.Minute), lease); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "c-1", "dave", later.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}

		log, err := s.StaffLog(ctx, "c-1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			got = append(got, fmt.Sprintf("%s:%s", e.Action, e.StaffID))
		}
		want := []string{"claim:alice", "claim:bob", "hand_over:bob", "reassign:sup-1", "release:dave"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("staff log (-want +got):\n%s", diff)
		}
		if err := s.VerifyStaffLog(ctx, "c-1"); err != nil {
			t.Fatalf("intact log: %v", err)
		}
		exec(t, db, `UPDATE case_staff_log SET staff_id = 'mallory' WHERE case_id = 'c-1' AND seq = 3`)
		if err := s.VerifyStaffLog(ctx, "c-1"); err == nil {
			t.Error("an altered log entry went unnoticed")
		}
	})
}

// TestClaimNextManyClerks has 50 clerks claim from one queue at once: each
// case is won by exactly one clerk, none is lost, and when the leases lapse
// every case is back in the queue. The queue has 200 cases on PostgreSQL and
// 60 on the embedded SQLite (one writer, slow under the race detector); the
// binary's own test runs 500 over HTTP on PostgreSQL and Redis.
func TestClaimNextManyClerks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		const nClerks = 50
		nCases := 200
		if db.Dialect() == models.DialectSQLite {
			nCases = 60
		}
		ctx := context.Background()
		repo := models.NewRepo(db)
		for i := range nCases {
			mustCreate(t, repo, queueCase(fmt.Sprintf("m-%03d", i), workflow.StatusAccepted, workflow.CardNone, 10+i%37, 1))
		}
		s := models.NewStaffStore(db)
		q := staff.QueueQuery{Departments: []string{"market"}, Now: t0}
		type win struct{ caseID, clerk string }
		wins := make(chan win, nCases*2)
		errs := make(chan error, nClerks)
		for k := range nClerks {
			go func() {
				clerk := fmt.Sprintf("clerk-%02d", k)
				for {
					e, err := s.ClaimNext(ctx, q, clerk, time.Hour)
					if errors.Is(err, workflow.ErrNotFound) {
						errs <- nil
						return
					}
					if err != nil && !errors.Is(err, workflow.ErrConflict) {
						errs <- err
						return
					}
					if err == nil {
						wins <- win{e.Case.ID, clerk}
					}
				}
			}()
		}
		for range nClerks {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		close(wins)
		holder := map[string]string{}
		for w := range wins {
			if prev, dup := holder[w.caseID]; dup {
				t.Errorf("case %s won by %s and %s", w.caseID, prev, w.clerk)
			}
			holder[w.caseID] = w.clerk
		}
		if got, want := len(holder), nCases; got != want {
			t.Fatalf("%d cases claimed, want %d", got, want)
		}
		for id, clerk := range holder {
			c, ok, err := s.ClaimOf(ctx, id, t0)
			if err != nil || !ok || c.StaffID != clerk {
				t.Fatalf("claim of %s = %+v %v %v, want %s", id, c, ok, err, clerk)
			}
		}
		if got := count(t, db, `SELECT count(*) FROM case_staff_log WHERE action = 'claim'`); got != int64(nCases) {
			t.Errorf("%d claims logged, want %d", got, nCases)
		}
		later := t0.Add(2 * time.Hour)
		free, err := s.Queue(ctx, staff.QueueQuery{Departments: []string{"market"}, Claimed: staff.ClaimedFree, Now: later, Limit: 1})
		if err != nil || free.Total != int64(nCases) {
			t.Fatalf("free after the leases lapsed: %d, %v; want %d", free.Total, err, nCases)
		}
		again, err := s.ClaimNext(ctx, staff.QueueQuery{Departments: []string{"market"}, Now: later}, "late-clerk", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := again.Case.ID, "m-000"; got != want {
			t.Errorf("most urgent case after the lapse = %s, want %s", got, want)
		}
	})
}
