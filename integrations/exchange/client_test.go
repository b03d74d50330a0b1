package exchange_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/exchange"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
	"zerovisit/workflow"
)

// party is a guarded echo server; its faults sit behind the guard, so a
// failed attempt has used its nonce up, as at a real party.
type party struct {
	url    string
	faults *sandboxkit.Faults
	rec    *sandboxkit.Recorder
}

func newParty(tb testing.TB, h http.Handler) *party {
	tb.Helper()
	p := &party{faults: &sandboxkit.Faults{}, rec: sandboxkit.NewRecorder()}
	guard := exchange.NewGuard(secrets, nil, 0)
	srv := httptest.NewServer(p.rec.Wrap(guard.Wrap(p.faults.Wrap(h))))
	tb.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		exchange.WriteData(w, http.StatusOK, map[string]any{"path": r.URL.Path, "in": in})
	})
}

func newExClient(tb testing.TB, url string, opts httpx.Options) *exchange.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	c, err := exchange.NewClient("party", url, hc, exchange.Credentials{AppID: "app-a", Secret: "secret-a"}, opts)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}

func fast() httpx.Options {
	return httpx.Options{Timeout: 3 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
}

func TestClient_EachAttemptSignedAfresh(t *testing.T) {
	p := newParty(t, echo())
	p.faults.FailNext(2, http.StatusServiceUnavailable)
	c := newExClient(t, p.url, fast())

	var out struct {
		Path string         `json:"path"`
		In   map[string]any `json:"in"`
	}
	if err := c.Query(context.Background(), "query", "/v1/q", map[string]string{"k": "v"}, &out); err != nil {
		t.Fatalf("Query: %v", err)
	}
	if got, want := out.In["k"], any("v"); got != want {
		t.Errorf("echoed k = %v, want %v", got, want)
	}
	reqs := p.rec.Requests()
	if got, want := len(reqs), 3; got != want {
		t.Fatalf("attempts = %d, want %d", got, want)
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		n := r.Header.Get(exchange.HeaderNonce)
		if seen[n] {
			t.Errorf("nonce %q sent twice", n)
		}
		seen[n] = true
	}
}

func TestClient_UnderAPathPrefix(t *testing.T) {
	guard := exchange.NewGuard(secrets, nil, 0)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/party/", http.StripPrefix("/sandbox/party", guard.Wrap(echo())))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := newExClient(t, srv.URL+"/sandbox/party/", fast())

	var out struct {
		Path string `json:"path"`
	}
	if err := c.Get(context.Background(), "get", "/v1/x?a=1", &out); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got, want := out.Path, "/v1/x"; got != want {
		t.Errorf("path seen by the party = %q, want %q", got, want)
	}
}

func TestClient_Errors(t *testing.T) {
	answer := func(status int, code string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			exchange.WriteError(w, status, code, "中文说明")
		})
	}
	tests := []struct {
		name   string
		h      http.Handler
		is     []error
		isNot  []error
		code   string
		status int
	}{
		{"NotFound", answer(404, "not_found"),
			[]error{exchange.ErrNotFound, exchange.ErrRejected, workflow.ErrPermanent}, []error{httpx.ErrUnavailable}, "not_found", 404},
		{"Conflict", answer(409, "case_conflict"),
			[]error{exchange.ErrConflict, workflow.ErrPermanent}, []error{exchange.ErrNotFound}, "case_conflict", 409},
		{"Refused", answer(403, "forbidden"),
			[]error{exchange.ErrRefused}, []error{workflow.ErrPermanent, httpx.ErrUnavailable}, "forbidden", 403},
		{"Unavailable", answer(503, "busy"),
			[]error{httpx.ErrUnavailable}, []error{workflow.ErrPermanent, exchange.ErrRejected}, "busy", 503},
		{"FailureUnder200", answer(200, "40001"),
			[]error{exchange.ErrRejected, workflow.ErrPermanent}, []error{httpx.ErrUnavailable}, "40001", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := fast()
			opts.MaxAttempts = 1
			c := newExClient(t, newParty(t, tt.h).url, opts)
			err := c.Get(context.Background(), "get thing", "/v1/thing", nil)
			var xe *exchange.Error
			if !errors.As(err, &xe) {
				t.Fatalf("err = %v, want an *exchange.Error", err)
			}
			if got, want := xe.Code, tt.code; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if got, want := xe.Status, tt.status; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			if got, want := xe.Message, "中文说明"; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
			if got, want := err.Error(), "party: get thing: "+tt.code; len(got) < len(want) || got[:len(want)] != want {
				t.Errorf("error = %q, want prefix %q", got, want)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false, want true", target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = true, want false", target)
				}
			}
		})
	}
}

func TestNewClient_Validates(t *testing.T) {
	creds := exchange.Credentials{AppID: "a", Secret: "s"}
	if _, err := exchange.NewClient("party", "ftp://x", nil, creds, httpx.Options{}); err == nil {
		t.Error("ftp base url accepted")
	}
	if _, err := exchange.NewClient("party", "http://127.0.0.1", nil, exchange.Credentials{AppID: "a"}, httpx.Options{}); err == nil {
		t.Error("empty secret accepted")
	}
}

func TestClient_TransportErrorNamesPartyOnce(t *testing.T) {
	p := newParty(t, echo())
	p.faults.Down(true)
	opts := fast()
	opts.MaxAttempts = 1
	c := newExClient(t, p.url, opts)
	err := c.Get(context.Background(), "get thing", "/v1/thing", nil)
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if got, want := err.Error(), "party: get thing: GET"; !strings.HasPrefix(got, want) {
		t.Errorf("error = %q, want prefix %q", got, want)
	}
}
