package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/workflowtest"
)

// These tests run the real engine (with the shipped catalogue and calendar)
// against the real stores, the way the service does.

func newService(tb testing.TB, db *models.DB, now func() time.Time) (*workflow.Service, *models.Repo) {
	tb.Helper()
	cat, err := configs.LoadCatalogue("")
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		tb.Fatal(err)
	}
	repo := models.NewRepo(db)
	return workflow.NewService(repo, workflow.NewEngine(cat, cal), now), repo
}

var (
	citizenActor = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-1"}
	clerkActor   = workflow.Actor{Kind: workflow.ActorClerk, ID: "clerk-1"}
)

// submitFor builds a well-formed submission of an item of the shipped catalogue.
func submitFor(tb testing.TB, svc *workflow.Service, itemCode string, sign bool, at time.Time) workflow.Submit {
	tb.Helper()
	it, err := svc.Engine().Catalogue().Lookup(itemCode)
	if err != nil {
		tb.Fatal(err)
	}
	return workflowtest.Submit(it, citizenActor, sign, at)
}

func createCase(tb testing.TB, svc *workflow.Service, id, itemCode string, at time.Time) workflow.Case {
	tb.Helper()
	c, err := svc.Create(context.Background(), workflow.Draft{
		ID: id, Number: "ZV" + id, ItemCode: itemCode, ApplicantID: citizenActor.ID,
		Channel: workflow.ChannelWeChat, Actor: citizenActor, At: at,
	}, nil)
	if err != nil {
		tb.Fatalf("create case %s: %v", id, err)
	}
	return c
}

func TestTrustFirstSubmissionPersistsEventsAndEffects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		svc, repo := newService(t, db, func() time.Time { return at })
		createCase(t, svc, "c-tf", "scjgj-spjyxk", at)

		idem := &workflow.IdempotencyRequest{Scope: "citizen:u-1", Key: "k-1", RequestHash: "h-1"}
		got, err := svc.Do(ctx, "c-tf", submitFor(t, svc, "scjgj-spjyxk", true, at), idem)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		if got.Status != workflow.StatusAccepted || !got.TrustFirst {
			t.Fatalf("status %s trust_first %v, want accepted on the trust-first path", got.Status, got.TrustFirst)
		}

		// A retry with the same key answers the same and applies nothing.
		again, err := svc.Do(ctx, "c-tf", submitFor(t, svc, "scjgj-spjyxk", true, at), idem)
		if err != nil {
			t.Fatalf("replayed submit: %v", err)
		}
		if got, want := again.Version, got.Version; got != want {
			t.Errorf("replay version = %d, want %d", got, want)
		}
		// The same key with another request is refused.
		other := *idem
		other.RequestHash = "h-2"
		if _, err := svc.Do(ctx, "c-tf", workflow.Withdraw{Meta: workflow.Meta{Actor: citizenActor}}, &other); !errors.Is(err, workflow.ErrIdempotencyMismatch) {
			t.Errorf("reused key with another request: err = %v, want ErrIdempotencyMismatch", err)
		}

		evs, err := svc.History(ctx, "c-tf")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(evs), 2; got != want {
			t.Fatalf("history has %d events, want %d (create, submit)", got, want)
		}
		if evs[1].PrevHash != evs[0].Hash || evs[1].Hash == "" {
			t.Errorf("events are not chained: %q -> %q", evs[0].Hash, evs[1].PrevHash)
		}

		entries, err := repo.Claim(ctx, at.Add(time.Hour), 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[workflow.EffectKind]int{}
		for _, e := range entries {
			kinds[e.Kind]++
		}
		if kinds[workflow.KindReportProvince] != 1 || kinds[workflow.KindNotifyApplicant] < 1 {
			t.Errorf("effects of an accepted trust-first submission = %v, want one province report and a notification", kinds)
		}
	})
}

// TestConcurrentDecisionsOneWins has 32 clerks decide one case at once on
// real PostgreSQL: exactly one decision lands, the rest are refused.
func TestConcurrentDecisionsOneWins(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc, _ := newService(t, db, func() time.Time { return at })
	createCase(t, svc, "c-race", "gaj-hjzmkj", at)
	if _, err := svc.Do(ctx, "c-race", submitFor(t, svc, "gaj-hjzmkj", false, at), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c-race", workflow.Accept{Meta: workflow.Meta{Actor: clerkActor}}, nil); err != nil {
		t.Fatal(err)
	}
	before, err := svc.History(ctx, "c-race")
	if err != nil {
		t.Fatal(err)
	}

	var wins, refused atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 32 {
		wg.Go(func() {
			<-start
			clerk := workflow.Actor{Kind: workflow.ActorClerk, ID: fmt.Sprintf("clerk-%d", i)}
			var ev workflow.Event = workflow.Approve{Meta: workflow.Meta{Actor: clerk}, Opinion: "准予"}
			if i%2 == 1 {
				ev = workflow.Reject{Meta: workflow.Meta{Actor: clerk}, Reason: "材料不全", LegalBasis: "《中华人民共和国行政许可法》第三十八条"}
			}
			_, err := svc.Do(ctx, "c-race", ev, nil)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, workflow.ErrConflict), errors.Is(err, workflow.ErrInvalidTransition):
				refused.Add(1)
			default:
				t.Errorf("clerk %d: unexpected error %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got, want := wins.Load(), int32(1); got != want {
		t.Fatalf("%d decisions landed, want %d", got, want)
	}
	if got, want := refused.Load(), int32(31); got != want {
		t.Errorf("%d decisions refused, want %d", got, want)
	}
	after, err := svc.History(ctx, "c-race")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(after), len(before)+1; got != want {
		t.Errorf("history grew to %d events, want %d", got, want)
	}
}

// TestTwoDispatchersDeliverEachEffectOnce runs two dispatchers against one
// PostgreSQL outbox of 1,000 effects and a recording sink.
func TestTwoDispatchersDeliverEachEffectOnce(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	repo := models.NewRepo(db)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const cases, perCase = 100, 10
	for i := range cases {
		id := fmt.Sprintf("d-%03d", i)
		effects := make([]workflow.Effect, perCase)
		for v := range perCase {
			effects[v] = workflow.ReportProvince{CaseID: id, Number: "ZV" + id, DataVersion: int64(v + 1), Status: workflow.StatusAccepted, At: at}
		}
		c := workflow.Case{ID: id, Number: "ZV" + id, ItemCode: "gaj-hjzmkj", Department: "gaj", ApplicantID: "u", Status: workflow.StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at}
		ch := workflow.Change{Case: c, Effects: effects, Event: workflow.EventRecord{CaseID: id, Seq: 1, Name: "create", Actor: citizenActor, At: at, To: workflow.StatusDraft}}
		if err := repo.CreateCase(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	delivered := map[string]int{}
	byDispatcher := [2]int{}
	sink := func(who int) workflow.Runner {
		r := workflow.NewEffectRouter()
		r.Handle(workflow.KindReportProvince, func(_ context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
			rp := eff.(workflow.ReportProvince)
			mu.Lock()
			delivered[fmt.Sprintf("%s/%d", rp.Number, rp.DataVersion)]++
			byDispatcher[who]++
			mu.Unlock()
			return nil
		})
		return r
	}
	var wg sync.WaitGroup
	for who := range 2 {
		d := workflow.NewDispatcher(repo, sink(who), workflow.DispatcherConfig{Batch: 25, Lease: time.Minute}, time.Now, nil)
		wg.Go(func() {
			for {
				n, err := d.RunOnce(ctx)
				if err != nil {
					t.Errorf("dispatcher %d: %v", who, err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()

	if got, want := len(delivered), cases*perCase; got != want {
		t.Fatalf("%d distinct effects delivered, want %d", got, want)
	}
	for k, n := range delivered {
		if n != 1 {
			t.Errorf("effect %s delivered %d times", k, n)
		}
	}
	if byDispatcher[0] == 0 || byDispatcher[1] == 0 {
		t.Logf("work split %v: one dispatcher did everything", byDispatcher)
	}
	counts, err := repo.OutboxCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts[workflow.OutboxDone], int64(cases*perCase); got != want {
		t.Errorf("done entries = %d, want %d", got, want)
	}
}

// BenchmarkServiceTransition is one persisted transition through the
// service: load, apply, and one transaction with the event, the outbox
// effects and the idempotency record.
func BenchmarkServiceTransition(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *models.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			db := backend.open(b)
			ctx := context.Background()
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			svc, _ := newService(b, db, func() time.Time { return at })
			createCase(b, svc, "bench", "gaj-hjzmkj", at)
			if _, err := svc.Do(ctx, "bench", submitFor(b, svc, "gaj-hjzmkj", false, at), nil); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.Do(ctx, "bench", workflow.Accept{Meta: workflow.Meta{Actor: clerkActor}}, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				var ev workflow.Event = workflow.RequestSupplement{Meta: workflow.Meta{Actor: clerkActor},
					Items: []workflow.SupplementItem{{Material: "sqb", Reason: "申请表缺少签名"}}}
				if i%2 == 1 {
					ev = workflow.SupplySupplement{Meta: workflow.Meta{Actor: citizenActor},
						Materials: []workflow.ProvidedMaterial{{Code: "sqb", Source: workflow.SourceUpload, Ref: "ref-sqb-2"}}}
				}
				idem := &workflow.IdempotencyRequest{Scope: "bench", Key: fmt.Sprintf("k-%d", i), RequestHash: "h"}
				if _, err := svc.Do(ctx, "bench", ev, idem); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
