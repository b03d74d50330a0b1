package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// IdempotencyRequest is the Idempotency-Key of a request: who may reuse the
// key (Scope, e.g. "citizen:42"), the key, and a hash of the request that
// identifies it (method, path and body). Status is the status the caller
// answers with, kept for replays (0 means 200).
type IdempotencyRequest struct {
	Scope       string
	Key         string
	RequestHash string
	Status      int
}

// Service runs the engine against the store: load, apply, save in one
// atomic change with the outbox effects, the audit record and the
// idempotency record. Handlers and background workers call it.
type Service struct {
	store  Store
	engine *Engine
	now    func() time.Time
	// waker is told of every stored change that asks for effects.
	waker Waker
}

// NewService returns a service. now is the clock that stamps events.
func NewService(store Store, engine *Engine, now func() time.Time) *Service {
	return &Service{store: store, engine: engine, now: now}
}

// WakeOnEffects makes the service tell w, after each change it stores that
// asks for effects, that the outbox has work, so the dispatcher delivers it
// at once instead of at its next poll. Call it before the service is used.
func (s *Service) WakeOnEffects(w Waker) { s.waker = w }

// Stored tells the service that ch, made by Plan, was written by another
// store in a transaction of its own: a dispatcher waiting for effects is
// woken as after the service's own writes.
func (s *Service) Stored(ch Change) { s.stored(ch) }

// stored tells the waker, if any, of a stored change with effects.
func (s *Service) stored(ch Change) {
	if s.waker != nil && len(ch.Effects) > 0 {
		s.waker.Wake()
	}
}

// Engine returns the service's engine (for its catalogue and calendar).
func (s *Service) Engine() *Engine { return s.engine }

// Get returns a case, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (Case, error) {
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return Case{}, fmt.Errorf("get case %s: %w", id, err)
	}
	return c, nil
}

// History returns a case's events in order.
func (s *Service) History(ctx context.Context, id string) ([]EventRecord, error) {
	evs, err := s.store.Events(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history of case %s: %w", id, err)
	}
	return evs, nil
}

// Eligibility tells which path a submission of itemCode by the applicant,
// signed by a person of the given assurance, would take with the given
// signature and credit standing (the library's history aside).
func (s *Service) Eligibility(ctx context.Context, itemCode string, who Subject, assurance Assurance, sig *Signature, credit CreditStatus) (TrustDecision, error) {
	it, err := s.engine.cat.Lookup(itemCode)
	if err != nil {
		return TrustDecision{}, fmt.Errorf("eligibility: %w", err)
	}
	n, err := s.store.CountFalseCommitments(ctx, who, time.Time{}, s.now())
	if err != nil {
		return TrustDecision{}, fmt.Errorf("eligibility: count false commitments: %w", err)
	}
	return DecideTrust(it, sig, credit, n).WithAssurance(assurance), nil
}

// Create opens a draft case. d.At is stamped with the service clock when
// zero. With idem, a retry with the same request returns the first answer
// and changes nothing; the same key with another request fails with
// ErrIdempotencyMismatch.
func (s *Service) Create(ctx context.Context, d Draft, idem *IdempotencyRequest) (Case, error) {
	if c, ok, err := s.replay(ctx, idem); ok || err != nil {
		return c, err
	}
	return s.create(ctx, d, idem)
}

// CreateNew is Create for a draft that build makes once the request is
// known to be new: a retry is answered from the stored answer before build
// runs, so build may take a case number or check limits the first request
// passed. An error from build is returned as it is.
func (s *Service) CreateNew(ctx context.Context, idem *IdempotencyRequest, build func(context.Context) (Draft, error)) (Case, error) {
	if c, ok, err := s.replay(ctx, idem); ok || err != nil {
		return c, err
	}
	d, err := build(ctx)
	if err != nil {
		return Case{}, err
	}
	return s.create(ctx, d, idem)
}

func (s *Service) create(ctx context.Context, d Draft, idem *IdempotencyRequest) (Case, error) {
	if d.At.IsZero() {
		d.At = s.now()
	}
	c, rec, err := s.engine.New(d)
	if err != nil {
		return Case{}, err
	}
	ch, err := s.change(c, rec, nil, idem)
	if err != nil {
		return Case{}, err
	}
	ch.DraftLimit = d.OpenLimit
	if err := s.store.CreateCase(ctx, ch); err != nil {
		return s.lost(ctx, idem, fmt.Errorf("create case %s: %w", d.ID, err))
	}
	s.stored(ch)
	return c, nil
}

// Opening is what OpenSubmitted stores: a new case's draft, its
// submission (its count of false commitments is the store's), and the
// claim its opener takes on it.
type Opening struct {
	Draft  Draft
	Submit Submit
	Hold   *Hold
}

// OpenSubmitted opens a case and submits it in one change, one
// transaction: nothing of it is stored unless all of it is (counter
// intake, where the clerk opens, submits and holds the case at once). A
// retry with idem is answered from the stored answer before build runs,
// so build may ask remote parties and take a case number for a new
// request only. An error from build is returned as it is.
func (s *Service) OpenSubmitted(ctx context.Context, idem *IdempotencyRequest, build func(context.Context) (Opening, error)) (Case, error) {
	if c, ok, err := s.replay(ctx, idem); ok || err != nil {
		return c, err
	}
	o, err := build(ctx)
	if err != nil {
		return Case{}, err
	}
	if o.Draft.At.IsZero() {
		o.Draft.At = s.now()
	}
	if o.Submit.At.IsZero() {
		o.Submit.At = o.Draft.At
	}
	opened, first, err := s.engine.New(o.Draft)
	if err != nil {
		return Case{}, err
	}
	if o.Submit.PriorFalseCommitments, err = s.store.CountFalseCommitments(ctx, SubjectOf(opened), o.Submit.History.RepairedAt, s.now()); err != nil {
		return Case{}, fmt.Errorf("open case %s: count false commitments: %w", opened.ID, err)
	}
	c, rec, effects, err := s.engine.Apply(opened, o.Submit)
	if err != nil {
		return Case{}, err
	}
	ch, err := s.change(c, rec, effects, idem)
	if err != nil {
		return Case{}, err
	}
	ch.Earlier, ch.Hold = []EventRecord{first}, o.Hold
	if err := s.store.CreateCase(ctx, ch); err != nil {
		return s.lost(ctx, idem, fmt.Errorf("open case %s: %w", opened.ID, err))
	}
	s.stored(ch)
	return c, nil
}

// Do applies ev to the case and saves the result. The event's At is
// stamped with the service clock when zero; a Submit gets the applicant's
// count of false commitments from the store. Idempotency works as in
// Create. ErrConflict means another change won the race: the caller may
// reload and retry.
func (s *Service) Do(ctx context.Context, caseID string, ev Event, idem *IdempotencyRequest) (Case, error) {
	if ev == nil {
		return Case{}, invalid("event", "is nil", "缺少操作")
	}
	if c, ok, err := s.replay(ctx, idem); ok || err != nil {
		return c, err
	}
	c, err := s.store.GetCase(ctx, caseID)
	if err != nil {
		return Case{}, fmt.Errorf("%s case %s: %w", ev.EventName(), caseID, err)
	}
	return s.applyTo(ctx, c, ev, idem, nil)
}

// DoOn is Do on a case the caller has just read (to check who may act on
// it), so the case is not read again: when it moved on meanwhile the
// change fails with ErrConflict. guard, when set, is checked as the change
// is written.
func (s *Service) DoOn(ctx context.Context, c Case, ev Event, idem *IdempotencyRequest, guard *Guard) (Case, error) {
	if ev == nil {
		return Case{}, invalid("event", "is nil", "缺少操作")
	}
	if replayed, ok, err := s.replay(ctx, idem); ok || err != nil {
		return replayed, err
	}
	return s.applyTo(ctx, c, ev, idem, guard)
}

// SubmitOn submits a case the caller has just read (to check who may act
// on it), so the case is not read again: when it moved on meanwhile the
// change fails with ErrConflict. One store read gives both the stored
// answer to idem and the applicant's count of false commitments; a retry
// is answered from the stored answer before build runs, so build may ask
// remote parties (the credit library) for a new request only. Whatever
// count build's event carries, the store's is the one weighed. An error
// from build is returned as it is.
func (s *Service) SubmitOn(ctx context.Context, c Case, idem *IdempotencyRequest, build func(context.Context) (Submit, error)) (Case, error) {
	prior, err := s.submissionPrior(ctx, c, idem)
	if err != nil {
		return Case{}, err
	}
	if prior.Answer != nil {
		return s.answer(idem, *prior.Answer)
	}
	sub, err := build(ctx)
	if err != nil {
		return Case{}, err
	}
	if sub.At.IsZero() {
		sub.At = s.now()
	}
	if sub.PriorFalseCommitments, err = s.sinceRepair(ctx, c, prior.FalseCommitments, sub.History); err != nil {
		return Case{}, err
	}
	return s.apply(ctx, c, sub, idem, nil)
}

// sinceRepair is n, the count of the subject's false commitments read
// before the credit library was asked, counted again from the subject's
// completed credit repair when the library reports one: those before it
// no longer count. Only a subject with both asks the store twice.
func (s *Service) sinceRepair(ctx context.Context, c Case, n int64, h CreditHistory) (int64, error) {
	if n == 0 || h.RepairedAt.IsZero() {
		return n, nil
	}
	n, err := s.store.CountFalseCommitments(ctx, SubjectOf(c), h.RepairedAt, s.now())
	if err != nil {
		return 0, fmt.Errorf("submit case %s: count false commitments since the repair: %w", c.ID, err)
	}
	return n, nil
}

// submissionPrior reads what a submission of c weighs besides the case.
func (s *Service) submissionPrior(ctx context.Context, c Case, idem *IdempotencyRequest) (SubmissionPrior, error) {
	if idem == nil {
		n, err := s.store.CountFalseCommitments(ctx, SubjectOf(c), time.Time{}, s.now())
		if err != nil {
			return SubmissionPrior{}, fmt.Errorf("submit case %s: count false commitments: %w", c.ID, err)
		}
		return SubmissionPrior{FalseCommitments: n}, nil
	}
	if err := checkIdempotency(idem); err != nil {
		return SubmissionPrior{}, err
	}
	p, err := s.store.SubmissionPrior(ctx, SubjectOf(c), idem.Scope, idem.Key, s.now())
	if err != nil {
		return SubmissionPrior{}, fmt.Errorf("submit case %s: %w", c.ID, err)
	}
	return p, nil
}

// applyTo stamps the event, completes a submission with the applicant's
// prior false commitments, and applies it to c.
func (s *Service) applyTo(ctx context.Context, c Case, ev Event, idem *IdempotencyRequest, guard *Guard) (Case, error) {
	if ev.EventMeta().At.IsZero() {
		ev = ev.withAt(s.now())
	}
	if sub, ok := ev.(Submit); ok {
		n, err := s.store.CountFalseCommitments(ctx, SubjectOf(c), sub.History.RepairedAt, s.now())
		if err != nil {
			return Case{}, fmt.Errorf("submit case %s: count false commitments: %w", c.ID, err)
		}
		sub.PriorFalseCommitments = n
		ev = sub
	}
	if guard != nil && guard.At.IsZero() {
		g := *guard
		g.At = ev.EventMeta().At
		guard = &g
	}
	return s.apply(ctx, c, ev, idem, guard)
}

// RunTimers ticks up to limit cases whose timers are due and returns how
// many changed. A case another replica changed first, or with nothing due
// any more, is skipped, so every replica may run timers at once.
func (s *Service) RunTimers(ctx context.Context, limit int) (int, error) {
	now := s.now()
	due, err := s.store.DueTimers(ctx, now, limit)
	if err != nil {
		return 0, fmt.Errorf("run timers: %w", err)
	}
	var errs []error
	n := 0
	for _, c := range due {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		at := now
		if at.Before(c.UpdatedAt) {
			at = c.UpdatedAt
		}
		_, err := s.apply(ctx, c, Tick{Meta: Meta{Actor: Actor{Kind: ActorSystem, ID: "timer"}, At: at}}, nil, nil)
		switch {
		case err == nil:
			n++
		case errIs(err, ErrConflict, ErrNotDue):
		default:
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

func (s *Service) apply(ctx context.Context, c Case, ev Event, idem *IdempotencyRequest, guard *Guard) (Case, error) {
	next, rec, effects, err := s.engine.Apply(c, ev)
	if err != nil {
		return Case{}, err
	}
	ch, err := s.change(next, rec, effects, idem)
	if err != nil {
		return Case{}, err
	}
	ch.Guard = guard
	if err := s.store.ApplyChange(ctx, ch); err != nil {
		return s.lost(ctx, idem, fmt.Errorf("%s case %s: %w", ev.EventName(), c.ID, err))
	}
	s.stored(ch)
	return next, nil
}

// maxPlanSteps bounds the events one planned change chains.
const maxPlanSteps = 8

// Plan works out, without storing anything, the change that brings case c
// (as the caller has just read it) through the events next gives: next is
// asked for the event to apply to the case as the previous one left it,
// and returns nil when there is no more. ok is false when next has none
// for c itself. The change expects the stored case at c's version, so a
// store that writes it (in a transaction with changes of its own) fails it
// with ErrConflict when the case moved on meanwhile; after writing it, the
// caller tells the service with Stored. Submissions are not planned: they
// weigh a count only the service's own store reads.
func (s *Service) Plan(c Case, next func(Case) Event) (after Case, ch Change, ok bool, err error) {
	var recs []EventRecord
	after = c
	for i := 0; ; i++ {
		ev := next(after)
		if ev == nil {
			break
		}
		if i == maxPlanSteps {
			return Case{}, Change{}, false, fmt.Errorf("plan change of case %s: more than %d events", c.ID, maxPlanSteps)
		}
		if _, sub := ev.(Submit); sub {
			return Case{}, Change{}, false, invalid("event", "a submission is not planned", "提交不能预先计划")
		}
		if ev.EventMeta().At.IsZero() {
			ev = ev.withAt(s.now())
		}
		var (
			rec     EventRecord
			effects []Effect
		)
		if after, rec, effects, err = s.engine.Apply(after, ev); err != nil {
			return Case{}, Change{}, false, err
		}
		recs = append(recs, rec)
		ch.Effects = append(ch.Effects, effects...)
	}
	if len(recs) == 0 {
		return c, Change{}, false, nil
	}
	ch.Case, ch.Event, ch.Earlier = after, recs[len(recs)-1], recs[:len(recs)-1]
	return after, ch, true, nil
}

func (s *Service) change(c Case, rec EventRecord, effects []Effect, idem *IdempotencyRequest) (Change, error) {
	ch := Change{Case: c, Event: rec, Effects: effects}
	if idem == nil {
		return ch, nil
	}
	body, err := json.Marshal(c)
	if err != nil {
		return Change{}, fmt.Errorf("encode answer of case %s: %w", c.ID, err)
	}
	status := idem.Status
	if status == 0 {
		status = 200
	}
	ch.Idempotency = &Idempotency{
		Scope: idem.Scope, Key: idem.Key, RequestHash: idem.RequestHash,
		Status: status, Response: body, CreatedAt: rec.At,
	}
	return ch, nil
}

// replay returns the stored answer to an idempotent request already made.
// ok is false when the key is new (or there is none).
func (s *Service) replay(ctx context.Context, idem *IdempotencyRequest) (c Case, ok bool, err error) {
	if idem == nil {
		return Case{}, false, nil
	}
	if err := checkIdempotency(idem); err != nil {
		return Case{}, false, err
	}
	rec, err := s.store.Idempotency(ctx, idem.Scope, idem.Key)
	switch {
	case errors.Is(err, ErrNotFound):
		return Case{}, false, nil
	case err != nil:
		return Case{}, false, fmt.Errorf("idempotency key %q: %w", idem.Key, err)
	}
	c, err = s.answer(idem, rec)
	return c, true, err
}

func checkIdempotency(idem *IdempotencyRequest) error {
	if idem.Scope == "" || idem.Key == "" {
		return invalid("idempotency_key", "scope and key are required", "幂等键不正确")
	}
	return nil
}

// answer is the stored answer rec to the request idem: the case it
// answered with, or ErrIdempotencyMismatch when the key was used for
// another request.
func (s *Service) answer(idem *IdempotencyRequest, rec Idempotency) (Case, error) {
	if rec.RequestHash != idem.RequestHash {
		return Case{}, fmt.Errorf("idempotency key %q: %w", idem.Key, ErrIdempotencyMismatch)
	}
	var c Case
	if err := json.Unmarshal(rec.Response, &c); err != nil {
		return Case{}, fmt.Errorf("idempotency key %q: decode stored answer: %w", idem.Key, err)
	}
	return c, nil
}

// lost handles a failed save: when a concurrent retry of the same request
// saved first (its idempotency record now exists), answer as a replay;
// otherwise return err.
func (s *Service) lost(ctx context.Context, idem *IdempotencyRequest, err error) (Case, error) {
	if idem == nil || !errIs(err, ErrDuplicate, ErrConflict) {
		return Case{}, err
	}
	if c, ok, rerr := s.replay(ctx, idem); ok || rerr != nil {
		if rerr != nil {
			return Case{}, rerr
		}
		return c, nil
	}
	return Case{}, err
}

// errIs reports whether err is one of targets.
func errIs(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
