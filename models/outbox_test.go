package models_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// seedOutbox stores cases with perCase effects each and returns how many entries that made.
func seedOutbox(t *testing.T, repo *models.Repo, cases, perCase int) int {
	t.Helper()
	for i := range cases {
		c := newCase(fmt.Sprintf("o%d", i))
		effects := make([]workflow.Effect, perCase)
		for j := range effects {
			effects[j] = orderCourier{CaseID: c.ID, Leg: fmt.Sprintf("leg-%d", j)}
		}
		mustCreate(t, repo, c, effects...)
	}
	return cases * perCase
}

// sink records deliveries, as the receiving party would.
type sink struct {
	mu   sync.Mutex
	seen map[int64]int
}

func (s *sink) deliver(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[id]++
}

// TestOutboxExactlyOnce has two dispatchers, each with its own Repo as on
// two replicas, drain 1,000 entries concurrently: each entry must reach the
// sink exactly once.
func TestOutboxExactlyOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		total := seedOutbox(t, models.NewRepo(db), 100, 10)
		s := &sink{seen: make(map[int64]int)}
		now := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		per := make([]int, 2)
		for d := range 2 {
			repo := models.NewRepo(db)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					batch, err := repo.Claim(ctx, now, 7, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if len(batch) == 0 {
						return
					}
					for _, e := range batch {
						per[d]++
						s.deliver(e.ID)
						if err := repo.Complete(ctx, e.ID, now); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("dispatcher: %v", err)
		}
		t.Logf("deliveries per dispatcher: %v", per)
		if got := len(s.seen); got != total {
			t.Errorf("%d distinct entries delivered, want %d", got, total)
		}
		for id, n := range s.seen {
			if n != 1 {
				t.Errorf("entry %d delivered %d times", id, n)
			}
		}
		counts, err := models.NewRepo(db).OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[workflow.OutboxState]int64{workflow.OutboxPending: 0, workflow.OutboxDone: int64(total), workflow.OutboxDead: 0}
		if diff := cmp.Diff(want, counts); diff != "" {
			t.Errorf("OutboxCounts (-want +got):\n%s", diff)
		}
	})
}

func TestOutboxLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		seedOutbox(t, repo, 1, 3)
		now := t0.Add(time.Minute)

		first, err := repo.Claim(ctx, now, 10, time.Minute)
		if err != nil || len(first) != 3 {
			t.Fatalf("Claim = %d entries, %v; want 3", len(first), err)
		}
		e := first[0]
		if e.Kind != "order_courier" || e.CaseID != "o0" || e.Attempts != 1 || e.State != workflow.OutboxPending {
			t.Errorf("claimed entry = %+v", e)
		}
		if want := `{"case_id":"o0","leg":"leg-0"}`; string(e.Payload) != want && !jsonEqual(t, e.Payload, want) {
			t.Errorf("payload = %s, want %s", e.Payload, want)
		}
		if first[0].ID >= first[1].ID || first[1].ID >= first[2].ID {
			t.Errorf("claimed ids %d %d %d, want effect order", first[0].ID, first[1].ID, first[2].ID)
		}

		t.Run("LeaseHidesEntries", func(t *testing.T) {
			if got, _ := repo.Claim(ctx, now.Add(59*time.Second), 10, time.Minute); len(got) != 0 {
				t.Errorf("Claim during the lease = %d entries, want 0", len(got))
			}
			again, err := repo.Claim(ctx, now.Add(time.Minute), 10, time.Minute)
			if err != nil || len(again) != 3 || again[0].Attempts != 2 {
				t.Fatalf("Claim after the lease = %+v, %v; want 3 entries at attempt 2", again, err)
			}
		})
		later := now.Add(2 * time.Minute)
		a, b, c := first[0].ID, first[1].ID, first[2].ID

		t.Run("Complete", func(t *testing.T) {
			if err := repo.Complete(ctx, a, later); err != nil {
				t.Fatal(err)
			}
			if err := repo.Complete(ctx, a, later); err != nil {
				t.Errorf("Complete twice = %v, want nil", err)
			}
			if err := repo.Complete(ctx, 999999, later); !errors.Is(err, workflow.ErrNotFound) {
				t.Errorf("Complete(missing) = %v, want ErrNotFound", err)
			}
			if err := repo.Retry(ctx, a, later, "x"); !errors.Is(err, workflow.ErrConflict) {
				t.Errorf("Retry(done) = %v, want ErrConflict", err)
			}
		})
		t.Run("Retry", func(t *testing.T) {
			if err := repo.Retry(ctx, b, later.Add(time.Hour), "courier 503"); err != nil {
				t.Fatal(err)
			}
			got, _ := repo.Claim(ctx, later.Add(30*time.Minute), 10, time.Minute)
			for _, e := range got {
				if e.ID == b {
					t.Errorf("retried entry claimed before it is due")
				}
			}
			got, _ = repo.Claim(ctx, later.Add(time.Hour), 10, time.Minute)
			found := false
			for _, e := range got {
				if e.ID == b {
					found = true
					if e.LastError != "courier 503" || e.Attempts != 3 {
						t.Errorf("retried entry = %+v, want attempt 3 with its error", e)
					}
				}
			}
			if !found {
				t.Errorf("Claim when due = %+v, want entry %d among them", got, b)
			}
		})
		t.Run("BuryAndRedrive", func(t *testing.T) {
			if err := repo.Bury(ctx, c, later, "permanent: bad address"); err != nil {
				t.Fatal(err)
			}
			if err := repo.Bury(ctx, c, later, "again"); err != nil {
				t.Errorf("Bury twice = %v, want nil", err)
			}
			dead, err := repo.List(ctx, workflow.OutboxDead, 0, 10)
			if err != nil || len(dead) != 1 || dead[0].ID != c || dead[0].LastError != "permanent: bad address" {
				t.Fatalf("List(dead) = %+v, %v", dead, err)
			}
			if got, _ := repo.Claim(ctx, later.Add(24*time.Hour), 10, time.Minute); len(got) != 1 || got[0].ID != b {
				t.Errorf("Claim = %+v, want only the pending entry %d (not the dead one)", got, b)
			}
			if err := repo.Redrive(ctx, b, later); !errors.Is(err, workflow.ErrConflict) {
				t.Errorf("Redrive(pending) = %v, want ErrConflict", err)
			}
			redo := later.Add(48 * time.Hour)
			if err := repo.Redrive(ctx, c, redo); err != nil {
				t.Fatal(err)
			}
			got, _ := repo.Claim(ctx, redo, 10, time.Minute)
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
				if e.ID == c && e.Attempts != 1 {
					t.Errorf("redriven entry at attempt %d, want 1 (fresh budget)", e.Attempts)
				}
			}
			if diff := cmp.Diff([]int64{b, c}, ids); diff != "" {
				t.Errorf("Claim after redrive (-want +got):\n%s", diff)
			}
		})
		t.Run("List", func(t *testing.T) {
			_ = repo.Complete(ctx, b, later)
			_ = repo.Complete(ctx, c, later)
			done, err := repo.List(ctx, workflow.OutboxDone, 0, 2)
			if err != nil || len(done) != 2 || done[0].ID != c || done[1].ID != b {
				t.Fatalf("List(done, 0, 2) = %+v, %v; want %d, %d", done, err, c, b)
			}
			rest, err := repo.List(ctx, workflow.OutboxDone, b, 10)
			if err != nil || len(rest) != 1 || rest[0].ID != a {
				t.Errorf("List(done, before %d) = %+v, %v; want %d", b, rest, err, a)
			}
		})
	})
}

// TestPurgeDone: the retention sweep deletes done entries older than the
// cut-off, in batches past the first, and never a pending or dead one.
func TestPurgeDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx, repo := ctxT(t), models.NewRepo(db)
		seedOutbox(t, repo, 130, 10) // 1,300 entries: more than one batch
		old, recent := t0.Add(time.Hour), t0.Add(40*24*time.Hour)
		claimed, err := repo.Claim(ctx, t0.Add(time.Minute), 2000, time.Minute)
		if err != nil || len(claimed) != 1300 {
			t.Fatalf("Claim = %d, %v", len(claimed), err)
		}
		for i, e := range claimed {
			switch {
			case i < 1200:
				err = repo.Complete(ctx, e.ID, old) // done long ago
			case i < 1250:
				err = repo.Complete(ctx, e.ID, recent) // done lately
			case i < 1280:
				err = repo.Bury(ctx, e.ID, old, "permanent") // dead, long ago
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := repo.PurgeDone(ctx, t0.Add(30*24*time.Hour))
		if err != nil || n != 1200 {
			t.Fatalf("PurgeDone = %d, %v; want the 1200 old done entries", n, err)
		}
		counts, err := repo.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[workflow.OutboxState]int64{workflow.OutboxDone: 50, workflow.OutboxDead: 30, workflow.OutboxPending: 20}
		if diff := cmp.Diff(want, counts); diff != "" {
			t.Errorf("after the purge (-want +got):\n%s", diff)
		}
		if n, err := repo.PurgeDone(ctx, t0.Add(30*24*time.Hour)); err != nil || n != 0 {
			t.Errorf("second PurgeDone = %d, %v; want nothing left to purge", n, err)
		}
	})
}

func TestClaimInvalidInput(t *testing.T) {
	repo := models.NewRepo(dbtest.SQLite(t))
	if _, err := repo.Claim(ctxT(t), t0, 0, time.Minute); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("Claim(limit 0) = %v, want ErrInvalidInput", err)
	}
}
