package sandboxkit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/integrations/sandboxkit"
)

func serve(tb testing.TB, f *sandboxkit.Faults) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})))
	tb.Cleanup(srv.Close)
	return srv
}

func status(tb testing.TB, c *http.Client, url string) int {
	tb.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestFaults_ZeroValuePassesThrough(t *testing.T) {
	srv := serve(t, &sandboxkit.Faults{})
	if got, want := status(t, srv.Client(), srv.URL), http.StatusOK; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
}

func TestFaults_FailNext(t *testing.T) {
	f := &sandboxkit.Faults{}
	srv := serve(t, f)
	f.FailNext(2, http.StatusBadGateway)
	var got []int
	for range 3 {
		got = append(got, status(t, srv.Client(), srv.URL))
	}
	if want := []int{502, 502, 200}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("statuses = %v, want %v", got, want)
	}
}

func TestFaults_Down(t *testing.T) {
	f := &sandboxkit.Faults{}
	srv := serve(t, f)
	f.Down(true)
	for range 3 {
		if got, want := status(t, srv.Client(), srv.URL), http.StatusServiceUnavailable; got != want {
			t.Fatalf("status = %d, want %d", got, want)
		}
	}
	f.Down(false)
	if got, want := status(t, srv.Client(), srv.URL), http.StatusOK; got != want {
		t.Errorf("status after Down(false) = %d, want %d", got, want)
	}
}

func TestFaults_DropNext(t *testing.T) {
	f := &sandboxkit.Faults{}
	srv := serve(t, f)
	f.DropNext(1)
	// A fresh client per request: Go's transport silently retries a GET
	// dropped on a reused connection, which would hide the drop.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := c.Get(srv.URL); err == nil {
		t.Fatal("dropped request succeeded")
	}
	if got, want := status(t, c, srv.URL), http.StatusOK; got != want {
		t.Errorf("status after the drop = %d, want %d", got, want)
	}
}

func TestFaults_SetLatency(t *testing.T) {
	f := &sandboxkit.Faults{}
	srv := serve(t, f)
	f.SetLatency(60 * time.Millisecond)
	start := time.Now()
	status(t, srv.Client(), srv.URL)
	if got, want := time.Since(start), 60*time.Millisecond; got < want {
		t.Errorf("took %v, want at least %v", got, want)
	}
	f.Reset()
	start = time.Now()
	status(t, srv.Client(), srv.URL)
	if got := time.Since(start); got > 50*time.Millisecond {
		t.Errorf("after Reset took %v", got)
	}
}

func TestFaults_ConcurrentUseCountsExactly(t *testing.T) {
	f := &sandboxkit.Faults{}
	srv := serve(t, f)
	f.FailNext(5, http.StatusInternalServerError)
	var failed atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if status(t, srv.Client(), srv.URL) == http.StatusInternalServerError {
				failed.Add(1)
			}
		})
	}
	// Change faults while requests are in flight (the race detector watches).
	f.SetLatency(time.Millisecond)
	f.SetLatency(0)
	wg.Wait()
	if got, want := failed.Load(), int32(5); got != want {
		t.Errorf("failed = %d, want %d", got, want)
	}
}
