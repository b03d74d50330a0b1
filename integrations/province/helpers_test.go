package province_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

var creds = province.Credentials{AppID: "zv-app", Secret: "s3cret-for-tests"}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// platform is the sandbox served over real HTTP.
type platform struct {
	*sandbox.Sandbox
	URL string
}

func newPlatform(tb testing.TB, cfg sandbox.Config) *platform {
	tb.Helper()
	if cfg.AppID == "" {
		cfg.AppID, cfg.Secret = creds.AppID, creds.Secret
	}
	sb := sandbox.New(cfg)
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	return &platform{Sandbox: sb, URL: srv.URL}
}

// fastHTTP keeps retries and the breaker's cool-down short.
func fastHTTP() httpx.Options {
	return httpx.Options{
		Timeout:        5 * time.Second,
		AttemptTimeout: 2 * time.Second,
		BaseDelay:      time.Millisecond,
		MaxDelay:       5 * time.Millisecond,
		Breaker:        httpx.BreakerOptions{CoolDown: 20 * time.Millisecond},
	}
}

// newClient returns a client of p that sends to loopback only.
func newClient(tb testing.TB, p *platform, now func() time.Time) *province.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	return province.NewClient(p.URL, hc, creds, province.Options{HTTP: fastHTTP(), Now: now})
}

func report(number string, version int64, st workflow.Status) workflow.ReportProvince {
	return workflow.ReportProvince{
		CaseID: "id-" + number, Number: number, ItemCode: "tf", Department: "scjgj",
		DataVersion: version, Status: st,
		At: time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(version) * time.Minute),
	}
}

func number(i int) string { return fmt.Sprintf("ZV2025%06d", i) }

// requestsTo counts the recorded requests to a path.
func requestsTo(p *platform, path string) int {
	n := 0
	for _, r := range p.Recorder().Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// source is an in-memory province.CaseSource.
type source struct {
	mu    sync.Mutex
	cases []province.Reported // sorted by Number
}

func newSource(cases ...province.Reported) *source {
	s := &source{}
	for _, c := range cases {
		s.put(c)
	}
	return s
}

// put adds or replaces a case.
func (s *source) put(c province.Reported) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, found := slices.BinarySearchFunc(s.cases, c.Number, func(x province.Reported, n string) int { return strings.Compare(x.Number, n) })
	if found {
		s.cases[i] = c
		return
	}
	s.cases = slices.Insert(s.cases, i, c)
}

func (s *source) Page(_ context.Context, after string, limit int) ([]province.Reported, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.cases), func(i int) bool { return s.cases[i].Number > after })
	return slices.Clone(s.cases[i:min(i+limit, len(s.cases))]), nil
}

func reported(r workflow.ReportProvince) province.Reported {
	return province.Reported{
		CaseID: r.CaseID, Number: r.Number, ItemCode: r.ItemCode, Department: r.Department,
		Version: r.DataVersion, Status: r.Status, At: r.At,
	}
}

// TestSourcePagesInNumberOrder pins the fake's side of the CaseSource
// contract the reconciler relies on: ascending numbers, after the cursor,
// and a short page only at the end.
func TestSourcePagesInNumberOrder(t *testing.T) {
	src := newSource()
	for _, i := range []int{5, 1, 4, 2, 3} {
		src.put(reported(report(number(i), 1, workflow.StatusAccepted)))
	}
	src.put(reported(report(number(3), 2, workflow.StatusApproved))) // replaces, does not add
	var got []string
	after := ""
	for {
		page, err := src.Page(context.Background(), after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			got = append(got, c.Number)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Number
	}
	want := []string{number(1), number(2), number(3), number(4), number(5)}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
}
