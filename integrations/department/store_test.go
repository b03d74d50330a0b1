package department_test

import (
	"context"
	"sync"
	"time"

	"zerovisit/workflow"
)

// memStore is a minimal in-memory workflow.Store, so that Handle is tested
// against the real Service and engine without a database.
type memStore struct {
	mu     sync.Mutex
	cases  map[string]workflow.Case
	events map[string][]workflow.EventRecord
	idem   map[[2]string]workflow.Idempotency
}

var _ workflow.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{
		cases:  make(map[string]workflow.Case),
		events: make(map[string][]workflow.EventRecord),
		idem:   make(map[[2]string]workflow.Idempotency),
	}
}

func (s *memStore) save(ch workflow.Change) error {
	if ch.Idempotency != nil {
		k := [2]string{ch.Idempotency.Scope, ch.Idempotency.Key}
		if _, dup := s.idem[k]; dup {
			return workflow.ErrDuplicate
		}
		s.idem[k] = *ch.Idempotency
	}
	s.cases[ch.Case.ID] = ch.Case
	s.events[ch.Case.ID] = append(s.events[ch.Case.ID], ch.Event)
	return nil
}

func (s *memStore) CreateCase(_ context.Context, ch workflow.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.cases[ch.Case.ID]; dup {
		return workflow.ErrDuplicate
	}
	return s.save(ch)
}

func (s *memStore) ApplyChange(_ context.Context, ch workflow.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.cases[ch.Case.ID]
	if !ok {
		return workflow.ErrNotFound
	}
	if cur.Version != ch.Case.Version-1 {
		return workflow.ErrConflict
	}
	return s.save(ch)
}

func (s *memStore) GetCase(_ context.Context, id string) (workflow.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[id]
	if !ok {
		return workflow.Case{}, workflow.ErrNotFound
	}
	return c, nil
}

func (s *memStore) Events(_ context.Context, id string) ([]workflow.EventRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]workflow.EventRecord(nil), s.events[id]...), nil
}

func (s *memStore) Idempotency(_ context.Context, scope, key string) (workflow.Idempotency, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.idem[[2]string{scope, key}]
	if !ok {
		return workflow.Idempotency{}, workflow.ErrNotFound
	}
	return rec, nil
}

func (s *memStore) CountFalseCommitments(context.Context, string) (int64, error) { return 0, nil }

func (s *memStore) DueTimers(context.Context, time.Time, int) ([]workflow.Case, error) {
	return nil, nil
}

// byNumber finds a case id by number.
func (s *memStore) byNumber(_ context.Context, number string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cases {
		if c.Number == number {
			return c.ID, nil
		}
	}
	return "", workflow.ErrNotFound
}
