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

// RecordSource builds the 办件 data rows we hold of a case (the app
// implements it over its stores); ok is false for a case that has none.
type RecordSource interface {
	Batch(ctx context.Context, c Reported) (b Batch, ok bool, err error)
}

// ReconcileOptions tunes a Reconciler. The zero value is usable.
type ReconcileOptions struct {
	// Records, if set, has every record kind (受理, 过程, 结果, 特别程序,
	// 材料) compared row by row besides the case's status, and a case
	// whose rows the platform lacks or holds at an older version re-sent.
	Records RecordSource
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
	// FindingRows: the platform lacks rows of the case or holds them at
	// an older version; Finding.Rows counts them by table.
	FindingRows = "rows"
)

// Finding is one difference between a case and what the platform holds.
type Finding struct {
	Kind string
	Case Reported
	Held Held // zero when missing
	// Rows counts, by table, the rows missing or stale (FindingRows).
	Rows   map[string]int
	Resent bool
	Err    error // the re-send failed

	batch Batch // the rows to re-send (FindingRows)
}

// Summary counts what a reconciliation found and did.
type Summary struct {
	Checked int // cases compared
	Missing int // not held by the platform
	Stale   int // held at an older version
	Ahead   int // held at a newer version than ours: left alone, worth a look
	Resent  int // re-sent successfully
	Failed  int // re-sends that failed
	// Rows counts the 办件 data rows by table (with ReconcileOptions.Records).
	Rows RowTotals
	// RowsResent and RowsFailed count the cases whose rows were re-sent.
	RowsResent int
	RowsFailed int
}

// RowTotals counts the rows of each table a reconciliation compared.
type RowTotals struct {
	Accept, Process, Special, Material, Result RowCounts
}

// Of returns the counts of a table (nil for an unknown one).
func (t *RowTotals) Of(table string) *RowCounts {
	switch table {
	case TableAccept:
		return &t.Accept
	case TableProcess:
		return &t.Process
	case TableSpecial:
		return &t.Special
	case TableMaterial:
		return &t.Material
	case TableResult:
		return &t.Result
	}
	return nil
}

// RowCounts counts the rows of one table a reconciliation compared.
type RowCounts struct {
	Checked int // rows we hold
	Missing int // not held by the platform
	Stale   int // held at an older version
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
	rows, err := r.compareRows(ctx, page, numbers, sum)
	if err != nil {
		return nil, err
	}
	if r.opts.DryRun {
		for _, f := range append(todo, rows...) {
			r.observe(f)
		}
		return nil, nil
	}
	fails := r.resend(ctx, todo, sum)
	return append(fails, r.resendRows(ctx, rows, sum)...), nil
}

// compareRows compares the rows of every record kind of a page of cases
// with what the platform holds, and returns a finding per case that
// differs, carrying the batch to re-send.
func (r *Reconciler) compareRows(ctx context.Context, page []Reported, numbers []string, sum *Summary) ([]Finding, error) {
	if r.opts.Records == nil {
		return nil, nil
	}
	held, err := r.client.QueryRecords(ctx, numbers)
	if err != nil {
		return nil, &opError{op: "reconcile rows", err: err}
	}
	var out []Finding
	for _, c := range page {
		b, ok, err := r.opts.Records.Batch(ctx, c)
		if err != nil {
			return nil, &opError{op: "reconcile rows of " + c.Number, err: err}
		}
		if !ok {
			continue
		}
		diff := map[string]int{}
		for key, v := range b.Rows() {
			rc := sum.Rows.Of(key.Table)
			if rc == nil {
				continue
			}
			rc.Checked++
			hv, found := held[c.Number][key]
			switch {
			case !found:
				rc.Missing++
				diff[key.Table]++
			case hv < v:
				rc.Stale++
				diff[key.Table]++
			}
		}
		if len(diff) > 0 {
			out = append(out, Finding{Kind: FindingRows, Case: c, Rows: diff, batch: b})
		}
	}
	return out, nil
}

// resendRows re-sends the rows of the findings, one case at a time.
func (r *Reconciler) resendRows(ctx context.Context, todo []Finding, sum *Summary) []error {
	var fails []error
	for _, f := range todo {
		f.Err = r.client.SendRecords(ctx, f.batch)
		f.Resent = f.Err == nil
		if f.Resent {
			sum.RowsResent++
		} else {
			sum.RowsFailed++
			fails = append(fails, &opError{op: "reconcile rows", err: f.Err})
		}
		r.observe(f)
	}
	return fails
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
