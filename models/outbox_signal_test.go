package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// replica is one process's share of a PostgreSQL database: its own pool,
// store, service and wake-ups, as each replica of the product has.
type replica struct {
	db     *models.DB
	svc    *workflow.Service
	repo   *models.Repo
	signal *models.OutboxSignal
	wakeup *workflow.Wakeup
}

func newReplica(t *testing.T, url string) *replica {
	t.Helper()
	ctx := ctxT(t)
	db, err := models.Open(ctx, url, models.Options{MaxOpenConns: 4, MaxIdleConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc, repo := newService(t, db, time.Now)
	signal, err := models.NewOutboxSignal(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{db: db, svc: svc, repo: repo, signal: signal, wakeup: workflow.NewWakeup()}
	svc.WakeOnEffects(workflow.Wakers{r.wakeup, signal})
	return r
}

// submit creates a case through the replica's service and submits it,
// which stores effects.
func (r *replica) submit(t *testing.T, id string) {
	t.Helper()
	createCase(t, r.svc, id, "gaj-hjzmkj", time.Now())
	if _, err := r.svc.Do(ctxT(t), id, submitFor(t, r.svc, "gaj-hjzmkj", false, time.Time{}), nil); err != nil {
		t.Fatalf("submit %s: %v", id, err)
	}
}

// countingOutbox counts the claims a dispatcher makes.
type countingOutbox struct {
	workflow.Outbox
	claims atomic.Int32
}

func (c *countingOutbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]workflow.OutboxEntry, error) {
	defer c.claims.Add(1)
	return c.Outbox.Claim(ctx, now, limit, lease)
}

// heardWaker wakes a Wakeup and reports each wake-up on heard.
type heardWaker struct {
	w     *workflow.Wakeup
	heard chan struct{}
}

func (h heardWaker) Wake() {
	h.w.Wake()
	select {
	case h.heard <- struct{}{}:
	default:
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s still waiting for %s", what)
		}
	}
}

func receive[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("after 5 s still waiting for %s", what)
		panic("unreachable")
	}
}

// listening runs b's dispatcher (polling once an hour) and listener until
// the test ends, and returns once both are idle.
type listening struct {
	box       *countingOutbox
	delivered chan workflow.OutboxEntry
	heard     chan struct{}
	lost      chan error
}

func listenOn(t *testing.T, b *replica) *listening {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	l := &listening{
		box:       &countingOutbox{Outbox: b.repo},
		delivered: make(chan workflow.OutboxEntry, 256),
		heard:     make(chan struct{}, 16),
		lost:      make(chan error, 16),
	}
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		l.delivered <- e
		return nil
	})
	d := workflow.NewDispatcher(l.box, run, workflow.DispatcherConfig{Interval: time.Hour, Wake: b.wakeup.C()}, time.Now, nil)
	wg.Go(func() { d.Run(ctx, func(err error) { t.Errorf("dispatcher: %v", err) }) })
	waitFor(t, "the dispatcher's first poll", func() bool { return l.box.claims.Load() >= 1 })
	wg.Go(func() { b.signal.Listen(ctx, heardWaker{b.wakeup, l.heard}, func(err error) { l.lost <- err }) })
	l.connected(t)
	return l
}

// connected waits for the wake-up a listener gives when it (re)connects,
// and for the dispatcher to have claimed after it.
func (l *listening) connected(t *testing.T) {
	t.Helper()
	before := l.box.claims.Load()
	receive(t, "the listener to connect", l.heard)
	waitFor(t, "the claim after the listener connected", func() bool { return l.box.claims.Load() > before })
}

// expect waits for an effect of the case to be delivered.
func (l *listening) expect(t *testing.T, caseID string) {
	t.Helper()
	for {
		if e := receive(t, "an effect of "+caseID+" (the poll is an hour away)", l.delivered); e.CaseID == caseID {
			return
		}
	}
}

func announcing(t *testing.T, r *replica) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { r.signal.Announce(ctx, func(err error) { t.Errorf("announce: %v", err) }) })
}

// TestReplicasWakeEachOtherThroughPostgres: effects committed through one
// replica (which runs no dispatcher) are delivered by another replica's
// dispatcher, polling once an hour, because its listener hears the first's
// announcement; when the listen connection is cut, the listener says so,
// connects again, and goes on waking the dispatcher.
func TestReplicasWakeEachOtherThroughPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a, b := newReplica(t, url), newReplica(t, url)
	announcing(t, a)
	l := listenOn(t, b)

	a.submit(t, "w-1")
	l.expect(t, "w-1")

	for len(l.heard) > 0 { // the wake-up w-1's announcement gave
		<-l.heard
	}
	var cut int64
	err := a.db.Gorm().Raw(`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'zerovisit outbox listener' AND position(? in query) > 0`,
		b.signal.Channel()).Row().Scan(&cut)
	if err != nil || cut != 1 {
		t.Fatalf("cut %d listen connections, %v; want 1", cut, err)
	}
	if err := receive(t, "the listener to report the cut", l.lost); err == nil || !strings.Contains(err.Error(), "outbox listener") {
		t.Errorf("reported %v, want an outbox listener error", err)
	}
	l.connected(t)
	a.submit(t, "w-2")
	l.expect(t, "w-2")
}

// TestOutboxListenerSurvivesQuietSpells: a listen connection pinged after
// quiet spells keeps hearing announcements, and reports nothing.
func TestOutboxListenerSurvivesQuietSpells(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a, b := newReplica(t, url), newReplica(t, url)
	models.SetListenHealth(b.signal, 20*time.Millisecond)
	announcing(t, a)
	l := listenOn(t, b)
	time.Sleep(200 * time.Millisecond) // several quiet spells, each ending in a ping
	a.submit(t, "q-1")
	l.expect(t, "q-1")
	select {
	case err := <-l.lost:
		t.Errorf("listener reported %v", err)
	default:
	}
}

// TestOutboxSignalIgnoresItsOwnAnnouncements: a replica's listener does not
// wake its dispatcher for the replica's own announcements (the service
// woke it in-process already), only for the others'.
func TestOutboxSignalIgnoresItsOwnAnnouncements(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a, b := newReplica(t, url), newReplica(t, url)
	announcing(t, a)
	announcing(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	heard := make(chan struct{}, 16)
	wg.Go(func() { b.signal.Listen(ctx, heardWaker{workflow.NewWakeup(), heard}, nil) })
	receive(t, "the listener to connect", heard)

	// In whichever order the two arrive, b's own would make a second wake-up.
	b.signal.Wake()
	a.signal.Wake()
	receive(t, "a's announcement", heard)
	select {
	case <-heard:
		t.Error("b's listener woke for b's own announcement")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestOutboxSignalNeedsPostgres(t *testing.T) {
	if _, err := models.NewOutboxSignal(ctxT(t), dbtest.SQLite(t)); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("NewOutboxSignal(sqlite) = %v, want ErrInvalidInput", err)
	}
}
