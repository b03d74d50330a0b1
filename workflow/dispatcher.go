package workflow

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// ErrPermanent marks an effect failure that retrying cannot mend (a payload
// the party refuses as invalid, say): the dispatcher parks the entry as dead
// at once instead of retrying it.
var ErrPermanent = errors.New("permanent failure")

// Runner carries out one outbox entry against the party it is for. The entry
// ID is the idempotency key the party sees, so a redelivery after a lost
// answer is recognisable on the other side.
type Runner interface {
	Run(ctx context.Context, e OutboxEntry) error
}

// RunnerFunc adapts a function to Runner.
type RunnerFunc func(ctx context.Context, e OutboxEntry) error

// Run calls f.
func (f RunnerFunc) Run(ctx context.Context, e OutboxEntry) error { return f(ctx, e) }

// DispatchOutcome is what became of one attempt.
type DispatchOutcome string

// Dispatch outcomes, as counted in metrics.
const (
	OutcomeDone  DispatchOutcome = "done"
	OutcomeRetry DispatchOutcome = "retry"
	OutcomeDead  DispatchOutcome = "dead"
)

// DefaultDispatchWorkers is how many entries a dispatcher delivers at once
// unless told otherwise: enough to overlap the round trips to the parties,
// few enough not to crowd one party or the database's pool.
const DefaultDispatchWorkers = 8

// DispatcherConfig tunes the dispatcher.
type DispatcherConfig struct {
	// Batch is how many entries one claim takes.
	Batch int
	// Lease is how long a claimed entry stays invisible to other dispatchers;
	// it must be longer than CallTimeout.
	Lease time.Duration
	// Interval is the pause between polls when nothing was due. A wake-up
	// on Wake ends the pause early; the poll stays as the safety net for
	// wake-ups that never came (another process, a lost connection).
	Interval time.Duration
	// Wake, when set, receives when effects may have become due (see
	// Wakeup); the dispatcher then claims at once.
	Wake <-chan struct{}
	// Workers bounds how many entries are delivered at once. Entries of one
	// case are delivered one after another, in claim order; only different
	// cases run side by side.
	Workers int
	// MaxAttempts parks an entry as dead after this many failed attempts.
	MaxAttempts int
	// BaseDelay and MaxDelay bound the exponential backoff between attempts.
	BaseDelay, MaxDelay time.Duration
	// CallTimeout bounds one call to a party.
	CallTimeout time.Duration
}

// Dispatcher delivers outbox entries: it claims due entries, runs each
// outside any transaction with a timeout, and records done, retry (with
// exponential backoff and jitter) or dead. The cases of a batch are
// delivered side by side (up to Workers at once), each case's entries in
// claim order. Any number of dispatchers may run against one outbox; the
// claim lease keeps them apart.
type Dispatcher struct {
	outbox  Outbox
	runner  Runner
	cfg     DispatcherConfig
	now     func() time.Time
	jitter  func() float64
	observe func(kind EffectKind, outcome DispatchOutcome)
}

// NewDispatcher builds a dispatcher. observe may be nil; it is told every
// attempt's outcome (for metrics).
func NewDispatcher(outbox Outbox, runner Runner, cfg DispatcherConfig, now func() time.Time, observe func(EffectKind, DispatchOutcome)) *Dispatcher {
	if cfg.Batch <= 0 {
		cfg.Batch = 32
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultDispatchWorkers
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	if cfg.Lease <= cfg.CallTimeout {
		cfg.Lease = 3 * cfg.CallTimeout
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = time.Second
	}
	if cfg.MaxDelay < cfg.BaseDelay {
		cfg.MaxDelay = time.Hour
	}
	if observe == nil {
		observe = func(EffectKind, DispatchOutcome) {}
	}
	return &Dispatcher{outbox: outbox, runner: runner, cfg: cfg, now: now, jitter: rand.Float64, observe: observe}
}

// Backoff is the delay before attempt number attempts+1: exponential from
// BaseDelay, capped at MaxDelay, with "equal jitter" (between half and all of
// it) so that replicas retrying one party do not stampede in step.
func (d *Dispatcher) Backoff(attempts int) time.Duration {
	delay := d.cfg.MaxDelay
	if attempts < 40 {
		if exp := d.cfg.BaseDelay << max(attempts-1, 0); exp > 0 && exp < d.cfg.MaxDelay {
			delay = exp
		}
	}
	half := delay / 2
	return half + time.Duration(d.jitter()*float64(delay-half))
}

// RunOnce claims one batch and delivers it. It returns how many entries it
// handled; an error means the outbox itself could not be read or written
// (a case whose result could not be recorded stops there, the others go on).
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	entries, err := d.outbox.Claim(ctx, d.now(), d.cfg.Batch, d.cfg.Lease)
	if err != nil {
		return 0, fmt.Errorf("claim outbox entries: %w", err)
	}
	cases := byCase(entries)
	work := make(chan []OutboxEntry)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		handled int
		errs    []error
	)
	for range min(d.cfg.Workers, len(cases)) {
		wg.Go(func() {
			for run := range work {
				n, err := d.deliverInOrder(ctx, run)
				mu.Lock()
				handled += n
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	for _, run := range cases {
		work <- run
	}
	close(work)
	wg.Wait()
	return handled, errors.Join(errs...)
}

// byCase splits a claimed batch into runs of one case each, keeping claim
// order within a run, the runs ordered by their first entry.
func byCase(entries []OutboxEntry) [][]OutboxEntry {
	var runs [][]OutboxEntry
	at := map[string]int{}
	for _, e := range entries {
		i, ok := at[e.CaseID]
		if !ok {
			i = len(runs)
			at[e.CaseID] = i
			runs = append(runs, nil)
		}
		runs[i] = append(runs[i], e)
	}
	return runs
}

// deliverInOrder delivers one case's entries one after another and returns
// how many it handled before an outbox failure stopped it, if one did.
func (d *Dispatcher) deliverInOrder(ctx context.Context, run []OutboxEntry) (int, error) {
	for i, e := range run {
		if err := d.deliver(ctx, e); err != nil {
			return i, err
		}
	}
	return len(run), nil
}

func (d *Dispatcher) deliver(ctx context.Context, e OutboxEntry) error {
	callCtx, cancel := context.WithTimeout(ctx, d.cfg.CallTimeout)
	runErr := d.runner.Run(callCtx, e)
	cancel()
	// Record the result even if ctx was cancelled meanwhile (shutdown), so a
	// delivered effect is not delivered again by the next lease holder.
	recCtx := context.WithoutCancel(ctx)
	now := d.now()
	switch {
	case runErr == nil:
		d.observe(e.Kind, OutcomeDone)
		if err := d.outbox.Complete(recCtx, e.ID, now); err != nil {
			return fmt.Errorf("complete outbox entry %d: %w", e.ID, err)
		}
	case errors.Is(runErr, ErrPermanent) || e.Attempts >= d.cfg.MaxAttempts:
		d.observe(e.Kind, OutcomeDead)
		if err := d.outbox.Bury(recCtx, e.ID, now, truncate(runErr.Error(), 1000)); err != nil {
			return fmt.Errorf("bury outbox entry %d: %w", e.ID, err)
		}
	default:
		d.observe(e.Kind, OutcomeRetry)
		if err := d.outbox.Retry(recCtx, e.ID, now.Add(d.Backoff(e.Attempts)), truncate(runErr.Error(), 1000)); err != nil {
			return fmt.Errorf("retry outbox entry %d: %w", e.ID, err)
		}
	}
	return nil
}

// truncate shortens an error message for storage without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
