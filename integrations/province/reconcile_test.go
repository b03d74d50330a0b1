package province_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

// seeded returns a platform holding cases 0..9 at version 2, a client, and
// a source in which case 3 moved on to version 5, case 4 is unknown to the
// platform, and the platform is ahead on case 6.
func seeded(t *testing.T) (*platform, *province.Client, *source) {
	t.Helper()
	p := newPlatform(t, sandbox.Config{})
	c := newClient(t, p, nil)
	src := newSource()
	for i := range 10 {
		r := report(number(i), 2, workflow.StatusAccepted)
		if i != 4 {
			if err := c.Report(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
		switch i {
		case 3:
			r = report(number(i), 5, workflow.StatusApproved)
		case 6:
			r = report(number(i), 1, workflow.StatusSubmitted)
		}
		src.put(reported(r))
	}
	return p, c, src
}

func TestReconciler_ResendsMissingAndStale(t *testing.T) {
	p, c, src := seeded(t)
	var (
		mu       sync.Mutex
		findings []string
	)
	observe := func(f province.Finding) {
		mu.Lock()
		defer mu.Unlock()
		findings = append(findings, f.Kind+" "+f.Case.Number)
	}
	// Pages of three make the last page short and the first ones full.
	rec := province.NewReconciler(src, c, province.ReconcileOptions{PageSize: 3, Observe: observe})

	sum, err := rec.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sum, (province.Summary{Checked: 10, Missing: 1, Stale: 1, Ahead: 1, Resent: 2}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	h := p.Holdings()
	if got, want := h[number(3)].Version, int64(5); got != want {
		t.Errorf("case 3 held at %d, want %d", got, want)
	}
	if got, want := h[number(4)].Version, int64(2); got != want {
		t.Errorf("case 4 held at %d, want %d", got, want)
	}
	if got, want := h[number(6)].Version, int64(2); got != want {
		t.Errorf("case 6 held at %d, want %d (the platform's newer version stays)", got, want)
	}
	slices.Sort(findings)
	if got, want := findings, []string{"ahead " + number(6), "missing " + number(4), "stale " + number(3)}; !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}

	sum, err = rec.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sum, (province.Summary{Checked: 10, Ahead: 1}); got != want {
		t.Errorf("second pass = %+v, want %+v", got, want)
	}
}

func TestReconciler_DryRunSendsNothing(t *testing.T) {
	p, c, src := seeded(t)
	before := len(p.Accepted())
	rec := province.NewReconciler(src, c, province.ReconcileOptions{DryRun: true})

	sum, err := rec.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sum, (province.Summary{Checked: 10, Missing: 1, Stale: 1, Ahead: 1}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	if got, want := len(p.Accepted()), before; got != want {
		t.Errorf("accepted = %d, want %d", got, want)
	}
}

func TestReconciler_FailedResendsAreCounted(t *testing.T) {
	p, _, src := seeded(t)
	// A front that refuses reports but lets queries through.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pathReport {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		p.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c := newClient(t, &platform{Sandbox: p.Sandbox, URL: front.URL}, nil)
	rec := province.NewReconciler(src, c, province.ReconcileOptions{})

	sum, err := rec.Run(context.Background())
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got, want := sum, (province.Summary{Checked: 10, Missing: 1, Stale: 1, Ahead: 1, Failed: 2}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

func TestReconciler_QueryFailureStops(t *testing.T) {
	p, c, src := seeded(t)
	p.Faults().Down(true)
	rec := province.NewReconciler(src, c, province.ReconcileOptions{})

	sum, err := rec.Run(context.Background())
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got, want := sum, (province.Summary{}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

// backwards is a source that returns the same page forever.
type backwards struct{ page []province.Reported }

func (b backwards) Page(context.Context, string, int) ([]province.Reported, error) {
	return b.page, nil
}

func TestReconciler_SourceThatDoesNotAdvanceIsAnError(t *testing.T) {
	_, c, src := seeded(t)
	page, _ := src.Page(context.Background(), "", 2)
	rec := province.NewReconciler(backwards{page: page}, c, province.ReconcileOptions{PageSize: 2})

	if _, err := rec.Run(context.Background()); err == nil {
		t.Fatal("Run over a source that does not advance succeeded")
	}
}
