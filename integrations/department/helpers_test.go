package department_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/integrations/department"
	"zerovisit/integrations/department/sandbox"
	"zerovisit/integrations/httpx"
	"zerovisit/models/kv"
)

const (
	scjgj       = "scjgj" // 市场监督管理局
	gaj         = "gaj"   // 公安局
	scjgjSecret = "scjgj-secret-0123456789"
	gajSecret   = "gaj-secret-9876543210"
)

// The in-process kv store remembers nonces in the default configuration.
var _ department.Nonces = (*kv.Memory)(nil)

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

// system is the departments' sandbox served over real HTTP.
type system struct {
	*sandbox.Sandbox
	URL string // the push URL
}

func newSystem(tb testing.TB, secrets map[string]string, now func() time.Time) *system {
	tb.Helper()
	sb := sandbox.New(sandbox.Config{Departments: secrets, Now: now})
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	return &system{Sandbox: sb, URL: srv.URL + sandbox.PushPath}
}

func loopbackClient(tb testing.TB) *http.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	return hc
}

func newPusher(tb testing.TB, eps []department.Endpoint, now func() time.Time) *department.Pusher {
	tb.Helper()
	p, err := department.NewPusher(eps, loopbackClient(tb), department.Options{
		HTTP: httpx.Options{Timeout: 5 * time.Second, AttemptTimeout: 2 * time.Second},
		Now:  now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// countingNonces is a nonce store that counts claims and can fail.
type countingNonces struct {
	department.Nonces
	claims atomic.Int64
	fail   atomic.Bool
}

func (n *countingNonces) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if n.fail.Load() {
		return false, errors.New("redis: connection refused")
	}
	n.claims.Add(1)
	return n.Nonces.Claim(ctx, key, ttl)
}

// callback is our callback endpoint over real HTTP: it verifies each
// request and hands the decision to handle (or just answers it).
type callback struct {
	URL    string
	nonces *countingNonces
}

// answer is the callback endpoint's JSON answer.
type answer struct {
	Code     string              `json:"code"`
	Callback department.Callback `json:"callback"`
	Status   string              `json:"status,omitempty"`
	Error    string              `json:"error,omitempty"`
}

func newCallback(tb testing.TB, eps []department.Endpoint, now func() time.Time, handle func(context.Context, department.Callback) (string, error)) *callback {
	tb.Helper()
	mem := kv.NewMemory(now)
	tb.Cleanup(func() { _ = mem.Close() })
	nonces := &countingNonces{Nonces: mem}
	v, err := department.NewVerifier(eps, nonces, department.VerifierOptions{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		w.Header().Set("Content-Type", "application/json")
		cb, err := v.Verify(r, body)
		var ve *department.VerifyError
		switch {
		case errors.As(err, &ve):
			w.WriteHeader(ve.HTTPStatus())
			_ = json.NewEncoder(w).Encode(answer{Code: ve.Code})
			return
		case err != nil:
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(answer{Code: "unavailable"})
			return
		}
		out := answer{Code: "0", Callback: cb}
		if handle != nil {
			st, err := handle(r.Context(), cb)
			if err != nil {
				w.WriteHeader(http.StatusUnprocessableEntity)
				out = answer{Code: "rejected", Error: err.Error()}
			}
			out.Status = st
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	tb.Cleanup(srv.Close)
	return &callback{URL: srv.URL, nonces: nonces}
}

// decode reads a reply of the callback endpoint.
func decode(tb testing.TB, r sandbox.Reply) answer {
	tb.Helper()
	var a answer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		tb.Fatalf("decode reply %q: %v", r.Body, err)
	}
	return a
}

func endpoints(url string) []department.Endpoint {
	return []department.Endpoint{
		{Department: scjgj, URL: url, Secret: scjgjSecret, Enabled: true},
		{Department: gaj, URL: url, Secret: gajSecret, Enabled: true},
	}
}
