package httpx_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
)

func TestGetJSON_RetriesOn503ThenSucceeds(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(2, http.StatusServiceUnavailable)
	c := newClient(t, fastOptions())

	var got reply
	if err := c.GetJSON(context.Background(), sb.URL+"/licences", &got); err != nil {
		t.Fatalf("GetJSON: %v", err)
	}
	if got, want := got.Path, "/licences"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if got, want := sb.Rec.Len(), 3; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestGetJSON_GivesUpAfterMaxAttempts(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(10, http.StatusBadGateway)
	opts := fastOptions()
	opts.MaxAttempts = 4
	c := newClient(t, opts)

	err := c.GetJSON(context.Background(), sb.URL+"/x", nil)
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusBadGateway {
		t.Fatalf("err = %v, want a 502 StatusError", err)
	}
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Errorf("err = %v, want it to match ErrUnavailable", err)
	}
	if got, want := sb.Rec.Len(), 4; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestDo_DoesNotRetryPOSTWithoutKey(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(1, http.StatusServiceUnavailable)
	c := newClient(t, fastOptions())

	req, _ := http.NewRequest(http.MethodPost, sb.URL+"/licences", strings.NewReader(`{}`))
	resp, err := c.Do(req, false)
	if err == nil {
		resp.Body.Close()
		t.Fatal("Do succeeded, want the 503")
	}
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want a 503 StatusError", err)
	}
	if got, want := sb.Rec.Len(), 1; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestPostJSON_RetriesWithIdempotencyKeyAndReplaysBody(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(2, http.StatusGatewayTimeout)
	c := newClient(t, fastOptions())

	var got reply
	if err := c.PostJSON(context.Background(), sb.URL+"/issue", map[string]string{"holder": "x"}, &got, "case-42-v1"); err != nil {
		t.Fatalf("PostJSON: %v", err)
	}
	if got, want := got.OK, true; got != want {
		t.Errorf("ok = %v, want %v", got, want)
	}
	reqs := sb.Rec.Requests()
	if got, want := len(reqs), 3; got != want {
		t.Fatalf("requests = %d, want %d", got, want)
	}
	for i, r := range reqs {
		if got, want := string(r.Body), `{"holder":"x"}`; got != want {
			t.Errorf("request %d body = %q, want %q", i, got, want)
		}
		if got, want := r.Header.Get(httpx.HeaderIdempotencyKey), "case-42-v1"; got != want {
			t.Errorf("request %d idempotency key = %q, want %q", i, got, want)
		}
	}
}

func TestDo_IdempotentBodyWithoutGetBodyIsReplayed(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.FailNext(1, http.StatusServiceUnavailable)
	c := newClient(t, fastOptions())

	// NopCloser hides the strings.Reader, so http.NewRequest sets no GetBody.
	req, _ := http.NewRequest(http.MethodPut, sb.URL+"/cases/1", io.NopCloser(strings.NewReader("payload")))
	resp, err := c.Do(req, true)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	reqs := sb.Rec.Requests()
	if got, want := len(reqs), 2; got != want {
		t.Fatalf("requests = %d, want %d", got, want)
	}
	for i, r := range reqs {
		if got, want := string(r.Body), "payload"; got != want {
			t.Errorf("request %d body = %q, want %q", i, got, want)
		}
	}
}

func TestDo_HonoursRetryAfter(t *testing.T) {
	var mu sync.Mutex
	first := true
	sb := newSandbox(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if first {
			first = false
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		okHandler().ServeHTTP(w, r)
	}))
	c := newClient(t, fastOptions())

	start := time.Now()
	if err := c.GetJSON(context.Background(), sb.URL+"/x", nil); err != nil {
		t.Fatalf("GetJSON: %v", err)
	}
	if got, want := time.Since(start), time.Second; got < want {
		t.Errorf("took %v, want at least the Retry-After of %v (backoff alone is ~1ms)", got, want)
	}
	if got, want := sb.Rec.Len(), 2; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestDo_RetryAfterLongerThanMaxIsReturned(t *testing.T) {
	sb := newSandbox(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	c := newClient(t, fastOptions())

	start := time.Now()
	err := c.GetJSON(context.Background(), sb.URL+"/x", nil)
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a StatusError", err)
	}
	if got, want := se.RetryAfter, time.Hour; got != want {
		t.Errorf("RetryAfter = %v, want %v", got, want)
	}
	if got, want := sb.Rec.Len(), 1; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v, want an immediate answer", d)
	}
}

func TestDo_AttemptTimeoutIsUnavailable(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.SetLatency(2 * time.Second)
	opts := fastOptions()
	opts.AttemptTimeout = 50 * time.Millisecond
	opts.MaxAttempts = 2
	c := newClient(t, opts)

	start := time.Now()
	err := c.GetJSON(context.Background(), sb.URL+"/slow", nil)
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.HasPrefix(err.Error(), "elicense: ") {
		t.Errorf("err = %q, want the party prefix", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v, want two 50ms attempts", d)
	}
	if got, want := sb.Rec.Len(), 2; got != want {
		t.Errorf("requests = %d, want %d (a timed-out GET is retried)", got, want)
	}
}

func TestDo_CallTimeoutIsUnavailable(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.SetLatency(2 * time.Second)
	opts := fastOptions()
	opts.Timeout = 80 * time.Millisecond
	c := newClient(t, opts)

	start := time.Now()
	err := c.GetJSON(context.Background(), sb.URL+"/slow", nil)
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v, want about 80ms", d)
	}
}

func TestDo_CallerCancelIsNotUnavailable(t *testing.T) {
	sb := newSandbox(t, nil)
	sb.Faults.SetLatency(2 * time.Second)
	opts := fastOptions()
	opts.Breaker.ConsecutiveFailures = 1
	c := newClient(t, opts)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.GetJSON(ctx, sb.URL+"/slow", nil)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want the caller's context error and not ErrUnavailable", err)
	}
	if got, want := c.State(), "closed"; got != want {
		t.Errorf("breaker = %q, want %q: the caller giving up says nothing about the party", got, want)
	}
}

func TestDo_DroppedConnection(t *testing.T) {
	t.Run("GETIsRetried", func(t *testing.T) {
		sb := newSandbox(t, nil)
		sb.Faults.DropNext(1)
		c := newClient(t, fastOptions())
		if err := c.GetJSON(context.Background(), sb.URL+"/x", nil); err != nil {
			t.Fatalf("GetJSON: %v", err)
		}
		if got, want := sb.Rec.Len(), 2; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
	t.Run("POSTIsNot", func(t *testing.T) {
		sb := newSandbox(t, nil)
		sb.Faults.DropNext(1)
		c := newClient(t, fastOptions())
		err := c.PostJSON(context.Background(), sb.URL+"/x", struct{}{}, nil, "")
		if !errors.Is(err, httpx.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		if got, want := sb.Rec.Len(), 1; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
}

func TestDo_StatusErrorKeepsTruncatedBody(t *testing.T) {
	sb := newSandbox(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"errcode":40001,"errmsg":"`+strings.Repeat("x", 100)+`"}`, http.StatusBadRequest)
	}))
	opts := fastOptions()
	opts.MaxErrorBody = 16
	c := newClient(t, opts)

	err := c.GetJSON(context.Background(), sb.URL+"/persons/110105?token=secret", nil)
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a StatusError", err)
	}
	if got, want := string(se.Body), `{"errcode":40001`; got != want {
		t.Errorf("Body = %q, want %q", got, want)
	}
	if got, want := se.Status, http.StatusBadRequest; got != want {
		t.Errorf("Status = %d, want %d", got, want)
	}
	if errors.Is(err, httpx.ErrUnavailable) {
		t.Errorf("a 400 matches ErrUnavailable")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "elicense: GET 127.0.0.1:") || strings.Contains(msg, "secret") || strings.Contains(msg, "110105") {
		t.Errorf("err = %q, want party, method and host but no path or query", msg)
	}
	if got, want := sb.Rec.Len(), 1; got != want {
		t.Errorf("requests = %d, want %d (a 400 is not retried)", got, want)
	}
}

func TestDo_TransportErrorIsRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	c := newClient(t, fastOptions())

	err = c.GetJSON(context.Background(), "http://"+addr+"/persons/110105?appsecret=s3cret", nil)
	if !errors.Is(err, httpx.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "110105") {
		t.Errorf("err = %q leaks the path or query", msg)
	}
}

func TestDo_BadSchemeIsRefused(t *testing.T) {
	c := newClient(t, fastOptions())
	req, _ := http.NewRequest(http.MethodGet, "ftp://127.0.0.1/x", nil)
	if _, err := c.Do(req, false); err == nil || errors.Is(err, httpx.ErrUnavailable) {
		t.Errorf("err = %v, want a plain refusal", err)
	}
}

func TestDo_StreamedBodyOutlivesDo(t *testing.T) {
	sb := newSandbox(t, nil)
	c := newClient(t, fastOptions())
	req, _ := http.NewRequest(http.MethodGet, sb.URL+"/file", nil)
	resp, err := c.Do(req, false)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body after Do returned: %v", err)
	}
	if !strings.Contains(string(b), `"/file"`) {
		t.Errorf("body = %q", b)
	}
}

func TestOnCall(t *testing.T) {
	sb := newSandbox(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/broken":
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			okHandler().ServeHTTP(w, r)
		}
	}))
	var (
		mu       sync.Mutex
		outcomes []string
	)
	opts := fastOptions()
	opts.Breaker.ConsecutiveFailures = 1
	opts.Breaker.CoolDown = time.Hour
	opts.OnCall = func(party, outcome string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if party != "elicense" || d <= 0 {
			t.Errorf("OnCall(%q, %q, %v)", party, outcome, d)
		}
		outcomes = append(outcomes, outcome)
	}
	c := newClient(t, opts)
	for _, p := range []string{"/ok", "/missing", "/broken", "/ok"} {
		_ = c.GetJSON(context.Background(), sb.URL+p, nil)
	}
	want := []string{httpx.OutcomeOK, httpx.OutcomeClientError, httpx.OutcomeServerError, httpx.OutcomeCircuitOpen}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(outcomes, ","); got != strings.Join(want, ",") {
		t.Errorf("outcomes = %s, want %s", got, strings.Join(want, ","))
	}
}
