package sandboxkit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/sandboxkit"
)

func TestRecorder(t *testing.T) {
	rec := sandboxkit.NewRecorder("x-sign")
	seen := make(chan string, 1)
	srv := httptest.NewServer(rec.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen <- string(b)
	})))
	t.Cleanup(srv.Close)

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/orders?id=7", strings.NewReader(`{"a":1}`))
	req.Header.Set("X-Sign", "abc")
	req.Header.Set("Authorization", "Bearer t")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if got, want := <-seen, `{"a":1}`; got != want {
		t.Errorf("handler read %q, want %q", got, want)
	}
	want := []sandboxkit.Request{{
		Method: http.MethodPost,
		Path:   "/orders",
		Query:  "id=7",
		Host:   strings.TrimPrefix(srv.URL, "http://"),
		Header: http.Header{"X-Sign": {"abc"}},
		Body:   []byte(`{"a":1}`),
	}}
	if diff := cmp.Diff(want, rec.Requests()); diff != "" {
		t.Errorf("Requests mismatch (-want +got):\n%s", diff)
	}
	rec.Reset()
	if got, want := rec.Len(), 0; got != want {
		t.Errorf("Len after Reset = %d, want %d", got, want)
	}
}

func TestRecorder_ZeroValueKeepsAllHeaders(t *testing.T) {
	var rec sandboxkit.Recorder
	srv := httptest.NewServer(rec.Wrap(http.NotFoundHandler()))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("X-A", "1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := rec.Requests()
	if len(reqs) != 1 {
		t.Fatalf("recorded %d requests, want 1", len(reqs))
	}
	if got, want := reqs[0].Header.Get("X-A"), "1"; got != want {
		t.Errorf("X-A = %q, want %q", got, want)
	}
	if got, want := reqs[0].Header.Get("User-Agent") != "", true; got != want {
		t.Errorf("User-Agent kept = %v, want %v", got, want)
	}
}
