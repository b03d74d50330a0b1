package exchange_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/exchange"
)

var (
	secrets = map[string]string{"app-a": "secret-a", "app-b": "secret-b"}
	t0      = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
)

// signed returns a server-side request signed by app-a at at.
func signed(tb testing.TB, method, target, body string, at time.Time) *http.Request {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	out := httptest.NewRequest(method, target, rd) // what a server sees, RequestURI set
	in, err := http.NewRequest(method, "http://example.test"+target, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		in.Body = io.NopCloser(strings.NewReader(body))
	}
	if err := exchange.Sign(in, "app-a", secrets["app-a"], at); err != nil {
		tb.Fatalf("Sign: %v", err)
	}
	out.Header = in.Header.Clone()
	return out
}

func never(string) bool { return false }

func TestVerify_OK(t *testing.T) {
	tests := []struct{ name, method, target, body string }{
		{"GetNoBody", http.MethodGet, "/v1/issuers/X/public-key", ""},
		{"PostBody", http.MethodPost, "/v1/licences/query", `{"holder_id":"1"}`},
		{"Query", http.MethodGet, "/v1/x?b=2&a=%E4%B8%AD", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signed(t, tt.method, tt.target, tt.body, t0)
			if err := exchange.Verify(r, secrets, never, t0, exchange.DefaultSkew); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			b, _ := io.ReadAll(r.Body)
			if got, want := string(b), tt.body; got != want {
				t.Errorf("body after Verify = %q, want %q", got, want)
			}
		})
	}
}

func TestVerify_Refusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *http.Request) *http.Request
		want   error
	}{
		{"Method", func(r *http.Request) *http.Request { r.Method = http.MethodPut; return r }, exchange.ErrBadSignature},
		{"Path", func(r *http.Request) *http.Request { r.RequestURI = "/v1/licences/other"; return r }, exchange.ErrBadSignature},
		{"Query", func(r *http.Request) *http.Request { r.RequestURI += "?x=1"; return r }, exchange.ErrBadSignature},
		{"Body", func(r *http.Request) *http.Request {
			r.Body = io.NopCloser(bytes.NewReader([]byte(`{"holder_id":"2"}`)))
			return r
		}, exchange.ErrBadSignature},
		{"Nonce", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderNonce, "0123456789abcdef"); return r }, exchange.ErrBadSignature},
		{"Timestamp", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderTimestamp, "1700000000"); return r }, exchange.ErrBadSignature},
		{"OtherAppsSecret", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderAppID, "app-b"); return r }, exchange.ErrBadSignature},
		{"UnknownApp", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderAppID, "app-c"); return r }, exchange.ErrUnknownApp},
		{"NoSignature", func(r *http.Request) *http.Request { r.Header.Del(exchange.HeaderSignature); return r }, exchange.ErrMissingAuth},
		{"ShortNonce", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderNonce, "1"); return r }, exchange.ErrMissingAuth},
		{"BadTimestamp", func(r *http.Request) *http.Request { r.Header.Set(exchange.HeaderTimestamp, "soon"); return r }, exchange.ErrMissingAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.change(signed(t, http.MethodPost, "/v1/licences/query", `{"holder_id":"1"}`, t0))
			if err := exchange.Verify(r, secrets, never, t0, exchange.DefaultSkew); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerify_Skew(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want error
	}{
		{"JustInside", t0.Add(-exchange.DefaultSkew), nil},
		{"TooOld", t0.Add(-exchange.DefaultSkew - time.Second), exchange.ErrStaleTimestamp},
		{"JustAhead", t0.Add(exchange.DefaultSkew), nil},
		{"TooFarAhead", t0.Add(exchange.DefaultSkew + time.Second), exchange.ErrStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signed(t, http.MethodGet, "/x", "", tt.at)
			if err := exchange.Verify(r, secrets, never, t0, exchange.DefaultSkew); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerify_NonceOncePerApp(t *testing.T) {
	nonces := exchange.NewNonceCache(10*time.Minute, func() time.Time { return t0 })
	r := signed(t, http.MethodGet, "/x", "", t0)
	replay := r.Clone(r.Context())
	if err := exchange.Verify(r, secrets, nonces.Seen, t0, exchange.DefaultSkew); err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := exchange.Verify(replay, secrets, nonces.Seen, t0, exchange.DefaultSkew); !errors.Is(err, exchange.ErrNonceReused) {
		t.Errorf("replay: %v, want ErrNonceReused", err)
	}
	// A refused signature does not use the nonce up.
	forged := signed(t, http.MethodGet, "/x", "", t0)
	nonce := forged.Header.Get(exchange.HeaderNonce)
	forged.Header.Set(exchange.HeaderSignature, strings.Repeat("0", 64))
	if err := exchange.Verify(forged, secrets, nonces.Seen, t0, exchange.DefaultSkew); !errors.Is(err, exchange.ErrBadSignature) {
		t.Fatalf("forged: %v", err)
	}
	if got, want := nonces.Seen("app-a:"+nonce), false; got != want {
		t.Errorf("nonce of a forged request seen = %v, want %v", got, want)
	}
}

func TestNonceCache_Expires(t *testing.T) {
	now := t0
	c := exchange.NewNonceCache(time.Minute, func() time.Time { return now })
	if c.Seen("a") {
		t.Fatal("fresh nonce seen")
	}
	if !c.Seen("a") {
		t.Fatal("repeated nonce not seen")
	}
	now = now.Add(2 * time.Minute)
	if c.Seen("a") {
		t.Error("nonce still seen after its ttl")
	}
	now = now.Add(2 * time.Minute)
	c.Seen("b")
	if got, want := c.Len(), 1; got != want {
		t.Errorf("remembered = %d, want %d (expired ones swept)", got, want)
	}
}

func TestCredentials_HideSecret(t *testing.T) {
	c := exchange.Credentials{AppID: "app-a", Secret: "very-secret"}
	for _, s := range []string{c.String(), c.GoString()} {
		if strings.Contains(s, "very-secret") || !strings.Contains(s, "app-a") {
			t.Errorf("%q: want the app id and not the secret", s)
		}
	}
}
