package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
}

func newMemOutbox(n int) *memOutbox {
	m := &memOutbox{entries: map[int64]*workflow.OutboxEntry{}, leased: map[int64]time.Time{}}
	for i := 1; i <= n; i++ {
		m.entries[int64(i)] = &workflow.OutboxEntry{ID: int64(i), Kind: "test", State: workflow.OutboxPending}
	}
	return m
}

func (m *memOutbox) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]workflow.OutboxEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
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
