package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/workflow"
)

// memOutbox is an in-memory Outbox for unit tests of the dispatcher; the
// real stores are tested against PostgreSQL and SQLite in models.
type memOutbox struct {
	mu      sync.Mutex
	entries map[int64]*workflow.OutboxEntry
	leased  map[int64]time.Time
	claims  atomic.Int32
}

func newMemOutbox(n int) *memOutbox {
	m := &memOutbox{entries: map[int64]*workflow.OutboxEntry{}, leased: map[int64]time.Time{}}
	for i := 1; i <= n; i++ {
		m.entries[int64(i)] = &workflow.OutboxEntry{ID: int64(i), Kind: "test", State: workflow.OutboxPending}
	}
	return m
}

// newMemOutboxOf returns an outbox of n entries spread over the given
// cases in turn: entry i belongs to cases[(i-1) % len(cases)].
func newMemOutboxOf(n int, cases ...string) *memOutbox {
	m := newMemOutbox(n)
	for id, e := range m.entries {
		e.CaseID = cases[int(id-1)%len(cases)]
	}
	return m
}

// add appends a pending entry, due at once, and returns its id.
func (m *memOutbox) add(caseID string, kind workflow.EffectKind) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := int64(len(m.entries) + 1)
	m.entries[id] = &workflow.OutboxEntry{ID: id, CaseID: caseID, Kind: kind, State: workflow.OutboxPending}
	return id
}

func (m *memOutbox) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]workflow.OutboxEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.claims.Add(1)
	var out []workflow.OutboxEntry
	for id := int64(1); id <= int64(len(m.entries)) && len(out) < limit; id++ {
		e := m.entries[id]
		if e.State != workflow.OutboxPending || e.NextAt.After(now) || m.leased[id].After(now) {
			continue
		}
		e.Attempts++
		m.leased[id] = now.Add(lease)
		out = append(out, *e)
	}
	return out, nil
}

func (m *memOutbox) set(id int64, f func(e *workflow.OutboxEntry)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return workflow.ErrNotFound
	}
	f(e)
	delete(m.leased, id)
	return nil
}

func (m *memOutbox) Complete(_ context.Context, id int64, _ time.Time) error {
	return m.set(id, func(e *workflow.OutboxEntry) { e.State = workflow.OutboxDone })
}

func (m *memOutbox) Retry(_ context.Context, id int64, next time.Time, msg string) error {
	return m.set(id, func(e *workflow.OutboxEntry) { e.NextAt, e.LastError = next, msg })
}

func (m *memOutbox) Bury(_ context.Context, id int64, _ time.Time, msg string) error {
	return m.set(id, func(e *workflow.OutboxEntry) { e.State, e.LastError = workflow.OutboxDead, msg })
}

func (m *memOutbox) Redrive(_ context.Context, id int64, now time.Time) error {
	return m.set(id, func(e *workflow.OutboxEntry) { e.State, e.NextAt, e.Attempts = workflow.OutboxPending, now, 0 })
}

func (m *memOutbox) List(context.Context, workflow.OutboxState, int64, int) ([]workflow.OutboxEntry, error) {
	return nil, nil
}

func (m *memOutbox) get(id int64) workflow.OutboxEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return *m.entries[id]
}

func TestDispatcherDeliversOnce(t *testing.T) {
	box := newMemOutbox(10)
	var mu sync.Mutex
	seen := map[int64]int{}
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		mu.Lock()
		seen[e.ID]++
		mu.Unlock()
		return nil
	})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{Batch: 4}, func() time.Time { return now }, nil)
	total := 0
	for range 5 {
		n, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if got, want := total, 10; got != want {
		t.Errorf("handled %d entries, want %d", got, want)
	}
	for id := int64(1); id <= 10; id++ {
		if got := seen[id]; got != 1 {
			t.Errorf("entry %d delivered %d times, want 1", id, got)
		}
		if got, want := box.get(id).State, workflow.OutboxDone; got != want {
			t.Errorf("entry %d state = %s, want %s", id, got, want)
		}
	}
}

func TestDispatcherRetriesThenBuries(t *testing.T) {
	box := newMemOutbox(1)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	calls := 0
	run := workflow.RunnerFunc(func(context.Context, workflow.OutboxEntry) error {
		calls++
		return errors.New("province: 503 service unavailable")
	})
	var outcomes []workflow.DispatchOutcome
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Minute},
		func() time.Time { return now }, func(_ workflow.EffectKind, o workflow.DispatchOutcome) { outcomes = append(outcomes, o) })

	for attempt := 1; attempt <= 3; attempt++ {
		if n, err := d.RunOnce(context.Background()); err != nil || n != 1 {
			t.Fatalf("attempt %d: handled %d, err %v", attempt, n, err)
		}
		e := box.get(1)
		if attempt < 3 {
			if got, want := e.State, workflow.OutboxPending; got != want {
				t.Fatalf("after attempt %d state = %s, want %s", attempt, got, want)
			}
			if !e.NextAt.After(now) {
				t.Fatalf("after attempt %d next_at %v is not in the future", attempt, e.NextAt)
			}
			// Not due yet: a poll now finds nothing.
			if n, _ := d.RunOnce(context.Background()); n != 0 {
				t.Fatalf("entry retried before its backoff elapsed")
			}
			now = e.NextAt
		}
	}
	if got, want := box.get(1).State, workflow.OutboxDead; got != want {
		t.Errorf("state after max attempts = %s, want %s", got, want)
	}
	if got, want := calls, 3; got != want {
		t.Errorf("calls = %d, want %d", got, want)
	}
	want := []workflow.DispatchOutcome{workflow.OutcomeRetry, workflow.OutcomeRetry, workflow.OutcomeDead}
	if len(outcomes) != len(want) {
		t.Fatalf("outcomes = %v, want %v", outcomes, want)
	}
	for i := range want {
		if outcomes[i] != want[i] {
			t.Errorf("outcome %d = %s, want %s", i, outcomes[i], want[i])
		}
	}

	// Re-driven, it is delivered again.
	if err := box.Redrive(context.Background(), 1, now); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.RunOnce(context.Background()); n != 1 {
		t.Errorf("re-driven entry not claimed")
	}
}

func TestDispatcherPermanentFailureBuriesAtOnce(t *testing.T) {
	box := newMemOutbox(1)
	run := workflow.RunnerFunc(func(context.Context, workflow.OutboxEntry) error {
		return fmt.Errorf("elicense: refused payload: %w", workflow.ErrPermanent)
	})
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{MaxAttempts: 10}, time.Now, nil)
	if _, err := d.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := box.get(1).State, workflow.OutboxDead; got != want {
		t.Errorf("state = %s, want %s", got, want)
	}
}

func TestBackoffGrowsAndStaysBounded(t *testing.T) {
	d := workflow.NewDispatcher(newMemOutbox(0), nil, workflow.DispatcherConfig{BaseDelay: time.Second, MaxDelay: time.Minute}, time.Now, nil)
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 7: time.Minute, 100: time.Minute} {
		for range 50 {
			got := d.Backoff(attempts)
			if got < want/2 || got > want {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempts, got, want/2, want)
			}
		}
	}
}

// TestDispatcherDeliversCasesSideBySideInOrder: a batch of several cases is
// delivered with the cases side by side, up to Workers at once, and each
// case's entries one after another in claim order, each exactly once.
func TestDispatcherDeliversCasesSideBySideInOrder(t *testing.T) {
	cases := []string{"a", "b", "c", "d", "e", "f"}
	const workers, perCase = 4, 5
	box := newMemOutboxOf(len(cases)*perCase, cases...)
	var (
		mu       sync.Mutex
		seen     = map[int64]int{}
		order    = map[string][]int64{}
		busy     = map[string]bool{}
		inFlight int
		most     int
	)
	// The first deliveries wait until all workers are busy at once, so a
	// dispatcher delivering one entry at a time cannot pass.
	together := make(chan struct{})
	var allBusy sync.Once
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		mu.Lock()
		if busy[e.CaseID] {
			t.Errorf("entry %d delivered while another entry of case %s was", e.ID, e.CaseID)
		}
		busy[e.CaseID] = true
		seen[e.ID]++
		order[e.CaseID] = append(order[e.CaseID], e.ID)
		inFlight++
		most = max(most, inFlight)
		if inFlight == workers {
			allBusy.Do(func() { close(together) })
		}
		mu.Unlock()
		select {
		case <-together:
		case <-time.After(5 * time.Second): // not all at once: the count below fails
			allBusy.Do(func() { close(together) })
		}
		mu.Lock()
		busy[e.CaseID] = false
		inFlight--
		mu.Unlock()
		return nil
	})
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{Batch: 100, Workers: workers}, time.Now, nil)
	n, err := d.RunOnce(context.Background())
	if err != nil || n != len(cases)*perCase {
		t.Fatalf("RunOnce = %d, %v; want %d entries", n, err, len(cases)*perCase)
	}
	if most != workers {
		t.Errorf("at most %d entries delivered at once, want %d", most, workers)
	}
	for id := int64(1); id <= int64(len(cases)*perCase); id++ {
		if seen[id] != 1 {
			t.Errorf("entry %d delivered %d times, want 1", id, seen[id])
		}
		if got := box.get(id).State; got != workflow.OutboxDone {
			t.Errorf("entry %d is %s, want done", id, got)
		}
	}
	for i, c := range cases {
		var want []int64
		for j := range perCase {
			want = append(want, int64(i+1+j*len(cases)))
		}
		if !slices.Equal(order[c], want) {
			t.Errorf("case %s delivered in order %v, want %v", c, order[c], want)
		}
	}
}

// failingOutbox fails to record the result of one entry.
type failingOutbox struct {
	*memOutbox
	failID int64
}

func (f failingOutbox) Complete(ctx context.Context, id int64, now time.Time) error {
	if id == f.failID {
		return errors.New("database went away")
	}
	return f.memOutbox.Complete(ctx, id, now)
}

// TestDispatcherOutboxFailureStopsOnlyItsCase: when the result of one
// entry cannot be recorded, the rest of its case waits for the lease to
// run out (so its order holds), and the other cases are delivered.
func TestDispatcherOutboxFailureStopsOnlyItsCase(t *testing.T) {
	box := newMemOutboxOf(6, "a", "b") // a: 1, 3, 5; b: 2, 4, 6
	var mu sync.Mutex
	var delivered []int64
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		mu.Lock()
		delivered = append(delivered, e.ID)
		mu.Unlock()
		return nil
	})
	d := workflow.NewDispatcher(failingOutbox{box, 3}, run, workflow.DispatcherConfig{Batch: 10, Workers: 2}, time.Now, nil)
	n, err := d.RunOnce(context.Background())
	if err == nil || n != 4 {
		t.Fatalf("RunOnce = %d, %v; want 4 handled and the failure", n, err)
	}
	slices.Sort(delivered)
	if want := []int64{1, 2, 3, 4, 6}; !slices.Equal(delivered, want) {
		t.Errorf("delivered %v, want %v (not 5, which follows the failed 3)", delivered, want)
	}
	if got := box.get(5).State; got != workflow.OutboxPending {
		t.Errorf("entry 5 is %s, want pending", got)
	}
}

// outboxStore is the service's fake store writing effects into a memOutbox,
// as the real store writes them into the outbox table in the same change.
type outboxStore struct {
	*fakeStore
	box *memOutbox
}

func (s outboxStore) ApplyChange(ctx context.Context, ch workflow.Change) error {
	if err := s.fakeStore.ApplyChange(ctx, ch); err != nil {
		return err
	}
	for _, eff := range ch.Effects {
		s.box.add(ch.Case.ID, eff.EffectKind())
	}
	return nil
}

// TestDispatcherWakesWhenEffectsAreStored: with a poll of an hour, the
// effects of a change stored through the service are delivered at once,
// because the service wakes the dispatcher it shares a Wakeup with.
func TestDispatcherWakesWhenEffectsAreStored(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	box := newMemOutbox(0)
	store := outboxStore{newFakeStore(), box}
	svc := workflow.NewService(store, newEngine(t), func() time.Time { return at(t, "2025-09-01 09:00") })
	wake := workflow.NewWakeup()
	svc.WakeOnEffects(wake)
	delivered := make(chan workflow.OutboxEntry, 16)
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		delivered <- e
		return nil
	})
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{Interval: time.Hour, Wake: wake.C()}, time.Now, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(err error) { t.Errorf("dispatcher: %v", err) })
	}()
	for box.claims.Load() == 0 { // the first poll found nothing: the dispatcher now waits
		time.Sleep(time.Millisecond)
	}

	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), nil); err != nil {
		t.Fatal(err)
	}
	var got []workflow.EffectKind
	for len(got) < 3 {
		select {
		case e := <-delivered:
			got = append(got, e.Kind)
		case <-time.After(5 * time.Second):
			t.Fatalf("after 5 s, delivered %v of the submission's 3 effects (the poll is an hour away)", got)
		}
	}
	if want := k(notify, push, report); !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	cancel()
	<-done
}

func TestWakeupCoalesces(t *testing.T) {
	w := workflow.NewWakeup()
	for range 3 {
		w.Wake()
	}
	var counting countingWaker
	workflow.Wakers{w, &counting}.Wake()
	select {
	case <-w.C():
	default:
		t.Fatal("no wake-up pending after Wake")
	}
	select {
	case <-w.C():
		t.Fatal("four Wake calls left two wake-ups pending, want one")
	default:
	}
	if got := counting.n.Load(); got != 1 {
		t.Errorf("Wakers woke a member %d times, want 1", got)
	}
}

// countingWaker counts its wake-ups.
type countingWaker struct{ n atomic.Int32 }

func (c *countingWaker) Wake() { c.n.Add(1) }

// TestDispatcherRunDoesNotWaitForASlowCase: while one case's delivery
// hangs, Run claims and delivers another case's new entry at once, and the
// hanging case's next entry waits for it, in order.
func TestDispatcherRunDoesNotWaitForASlowCase(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	box := newMemOutbox(0)
	box.add("slow", "test")
	started, release := make(chan struct{}), make(chan struct{})
	finished := make(chan int64, 8)
	var (
		mu   sync.Mutex
		busy = map[string]bool{}
	)
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		mu.Lock()
		if busy[e.CaseID] {
			t.Errorf("entry %d delivered while another entry of case %s was", e.ID, e.CaseID)
		}
		busy[e.CaseID] = true
		mu.Unlock()
		if e.ID == 1 {
			close(started)
			select {
			case <-release:
			case <-time.After(5 * time.Second):
			}
		}
		mu.Lock()
		busy[e.CaseID] = false
		mu.Unlock()
		finished <- e.ID
		return nil
	})
	wake := workflow.NewWakeup()
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{Interval: time.Hour, Wake: wake.C(), Workers: 4, Batch: 10}, time.Now, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(err error) { t.Errorf("dispatcher: %v", err) })
	}()
	<-started
	box.add("slow", "test")  // 2: behind 1
	box.add("quick", "test") // 3
	wake.Wake()
	var order []int64
	for len(order) < 3 {
		select {
		case id := <-finished:
			order = append(order, id)
			if len(order) == 1 {
				close(release)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("delivered %v after 10 s, want all three", order)
		}
	}
	if want := []int64{3, 1, 2}; !slices.Equal(order, want) {
		t.Errorf("delivered in order %v, want %v (the quick case while the slow one hung, then the slow one's in order)", order, want)
	}
	cancel()
	<-done
	for id := int64(1); id <= 3; id++ {
		if got := box.get(id).State; got != workflow.OutboxDone {
			t.Errorf("entry %d is %s, want done", id, got)
		}
	}
}

// TestDispatcherRunKeepsEachCaseInOrder: entries of many cases arrive
// while Run delivers, each woken for; every entry is delivered once, never
// two of one case at a time, and each case's in the order they came.
func TestDispatcherRunKeepsEachCaseInOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	const cases, total = 12, 600
	box := newMemOutbox(0)
	var (
		mu    sync.Mutex
		busy  = map[string]bool{}
		seen  = map[int64]int{}
		order = map[string][]int64{}
		n     int
	)
	all := make(chan struct{})
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		mu.Lock()
		if busy[e.CaseID] {
			t.Errorf("entry %d delivered while another entry of case %s was", e.ID, e.CaseID)
		}
		busy[e.CaseID] = true
		mu.Unlock()
		time.Sleep(time.Duration(e.ID%3) * 100 * time.Microsecond)
		mu.Lock()
		defer mu.Unlock()
		busy[e.CaseID] = false
		seen[e.ID]++
		order[e.CaseID] = append(order[e.CaseID], e.ID)
		if n++; n == total {
			close(all)
		}
		return nil
	})
	wake := workflow.NewWakeup()
	d := workflow.NewDispatcher(box, run, workflow.DispatcherConfig{Interval: time.Hour, Wake: wake.C(), Workers: 4, Batch: 16}, time.Now, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(err error) { t.Errorf("dispatcher: %v", err) })
	}()
	for i := range total {
		box.add(fmt.Sprintf("c%d", i*7%cases), "test")
		wake.Wake()
		if i%50 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	select {
	case <-all:
	case <-time.After(10 * time.Second):
		mu.Lock()
		t.Fatalf("delivered %d of %d entries in 10 s", n, total)
	}
	cancel()
	<-done
	for id := int64(1); id <= total; id++ {
		if seen[id] != 1 {
			t.Errorf("entry %d delivered %d times, want 1", id, seen[id])
		}
	}
	for c, ids := range order {
		if !slices.IsSorted(ids) {
			t.Errorf("case %s delivered out of order: %v", c, ids)
		}
	}
}

// TestDispatcherRunOutboxFailureStopsOnlyItsCase: Run reports an entry
// whose result could not be recorded, leaves the rest of its case for the
// lease to free, and goes on with the other cases.
func TestDispatcherRunOutboxFailureStopsOnlyItsCase(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	box := newMemOutboxOf(4, "a", "b") // a: 1, 3; b: 2, 4
	delivered := make(chan int64, 8)
	run := workflow.RunnerFunc(func(_ context.Context, e workflow.OutboxEntry) error {
		delivered <- e.ID
		return nil
	})
	errs := make(chan error, 4)
	wake := workflow.NewWakeup()
	d := workflow.NewDispatcher(failingOutbox{box, 1}, run, workflow.DispatcherConfig{Interval: time.Hour, Wake: wake.C(), Workers: 2}, time.Now, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(err error) { errs <- err })
	}()
	if err := receive(t, errs); err == nil {
		t.Error("no outbox failure reported")
	}
	box.add("b", "test") // 5
	wake.Wake()
	var got []int64
	for len(got) < 4 {
		got = append(got, receive(t, delivered))
	}
	slices.Sort(got)
	if want := []int64{1, 2, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v (not 3, which follows the failed 1)", got, want)
	}
	cancel()
	<-done
	if got := box.get(3).State; got != workflow.OutboxPending {
		t.Errorf("entry 3 is %s, want pending", got)
	}
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received in 5 s")
		panic("unreachable")
	}
}
