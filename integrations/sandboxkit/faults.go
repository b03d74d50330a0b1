package sandboxkit

import (
	"net/http"
	"sync"
	"time"
)

// Faults injects failures in front of a handler. The zero value injects
// none; it is safe for concurrent use, so a test may change it while the
// server runs.
type Faults struct {
	mu         sync.Mutex
	failN      int
	failStatus int
	dropN      int
	latency    time.Duration
	down       bool
}

// FailNext answers the next n requests with status instead of passing them on.
func (f *Faults) FailNext(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failN, f.failStatus = n, status
}

// DropNext closes the connection of the next n requests without answering.
func (f *Faults) DropNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropN = n
}

// SetLatency delays every request by d before anything else happens (0 for none).
func (f *Faults) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// Down makes every request fail with 503 until it is called with false.
func (f *Faults) Down(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// Reset removes every fault.
func (f *Faults) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failN, f.failStatus, f.dropN, f.latency, f.down = 0, 0, 0, 0, false
}

type fault int

const (
	pass fault = iota
	fail
	drop
)

// next decides, once per request, what happens to it.
func (f *Faults) next() (fault, int, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.down:
		return fail, http.StatusServiceUnavailable, f.latency
	case f.dropN > 0:
		f.dropN--
		return drop, 0, f.latency
	case f.failN > 0:
		f.failN--
		return fail, f.failStatus, f.latency
	}
	return pass, 0, f.latency
}

// Wrap returns h behind the faults.
func (f *Faults) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		what, status, latency := f.next()
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done(): // the client gave up: do not hold the server
				t.Stop()
				return
			}
		}
		switch what {
		case fail:
			http.Error(w, http.StatusText(status), status)
		case drop:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
		default:
			h.ServeHTTP(w, r)
		}
	})
}
