package province

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"zerovisit/workflow"
)

// Reported is a case as we last reported it, or should have: the data
// version and status of its latest report to the platform.
type Reported struct {
	CaseID     string
	Number     string
	ItemCode   string
	Department string
	Version    int64
	Status     workflow.Status
	At         time.Time
}

// Report returns the report that brings the platform up to r.
func (r Reported) Report() workflow.ReportProvince {
	return workflow.ReportProvince{
		CaseID: r.CaseID, Number: r.Number, ItemCode: r.ItemCode, Department: r.Department,
		DataVersion: r.Version, Status: r.Status, At: r.At,
	}
}

// CaseSource pages through our reportable cases (the store implements it).
type CaseSource interface {
	// Page returns up to limit cases whose Number is greater than
	// afterNumber ("" for the start), in ascending order of Number; fewer
	// than limit means there are no more.
	Page(ctx context.Context, afterNumber string, limit int) ([]Reported, error)
}

// ReconcileOptions tunes a Reconciler. The zero value is usable.
type ReconcileOptions struct {
	// PageSize is how many cases are read, and asked of the platform, at a
	// time (default and maximum MaxQuery).
	PageSize int
	// Workers is how many reports are re-sent at once (default 4).
	Workers int
	// DryRun finds the differences but re-sends nothing.
	DryRun bool
	// Observe, if set, is told of every difference found and what became
	// of it. It is called from several goroutines.
	Observe func(Finding)
}

// Finding kinds.
const (
	FindingMissing = "missing" // the platform holds nothing of the case
	FindingStale   = "stale"   // the platform holds an older version
	FindingAhead   = "ahead"   // the platform holds a newer version than ours
)

// Finding is one difference between a case and what the platform holds.
type Finding struct {
	Kind   string
	Case   Reported
	Held   Held // zero when missing
	Resent bool
	Err    error // the re-send failed
}

// Summary counts what a reconciliation found and did.
type Summary struct {
	Checked int // cases compared
	Missing int // not held by the platform
	Stale   int // held at an older version
	Ahead   int // held at a newer version than ours: left alone, worth a look
	Resent  int // re-sent successfully
	Failed  int // re-sends that failed
}

// maxErrors is how many re-send failures Run returns in full.
const maxErrors = 10

// Reconciler compares our cases with what the platform holds and re-sends
// the reports it lacks or holds at an older version. Because reports are
// idempotent and the latest version wins, it may run at any time, beside
// the outbox and on several replicas at once.
type Reconciler struct {
	src    CaseSource
	client *Client
	opts   ReconcileOptions
}

// NewReconciler returns a Reconciler of the cases of src against the
// platform client speaks to.
func NewReconciler(src CaseSource, client *Client, opts ReconcileOptions) *Reconciler {
	if opts.PageSize <= 0 || opts.PageSize > MaxQuery {
		opts.PageSize = MaxQuery
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	return &Reconciler{src: src, client: client, opts: opts}
}

// Run makes one pass over all cases. It stops at the first failure to read
// our cases or to query the platform, returning the summary so far; a
// failed re-send is counted and the pass goes on, and the first few such
// failures are returned joined.
func (r *Reconciler) Run(ctx context.Context) (Summary, error) {
	var (
		sum   Summary
		fails []error
		after string
	)
	for {
		page, err := r.src.Page(ctx, after, r.opts.PageSize)
		if err != nil {
			return sum, fmt.Errorf("%s: reconcile: read cases after %q: %w", party, after, err)
		}
		if len(page) == 0 {
			break
		}
		if last := page[len(page)-1].Number; last <= after {
			return sum, fmt.Errorf("%s: reconcile: case source went backwards after %q", party, after)
		}
		failed, err := r.page(ctx, page, &sum)
		fails = append(fails, failed...)
		if err != nil {
			return sum, errors.Join(append([]error{err}, fails...)...)
		}
		if err := ctx.Err(); err != nil {
			return sum, fmt.Errorf("%s: reconcile: %w", party, context.Cause(ctx))
		}
		if len(page) < r.opts.PageSize {
			break
		}
		after = page[len(page)-1].Number
	}
	if n := len(fails); n > maxErrors {
		fails = append(fails[:maxErrors], fmt.Errorf("%s: reconcile: %d more re-sends failed", party, n-maxErrors))
	}
	return sum, errors.Join(fails...)
}

// page compares one page of cases and re-sends what differs. It returns
// the failed re-sends, and an error if the platform could not be asked.
func (r *Reconciler) page(ctx context.Context, page []Reported, sum *Summary) ([]error, error) {
	numbers := make([]string, len(page))
	for i, c := range page {
		numbers[i] = c.Number
	}
	held, err := r.client.Query(ctx, numbers)
	if err != nil {
		return nil, &opError{op: "reconcile", err: err}
	}
	var todo []Finding
	for _, c := range page {
		sum.Checked++
		h, ok := held[c.Number]
		switch {
		case !ok:
			sum.Missing++
			todo = append(todo, Finding{Kind: FindingMissing, Case: c})
		case h.Version < c.Version:
			sum.Stale++
			todo = append(todo, Finding{Kind: FindingStale, Case: c, Held: h})
		case h.Version > c.Version:
			sum.Ahead++
			r.observe(Finding{Kind: FindingAhead, Case: c, Held: h})
		}
	}
	if r.opts.DryRun {
		for _, f := range todo {
			r.observe(f)
		}
		return nil, nil
	}
	return r.resend(ctx, todo, sum), nil
}

// resend re-sends the reports of the findings with a few workers.
func (r *Reconciler) resend(ctx context.Context, todo []Finding, sum *Summary) []error {
	var (
		mu    sync.Mutex
		fails []error
		wg    sync.WaitGroup
	)
	jobs := make(chan Finding)
	for range min(r.opts.Workers, len(todo)) {
		wg.Go(func() {
			for f := range jobs {
				f.Err = r.client.Report(ctx, f.Case.Report())
				f.Resent = f.Err == nil
				mu.Lock()
				if f.Resent {
					sum.Resent++
				} else {
					sum.Failed++
					fails = append(fails, &opError{op: "reconcile", err: f.Err})
				}
				mu.Unlock()
				r.observe(f)
			}
		})
	}
	for _, f := range todo {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return fails
}

func (r *Reconciler) observe(f Finding) {
	if r.opts.Observe != nil {
		r.opts.Observe(f)
	}
}
