package elicense_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/exchange"
)

func TestAuth_WrongSecretRefused(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := newClient(t, e.url, "not-the-secret", fastOptions())
	before := e.sb.Recorder.Len()

	_, err := c.Licences(context.Background(), sandbox.ZhangSanID, "")
	if !errors.Is(err, elicense.ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	var xe *exchange.Error
	if !errors.As(err, &xe) {
		t.Fatalf("err = %v, want an *exchange.Error", err)
	}
	if got, want := xe.Code, "bad_signature"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	if got, want := xe.Status, http.StatusUnauthorized; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got, want := e.sb.Recorder.Len()-before, 1; got != want {
		t.Errorf("requests = %d, want %d (a refusal is not retried)", got, want)
	}
}

// signedQuery returns a query request signed at the given time.
func signedQuery(tb testing.TB, url string, at time.Time) *http.Request {
	tb.Helper()
	body, _ := json.Marshal(elicense.QueryRequest{HolderID: sandbox.ZhangSanID})
	req, err := http.NewRequest(http.MethodPost, url+elicense.PathQuery, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := exchange.Sign(req, appID, secret, at); err != nil {
		tb.Fatalf("Sign: %v", err)
	}
	return req
}

// send sends req and returns its status and envelope code.
func send(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var env exchange.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		tb.Fatalf("answer %q is not an envelope: %v", b, err)
	}
	return resp.StatusCode, env.Code
}

func TestAuth_RawRequests(t *testing.T) {
	e := newEnv(t, fastOptions())

	t.Run("OK", func(t *testing.T) {
		status, code := send(t, signedQuery(t, e.url, time.Now()))
		if status != http.StatusOK || code != exchange.CodeOK {
			t.Errorf("answer = %d %q, want 200 %q", status, code, exchange.CodeOK)
		}
	})
	t.Run("OldTimestamp", func(t *testing.T) {
		status, code := send(t, signedQuery(t, e.url, time.Now().Add(-6*time.Minute)))
		if status != http.StatusUnauthorized || code != "timestamp_expired" {
			t.Errorf("answer = %d %q, want 401 timestamp_expired", status, code)
		}
	})
	t.Run("FutureTimestamp", func(t *testing.T) {
		status, code := send(t, signedQuery(t, e.url, time.Now().Add(6*time.Minute)))
		if status != http.StatusUnauthorized || code != "timestamp_expired" {
			t.Errorf("answer = %d %q, want 401 timestamp_expired", status, code)
		}
	})
	t.Run("ReusedNonce", func(t *testing.T) {
		req := signedQuery(t, e.url, time.Now())
		replay := req.Clone(context.Background())
		replay.Body, _ = req.GetBody()
		if status, code := send(t, req); status != http.StatusOK {
			t.Fatalf("first answer = %d %q, want 200", status, code)
		}
		status, code := send(t, replay)
		if status != http.StatusUnauthorized || code != "nonce_reused" {
			t.Errorf("replay answer = %d %q, want 401 nonce_reused", status, code)
		}
	})
	t.Run("TamperedBody", func(t *testing.T) {
		req := signedQuery(t, e.url, time.Now())
		body, _ := json.Marshal(elicense.QueryRequest{HolderID: sandbox.LiNaID})
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		status, code := send(t, req)
		if status != http.StatusUnauthorized || code != "bad_signature" {
			t.Errorf("answer = %d %q, want 401 bad_signature", status, code)
		}
	})
	t.Run("Unsigned", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.url+elicense.PublicKeyPath(sandbox.MarketRegulatorID), nil)
		status, code := send(t, req)
		if status != http.StatusUnauthorized || code != "missing_auth" {
			t.Errorf("answer = %d %q, want 401 missing_auth", status, code)
		}
	})
}
