package province_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

// history is the reports one case makes in its life, oldest first: it is
// accepted, some are approved, some of those are closed.
func history(i int) []workflow.ReportProvince {
	n := number(i)
	h := []workflow.ReportProvince{report(n, 2, workflow.StatusAccepted)}
	if i%3 == 0 {
		h = append(h, report(n, 4, workflow.StatusApproved))
	}
	if i%15 == 0 {
		h = append(h, report(n, 7, workflow.StatusClosed))
	}
	return h
}

// outbox delivers the reports of many cases as the outbox would: each
// case's reports in order, several cases at once, every failed attempt
// tried again after a pause. Some deliveries are repeated after they
// succeeded, as happens when an answer is lost and a lease runs out.
type outbox struct {
	client  *province.Client
	failed  atomic.Int64 // attempts that failed as unavailable
	mu      sync.Mutex
	errs    []error // failures that are not "unavailable"
	repeats []sandbox.Key
}

func (o *outbox) deliver(ctx context.Context, r workflow.ReportProvince) {
	for ctx.Err() == nil {
		err := o.client.Report(ctx, r)
		if err == nil {
			return
		}
		if !errors.Is(err, httpx.ErrUnavailable) {
			o.mu.Lock()
			o.errs = append(o.errs, err)
			o.mu.Unlock()
			return
		}
		o.failed.Add(1)
		time.Sleep(2 * time.Millisecond)
	}
}

func (o *outbox) run(ctx context.Context, cases int, workers int) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				h := history(i)
				for _, r := range h {
					o.deliver(ctx, r)
				}
				if i%7 == 0 { // the last one delivered again after success
					last := h[len(h)-1]
					o.deliver(ctx, last)
					o.mu.Lock()
					o.repeats = append(o.repeats, sandbox.Key{Number: last.Number, Version: last.DataVersion})
					o.mu.Unlock()
				}
			}
		})
	}
	for i := range cases {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

func TestReport_FiveHundredCasesThroughAnOutage(t *testing.T) {
	const cases = 500
	p := newPlatform(t, sandbox.Config{})
	ob := &outbox{client: newClient(t, p, nil)}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Take the platform down for a stretch once a third of the versions are in.
	outage := make(chan struct{})
	go func() {
		defer close(outage)
		for len(p.Accepted()) < 250 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		p.Faults().Down(true)
		time.Sleep(200 * time.Millisecond)
		p.Faults().Down(false)
	}()
	ob.run(ctx, cases, 8)
	<-outage

	if len(ob.errs) > 0 {
		t.Fatalf("%d reports failed other than as unavailable, the first: %v", len(ob.errs), ob.errs[0])
	}
	if ob.failed.Load() == 0 {
		t.Fatal("no report failed during the outage: the test did not test it")
	}

	// Every case's latest version is held.
	holdings, counts := p.Holdings(), p.Counts()
	versions := 0
	for i := range cases {
		h := history(i)
		versions += len(h)
		latest := h[len(h)-1]
		if got, want := holdings[latest.Number].Version, latest.DataVersion; got != want {
			t.Errorf("%s: held version %d, want %d", latest.Number, got, want)
		}
		if got, want := holdings[latest.Number].Status, string(latest.Status); got != want {
			t.Errorf("%s: held status %q, want %q", latest.Number, got, want)
		}
		// Each version accepted exactly once; any repeat acknowledged as a duplicate.
		for _, r := range h {
			c := counts[sandbox.Key{Number: r.Number, Version: r.DataVersion}]
			if c.Accepted != 1 || c.Stale != 0 || c.Received != 1+c.Duplicates {
				t.Errorf("%s v%d: %+v, want accepted once, repeats as duplicates", r.Number, r.DataVersion, c)
			}
		}
	}
	if got, want := len(holdings), cases; got != want {
		t.Errorf("holdings = %d, want %d", got, want)
	}
	if got, want := len(p.Accepted()), versions; got != want {
		t.Errorf("accepted versions = %d, want %d", got, want)
	}
	for _, k := range ob.repeats {
		if got := counts[k].Duplicates; got < 1 {
			t.Errorf("%s v%d delivered twice: %d duplicates acknowledged, want at least 1", k.Number, k.Version, got)
		}
	}

	// The reconciler finds nothing to re-send.
	src := newSource()
	for i := range cases {
		h := history(i)
		src.put(reported(h[len(h)-1]))
	}
	rec := province.NewReconciler(src, ob.client, province.ReconcileOptions{})
	sum, err := rec.Run(ctx)
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if got, want := sum, (province.Summary{Checked: cases}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}

	// The platform loses one case: the reconciler re-sends exactly that one.
	lost := history(30)
	if !p.Delete(lost[0].Number) {
		t.Fatalf("%s was not held", lost[0].Number)
	}
	before := len(p.Accepted())
	sum, err = rec.Run(ctx)
	if err != nil {
		t.Fatalf("reconcile after the loss: %v", err)
	}
	if got, want := sum, (province.Summary{Checked: cases, Missing: 1, Resent: 1}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	accepted := p.Accepted()[before:]
	if want := (sandbox.Key{Number: lost[0].Number, Version: lost[len(lost)-1].DataVersion}); len(accepted) != 1 || accepted[0] != want {
		t.Errorf("accepted after the loss = %v, want [%v]", accepted, want)
	}
}
