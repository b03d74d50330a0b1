package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// fakeStore is an in-memory workflow.Store for the service's unit tests;
// the real stores are tested in models.
type fakeStore struct {
	mu      sync.Mutex
	cases   map[string]workflow.Case
	events  map[string][]workflow.EventRecord
	idem    map[[2]string]workflow.Idempotency
	outbox  []workflow.Effect
	applied int
	reads   int
	// priors counts SubmissionPrior reads, idemReads the reads of a key alone.
	priors    int
	idemReads int
	guards    []workflow.Guard
	// beforeApply runs inside ApplyChange before the version check, to
	// simulate a concurrent writer.
	beforeApply func(s *fakeStore)
}

var _ workflow.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{
		cases:  make(map[string]workflow.Case),
		events: make(map[string][]workflow.EventRecord),
		idem:   make(map[[2]string]workflow.Idempotency),
	}
}

func (s *fakeStore) save(ch workflow.Change) error {
	if ch.Idempotency != nil {
		k := [2]string{ch.Idempotency.Scope, ch.Idempotency.Key}
		if _, dup := s.idem[k]; dup {
			return workflow.ErrDuplicate
		}
		s.idem[k] = *ch.Idempotency
	}
	s.cases[ch.Case.ID] = ch.Case
	s.events[ch.Case.ID] = append(s.events[ch.Case.ID], ch.Event)
	s.outbox = append(s.outbox, ch.Effects...)
	return nil
}

func (s *fakeStore) CreateCase(_ context.Context, ch workflow.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.cases[ch.Case.ID]; dup {
		return workflow.ErrDuplicate
	}
	for _, c := range s.cases {
		if c.Number == ch.Case.Number {
			return workflow.ErrDuplicate
		}
	}
	return s.save(ch)
}

func (s *fakeStore) ApplyChange(_ context.Context, ch workflow.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.beforeApply != nil {
		s.beforeApply(s)
	}
	cur, ok := s.cases[ch.Case.ID]
	if !ok {
		return workflow.ErrNotFound
	}
	if cur.Version != ch.Case.Version-1 {
		return workflow.ErrConflict
	}
	if ch.Guard != nil {
		s.guards = append(s.guards, *ch.Guard)
	}
	s.applied++
	return s.save(ch)
}

func (s *fakeStore) GetCase(_ context.Context, id string) (workflow.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	c, ok := s.cases[id]
	if !ok {
		return workflow.Case{}, workflow.ErrNotFound
	}
	return c, nil
}

func (s *fakeStore) Events(_ context.Context, id string) ([]workflow.EventRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events[id]), nil
}

func (s *fakeStore) Idempotency(_ context.Context, scope, key string) (workflow.Idempotency, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idemReads++
	r, ok := s.idem[[2]string{scope, key}]
	if !ok {
		return workflow.Idempotency{}, workflow.ErrNotFound
	}
	return r, nil
}

func (s *fakeStore) SubmissionPrior(_ context.Context, who workflow.Subject, scope, key string, at time.Time) (workflow.SubmissionPrior, error) {
	s.mu.Lock()
	s.priors++
	var p workflow.SubmissionPrior
	if r, ok := s.idem[[2]string{scope, key}]; ok {
		p.Answer = &r
	}
	s.mu.Unlock()
	n, err := s.CountFalseCommitments(context.Background(), who, time.Time{}, at)
	p.FalseCommitments = n
	return p, err
}

func (s *fakeStore) CountFalseCommitments(_ context.Context, who workflow.Subject, since, at time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, c := range s.cases {
		theirs := c.ApplicantID == who.ApplicantID || (who.Index != "" && c.SubjectIndex == who.Index)
		// The repair (since) covers the subject's own cases only; an
		// exclusion with an end is over from that end on.
		covered := c.UpdatedAt.Before(since) && (c.SubjectIndex == "" || c.SubjectIndex == who.Index || who.Index == "")
		expired := !c.ExcludedUntil.IsZero() && !c.ExcludedUntil.After(at)
		if theirs && c.FalseCommitment && !covered && !expired {
			n++
		}
	}
	return n, nil
}

func (s *fakeStore) DueTimers(_ context.Context, now time.Time, limit int) ([]workflow.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []workflow.Case
	for _, c := range s.cases {
		if !c.Status.Terminal() && !c.NextTimerAt.IsZero() && !c.NextTimerAt.After(now) && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

// newService returns a service over a fake store whose clock reads *now.
func newService(t *testing.T) (*workflow.Service, *fakeStore, *time.Time) {
	t.Helper()
	store := newFakeStore()
	now := at(t, "2025-09-01 09:00")
	return workflow.NewService(store, newEngine(t), func() time.Time { return now }), store, &now
}

func draft(id, number string) workflow.Draft {
	return workflow.Draft{ID: id, Number: number, ItemCode: "tf", ApplicantID: "u1", Channel: workflow.ChannelWeChat, Actor: citizen}
}

func TestServiceCreateAndDo(t *testing.T) {
	ctx := context.Background()
	svc, store, now := newService(t)
	c, err := svc.Create(ctx, draft("c1", "N1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.CreatedAt, *now; !got.Equal(want) {
		t.Errorf("created at = %s, want the service clock %s", got, want)
	}
	*now = now.Add(time.Hour)
	sub := trustSubmit(t, time.Time{})
	c, err = svc.Do(ctx, "c1", sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Status, workflow.StatusAccepted; got != want {
		t.Errorf("status = %s, want %s", got, want)
	}
	if got, want := c.UpdatedAt, *now; !got.Equal(want) {
		t.Errorf("updated at = %s, want the service clock %s", got, want)
	}
	evs, err := svc.History(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range evs {
		names = append(names, r.Name)
	}
	if diff := cmp.Diff([]string{"create", "submit"}, names); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if got, want := kinds(store.outbox), k(notify, push, report); !cmp.Equal(got, want) {
		t.Errorf("outbox = %v, want %v", got, want)
	}
	if _, err := svc.Do(ctx, "nope", workflow.Accept{Meta: meta(clerk, time.Time{})}, nil); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("unknown case: err = %v, want ErrNotFound", err)
	}
	if _, err := svc.Create(ctx, draft("c2", "N1"), nil); !errors.Is(err, workflow.ErrDuplicate) {
		t.Errorf("duplicate number: err = %v, want ErrDuplicate", err)
	}
}

func TestServiceIdempotency(t *testing.T) {
	ctx := context.Background()
	svc, store, now := newService(t)
	idem := &workflow.IdempotencyRequest{Scope: "citizen:u1", Key: "k-1", RequestHash: "h1", Status: 201}
	first, err := svc.Create(ctx, draft("c1", "N1"), idem)
	if err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Minute)
	t.Run("Replay", func(t *testing.T) {
		again, err := svc.Create(ctx, draft("c1", "N1"), idem)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("replayed answer (-first +again):\n%s", diff)
		}
		if got, want := store.idem[[2]string{"citizen:u1", "k-1"}].Status, 201; got != want {
			t.Errorf("stored status = %d, want %d", got, want)
		}
	})
	t.Run("ErrIdempotencyMismatch", func(t *testing.T) {
		other := *idem
		other.RequestHash = "h2"
		if _, err := svc.Create(ctx, draft("c9", "N9"), &other); !errors.Is(err, workflow.ErrIdempotencyMismatch) {
			t.Errorf("err = %v, want ErrIdempotencyMismatch", err)
		}
	})
	t.Run("DoAppliesOnce", func(t *testing.T) {
		key := &workflow.IdempotencyRequest{Scope: "citizen:u1", Key: "k-2", RequestHash: "submit-1"}
		a, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), key)
		if err != nil {
			t.Fatal(err)
		}
		applied := store.applied
		b, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), key)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		if got, want := store.applied, applied; got != want {
			t.Errorf("retry applied again: %d changes, want %d", got, want)
		}
		if got, want := b.Version, a.Version; got != want {
			t.Errorf("replayed version = %d, want %d", got, want)
		}
	})
	t.Run("LostRaceAnswersAsReplay", func(t *testing.T) {
		key := &workflow.IdempotencyRequest{Scope: "clerk:k1", Key: "k-3", RequestHash: "approve-1"}
		store.beforeApply = func(s *fakeStore) {
			// Another replica handled the same request first.
			c := s.cases["c1"]
			c.Version++
			c.Status = workflow.StatusApproved
			s.cases["c1"] = c
			s.idem[[2]string{key.Scope, key.Key}] = workflow.Idempotency{Scope: key.Scope, Key: key.Key, RequestHash: key.RequestHash, Status: 200, Response: []byte(`{"id":"c1","status":"approved"}`)}
			s.beforeApply = nil
		}
		got, err := svc.Do(ctx, "c1", workflow.Approve{Meta: meta(clerk, time.Time{})}, key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != workflow.StatusApproved {
			t.Errorf("status = %s, want the winner's answer", got.Status)
		}
	})
}

func TestServiceConflict(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), nil); err != nil {
		t.Fatal(err)
	}
	store.beforeApply = func(s *fakeStore) {
		c := s.cases["c1"]
		c.Version++ // another clerk decided first
		s.cases["c1"] = c
	}
	_, err := svc.Do(ctx, "c1", workflow.Approve{Meta: meta(clerk, time.Time{})}, nil)
	if !errors.Is(err, workflow.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
}

// TestServiceDoOn: a decision on a case the caller has read applies to
// that case without reading it again, hands its guard to the store with
// the event's time, answers a retried key from the stored answer before
// anything else, and fails with ErrConflict when the case moved on.
func TestServiceDoOn(t *testing.T) {
	ctx := context.Background()
	svc, store, now := newService(t)
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c1", ordinarySubmit(time.Time{}), nil); err != nil {
		t.Fatal(err)
	}
	loaded, err := svc.Get(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	reads := store.reads
	*now = now.Add(time.Hour)
	key := &workflow.IdempotencyRequest{Scope: "clerk:k1", Key: "accept-1", RequestHash: "h"}
	guard := &workflow.Guard{ClaimedBy: "k1"}
	after, err := svc.DoOn(ctx, loaded, workflow.Accept{Meta: meta(clerk, time.Time{})}, key, guard)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != workflow.StatusAccepted {
		t.Errorf("status = %s, want accepted", after.Status)
	}
	if store.reads != reads {
		t.Errorf("DoOn read the case %d more times, want none", store.reads-reads)
	}
	if want := []workflow.Guard{{ClaimedBy: "k1", At: *now}}; !cmp.Equal(store.guards, want) {
		t.Errorf("guards the store saw = %+v, want %+v", store.guards, want)
	}
	applied := store.applied
	again, err := svc.DoOn(ctx, loaded, workflow.Accept{Meta: meta(clerk, time.Time{})}, key, guard)
	if err != nil || again.Version != after.Version || store.applied != applied {
		t.Errorf("retry = v%d, %v, %d changes more; want the first answer and none", again.Version, err, store.applied-applied)
	}
	if _, err := svc.DoOn(ctx, loaded, workflow.Accept{Meta: meta(clerk, time.Time{})}, nil, guard); !errors.Is(err, workflow.ErrConflict) {
		t.Errorf("stale case: err = %v, want ErrConflict", err)
	}
}

func TestServiceSubmitCountsFalseCommitments(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	store.cases["old"] = workflow.Case{ID: "old", Number: "N0", ApplicantID: "u1", Status: workflow.StatusRevoked, FalseCommitment: true}
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Eligibility(ctx, "tf", workflow.Subject{ApplicantID: "u1"}, workflow.AssuranceVerifiedPerson, signature(time.Time{}), workflow.CreditNormal)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Reason, workflow.PathPriorFalseCommitment; got != want {
		t.Errorf("eligibility = %s, want %s", got, want)
	}
	d, err = svc.Eligibility(ctx, "tf", workflow.Subject{ApplicantID: "u2"}, workflow.AssuranceRealName, signature(time.Time{}), workflow.CreditNormal)
	if err != nil || d.TrustFirst || d.Reason != workflow.PathIdentityNotVerified {
		t.Errorf("eligibility of a real name only = %+v, %v; want identity_not_verified", d, err)
	}
	// The caller says 0; the service asks the store and finds 1.
	sub := withoutPromise(trustSubmit(t, time.Time{}))
	sub.PriorFalseCommitments = 0
	c, err := svc.Do(ctx, "c1", sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != workflow.StatusSubmitted || c.PathReason != workflow.PathPriorFalseCommitment {
		t.Errorf("status = %s path = %s, want the ordinary path for an earlier false commitment", c.Status, c.PathReason)
	}
}

func TestServiceRunTimers(t *testing.T) {
	ctx := context.Background()
	svc, store, now := newService(t)
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), nil); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.RunTimers(ctx, 10); err != nil || n != 0 {
		t.Errorf("nothing due: n = %d err = %v", n, err)
	}
	*now = at(t, "2025-09-05 08:00") // yellow card
	if n, err := svc.RunTimers(ctx, 10); err != nil || n != 1 {
		t.Fatalf("n = %d err = %v, want 1 case ticked", n, err)
	}
	c, err := svc.Get(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Card, workflow.CardYellow; got != want {
		t.Errorf("card = %q, want %q", got, want)
	}
	if got, want := kinds(store.outbox)[len(store.outbox)-1], warn; got != want {
		t.Errorf("last effect = %s, want %s", got, want)
	}
	// Another replica got there first: skipped, not an error.
	*now = at(t, "2025-09-09 08:00")
	store.beforeApply = func(s *fakeStore) {
		c := s.cases["c1"]
		c.Version++
		s.cases["c1"] = c
	}
	if n, err := svc.RunTimers(ctx, 10); err != nil || n != 0 {
		t.Errorf("lost race: n = %d err = %v, want 0 and no error", n, err)
	}
}

// TestServiceSubmitOn: a submission of a case the caller has read is not
// read again; one store read gives the stored answer and the count of
// false commitments, which replaces whatever the event carries; a retry is
// answered before build runs, and a stale case is a conflict.
func TestServiceSubmitOn(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	store.cases["old"] = workflow.Case{ID: "old", Number: "N0", ApplicantID: "u1", Status: workflow.StatusRevoked, FalseCommitment: true}
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	loaded, err := svc.Get(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	reads, idemReads := store.reads, store.idemReads
	key := &workflow.IdempotencyRequest{Scope: "citizen-submit:u1", Key: "submit-1", RequestHash: "h"}
	built := 0
	build := func(context.Context) (workflow.Submit, error) {
		built++
		sub := withoutPromise(trustSubmit(t, time.Time{}))
		sub.PriorFalseCommitments = 0 // the caller's word is not taken
		return sub, nil
	}
	c, err := svc.SubmitOn(ctx, loaded, key, build)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != workflow.StatusSubmitted || c.PathReason != workflow.PathPriorFalseCommitment {
		t.Errorf("status = %s path = %s, want the ordinary path for the false commitment the store counts", c.Status, c.PathReason)
	}
	if store.reads != reads || store.idemReads != idemReads || store.priors != 1 || built != 1 {
		t.Errorf("case reads %d, key reads %d, prior reads %d, builds %d; want 0, 0, 1, 1",
			store.reads-reads, store.idemReads-idemReads, store.priors, built)
	}
	applied := store.applied
	again, err := svc.SubmitOn(ctx, loaded, key, build)
	if err != nil || again.Version != c.Version || store.applied != applied || built != 1 {
		t.Errorf("retry = v%d, %v, %d changes more, %d builds; want the first answer, nothing built or changed",
			again.Version, err, store.applied-applied, built)
	}
	other := *key
	other.RequestHash = "h2"
	if _, err := svc.SubmitOn(ctx, loaded, &other, build); !errors.Is(err, workflow.ErrIdempotencyMismatch) || built != 1 {
		t.Errorf("key reused for another request: err = %v, %d builds; want ErrIdempotencyMismatch, none", err, built)
	}
	boom := errors.New("build failed")
	fresh := &workflow.IdempotencyRequest{Scope: "citizen-submit:u1", Key: "submit-2", RequestHash: "h"}
	if _, err := svc.SubmitOn(ctx, loaded, fresh, func(context.Context) (workflow.Submit, error) { return workflow.Submit{}, boom }); !errors.Is(err, boom) {
		t.Errorf("failed build: err = %v, want it as it is", err)
	}
	if _, err := svc.SubmitOn(ctx, loaded, fresh, build); !errors.Is(err, workflow.ErrConflict) {
		t.Errorf("stale case: err = %v, want ErrConflict", err)
	}
}

// TestServiceCreateNew: a draft is built only for a new request; a retry
// is answered from the stored answer without building, and a build's
// refusal is returned as it is.
func TestServiceCreateNew(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	key := &workflow.IdempotencyRequest{Scope: "citizen-draft:u1", Key: "draft-1", RequestHash: "h", Status: 201}
	built := 0
	build := func(context.Context) (workflow.Draft, error) {
		built++
		return draft(fmt.Sprint("c", built), fmt.Sprint("N", built)), nil
	}
	first, err := svc.CreateNew(ctx, key, build)
	if err != nil || first.ID != "c1" || built != 1 {
		t.Fatalf("created %+v, %v after %d builds", first, err, built)
	}
	again, err := svc.CreateNew(ctx, key, build)
	if err != nil || again.ID != "c1" || built != 1 || len(store.cases) != 1 {
		t.Errorf("retry = %s, %v, %d builds, %d cases; want the first case, nothing built", again.ID, err, built, len(store.cases))
	}
	refused := workflow.Refuse(workflow.ErrConflict, "too_many", "太多")
	if _, err := svc.CreateNew(ctx, nil, func(context.Context) (workflow.Draft, error) { return workflow.Draft{}, refused }); !errors.Is(err, refused) {
		t.Errorf("refused build: err = %v", err)
	}
	if c, err := svc.CreateNew(ctx, nil, build); err != nil || c.ID != "c2" {
		t.Errorf("without a key = %+v, %v; want a new case", c, err)
	}
}

// TestServiceWakesOnStoredEffects: the service wakes its waker after each
// stored change that asks for effects, and not for a change without effects,
// one that was not stored, or a replayed answer.
func TestServiceWakesOnStoredEffects(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := newService(t)
	var woken countingWaker
	svc.WakeOnEffects(&woken)
	expect := func(step string, want int32) {
		t.Helper()
		if got := woken.n.Load(); got != want {
			t.Errorf("after %s: woken %d times, want %d", step, got, want)
		}
	}
	if _, err := svc.Create(ctx, draft("c1", "N1"), nil); err != nil {
		t.Fatal(err)
	}
	expect("a draft (no effects)", 0)
	idem := &workflow.IdempotencyRequest{Scope: "citizen:u1", Key: "k-1", RequestHash: "h1"}
	if _, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), idem); err != nil {
		t.Fatal(err)
	}
	expect("a submission (three effects)", 1)
	if _, err := svc.Do(ctx, "c1", trustSubmit(t, time.Time{}), idem); err != nil {
		t.Fatal(err)
	}
	expect("the submission's replay", 1)
	store.beforeApply = func(s *fakeStore) {
		c := s.cases["c1"]
		c.Version++
		s.cases["c1"] = c
	}
	if _, err := svc.Do(ctx, "c1", workflow.Approve{Meta: meta(clerk, time.Time{})}, nil); !errors.Is(err, workflow.ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	expect("a change that lost its race", 1)
}
