package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// loadStats times every request by endpoint and counts errors by kind.
// Latencies go into an HDR histogram per endpoint (microseconds, three
// significant digits), so a run of a million stories takes the same memory
// as a run of ten.
type loadStats struct {
	mu        sync.Mutex
	endpoints map[string]*hdrhistogram.Histogram
	errors    map[string]int
	requests  int
}

// newLatencies is an empty histogram of 1 µs to 10 minutes.
func newLatencies() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(10*time.Minute/time.Microsecond), 3)
}

func newLoadStats() *loadStats {
	return &loadStats{endpoints: map[string]*hdrhistogram.Histogram{}, errors: map[string]int{}}
}

// observe records one attempt: its endpoint's latency, and its failure
// (no answer, or a 4xx/5xx the caller may or may not have expected; the
// story decides what is wrong, this only counts).
func (l *loadStats) observe(method, path string, status int, took time.Duration, err error) {
	key := method + " " + routeOf(path)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	l.record(key, took)
	switch {
	case err != nil:
		l.errors["transport: "+errorKind(err)]++
	case status >= 500:
		l.errors[fmt.Sprintf("%d %s", status, key)]++
	}
}

// routeOf replaces the ids in a path with :id, so that requests group by
// endpoint.
func routeOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		digits := strings.IndexFunc(p, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0
		if digits && len(p) >= 8 {
			parts[i] = ":id"
		}
	}
	return strings.Join(parts, "/")
}

// errorKind names a transport error without its addresses.
func errorKind(err error) string {
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &op):
		s := op.Err.Error()
		if i := strings.LastIndex(s, ": "); i >= 0 {
			s = s[i+2:]
		}
		return op.Op + ": " + s
	case strings.Contains(err.Error(), "EOF"):
		return "connection closed"
	}
	return "other"
}

// percentile returns the p-th percentile (0 < p ≤ 100) of h.
func percentile(h *hdrhistogram.Histogram, p float64) time.Duration {
	return time.Duration(h.ValueAtPercentile(p)) * time.Microsecond
}

// time records one timing under key (a step of a lifecycle, say) that is
// not a request.
func (l *loadStats) time(key string, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(key, took)
}

// record adds a latency to key's histogram; l.mu is held.
func (l *loadStats) record(key string, took time.Duration) {
	h := l.endpoints[key]
	if h == nil {
		h = newLatencies()
		l.endpoints[key] = h
	}
	_ = h.RecordValue(max(took.Microseconds(), 1)) // beyond 10 minutes is not recorded; the timeout is 30 s
}

// report prints requests per endpoint with p50/p95/p99, and errors by kind.
func (l *loadStats) report(w io.Writer, elapsed time.Duration) {
	l.table(w, elapsed, "endpoint", "requests", "req/s")
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errors) == 0 {
		fmt.Fprintln(w, "errors: none")
		return
	}
	fmt.Fprintln(w, "errors by kind (each attempt; resent ones included):")
	ek := make([]string, 0, len(l.errors))
	for k := range l.errors {
		ek = append(ek, k)
	}
	sort.Strings(ek)
	for _, k := range ek {
		fmt.Fprintf(w, "  %-70s %d\n", k, l.errors[k])
	}
}

// table prints the count, rate and p50/p95/p99 of every key, and of all
// together, under the column headings given for the key, count and rate.
func (l *loadStats) table(w io.Writer, elapsed time.Duration, key, count, rate string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.endpoints))
	for k := range l.endpoints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "%-62s %8s %8s %8s %8s %8s\n", key, count, rate, "p50", "p95", "p99")
	all := newLatencies()
	line := func(name string, h *hdrhistogram.Histogram) {
		fmt.Fprintf(w, "%-62s %8d %8.1f %8s %8s %8s\n", name, h.TotalCount(), float64(h.TotalCount())/elapsed.Seconds(),
			ms(percentile(h, 50)), ms(percentile(h, 95)), ms(percentile(h, 99)))
	}
	for _, k := range keys {
		line(k, l.endpoints[k])
		all.Merge(l.endpoints[k])
	}
	line("all", all)
}

// summary returns the latencies of every endpoint whose key has one of
// the prefixes, together.
func (l *loadStats) summary(prefixes ...string) *hdrhistogram.Histogram {
	l.mu.Lock()
	defer l.mu.Unlock()
	all := newLatencies()
	for k, h := range l.endpoints {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				all.Merge(h)
				break
			}
		}
	}
	return all
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// loadRetry resends, as a phone or a load balancer would, a request no
// server answered (it then tries the next address) and one a server could
// not take just then (502/503/504), up to attempts times.
type loadRetry struct {
	addrs    []string
	attempts int
}

// again reports whether c should send the request again, after a pause;
// it moves c to the next address when the last one did not answer.
func (r *loadRetry) again(ctx context.Context, c *demoClient, attempt, status int, err error) bool {
	if err == nil && status != http.StatusBadGateway && status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout {
		return false
	}
	pause := min(100*time.Millisecond<<min(attempt, 4), 2*time.Second)
	if attempt+1 >= r.attempts || ctx.Err() != nil {
		return false
	}
	if err != nil && len(r.addrs) > 1 {
		i := slices.Index(r.addrs, c.base)
		c.base = r.addrs[(i+1)%len(r.addrs)]
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(pause):
	}
	return true
}
