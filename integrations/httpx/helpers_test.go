package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// sandbox is a party stand-in over real HTTP: a handler behind faults,
// behind a recorder that counts every request that reached the server.
type sandbox struct {
	URL    string
	Faults *sandboxkit.Faults
	Rec    *sandboxkit.Recorder
}

func newSandbox(tb testing.TB, h http.Handler) *sandbox {
	tb.Helper()
	if h == nil {
		h = okHandler()
	}
	sb := &sandbox{Faults: &sandboxkit.Faults{}, Rec: sandboxkit.NewRecorder(httpx.HeaderIdempotencyKey, httpx.HeaderOriginalHost)}
	srv := httptest.NewServer(sb.Rec.Wrap(sb.Faults.Wrap(h)))
	tb.Cleanup(srv.Close)
	sb.URL = srv.URL
	return sb
}

// okHandler answers {"ok":true,"path":…}.
func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(reply{OK: true, Path: r.URL.Path})
	})
}

type reply struct {
	OK   bool   `json:"ok"`
	Path string `json:"path"`
}

// fastOptions keeps retries quick so tests measure behaviour, not waits.
func fastOptions() httpx.Options {
	return httpx.Options{
		Timeout:        5 * time.Second,
		AttemptTimeout: 2 * time.Second,
		BaseDelay:      time.Millisecond,
		MaxDelay:       5 * time.Millisecond,
	}
}

// newClient returns a client for party "elicense" whose transport refuses
// anything but loopback, as the default configuration does.
func newClient(tb testing.TB, opts httpx.Options) *httpx.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	return httpx.NewClient("elicense", hc, opts)
}

// TestSandboxCountsRequestsTheFaultsRefuse pins what the breaker tests rely
// on: the recorder sits outside the faults, so a request refused by an
// injected 503 still counts as having reached the server, and one the
// breaker stops does not.
func TestSandboxCountsRequestsTheFaultsRefuse(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(1, http.StatusServiceUnavailable)
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusOK} {
		resp, err := http.Get(sb.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("request %d answered %d, want %d", i+1, resp.StatusCode, want)
		}
		if got := sb.Rec.Len(); got != i+1 {
			t.Fatalf("after %d requests the recorder counts %d", i+1, got)
		}
	}
}
