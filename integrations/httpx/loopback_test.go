package httpx_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
)

// countingTransport counts the requests that get past a guard.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("countingTransport sends nothing")
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true}, {"127.5.6.7", true}, {"::1", true}, {"::ffff:127.0.0.1", true},
		{"localhost", true}, {"LOCALHOST", true}, {"localhost.", true},
		{"10.1.2.3", false}, {"example.com", false}, {"0.0.0.0", false}, {"", false},
		{"127.1", false}, {"localhost.example.com", false}, {"127.0.0.1.nip.io", false}, {"2001:db8::1", false},
	}
	for _, tt := range tests {
		if got, want := httpx.IsLoopbackHost(tt.host), tt.want; got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", tt.host, got, want)
		}
	}
}

func TestLoopbackOnly_RefusesWithoutSending(t *testing.T) {
	next := &countingTransport{}
	hc := &http.Client{Transport: httpx.LoopbackOnly(next)}
	for _, u := range []string{"http://10.1.2.3/", "http://example.com/", "https://[2001:db8::1]:8443/", "http://127.0.0.1.nip.io/"} {
		body := &closeTracker{Reader: strings.NewReader("x")}
		req, _ := http.NewRequest(http.MethodPost, u, body)
		_, err := hc.Do(req)
		if !errors.Is(err, httpx.ErrNotLoopback) {
			t.Errorf("%s: err = %v, want ErrNotLoopback", u, err)
		}
		if !body.closed.Load() {
			t.Errorf("%s: request body not closed", u)
		}
	}
	if got, want := next.n.Load(), int32(0); got != want {
		t.Errorf("requests passed on = %d, want %d", got, want)
	}
}

func TestLoopbackOnly_DefaultTransport(t *testing.T) {
	sb := newSandbox(t, nil)
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 5 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)

	t.Run("RefusesBeforeDialling", func(t *testing.T) {
		start := time.Now()
		// 10.1.2.3 is not routable from here: a dial would hang until the timeout.
		_, err := hc.Get("http://10.1.2.3:9/")
		if !errors.Is(err, httpx.ErrNotLoopback) {
			t.Fatalf("err = %v, want ErrNotLoopback", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("took %v: it dialled", d)
		}
	})
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run("Sends/"+host, func(t *testing.T) {
			u := strings.Replace(sb.URL, "127.0.0.1", host, 1) + "/ping"
			resp, err := hc.Get(u)
			if err != nil {
				t.Fatalf("GET %s: %v", u, err)
			}
			resp.Body.Close()
			if got, want := resp.StatusCode, http.StatusOK; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
		})
	}
}

func TestLoopbackOnly_RefusalDoesNotTripBreaker(t *testing.T) {
	opts := breakerOptions(1, time.Hour)
	opts.MaxAttempts = 3
	c := newClient(t, opts)
	for range 3 {
		err := c.GetJSON(context.Background(), "http://example.com/x", nil)
		if !errors.Is(err, httpx.ErrNotLoopback) || errors.Is(err, httpx.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrNotLoopback and not ErrUnavailable", err)
		}
	}
	if got, want := c.State(), "closed"; got != want {
		t.Errorf("breaker = %q, want %q", got, want)
	}
}

func TestRewrite(t *testing.T) {
	sb := newSandbox(t, nil)
	tests := []struct {
		name, target, reqURL, wantPath, wantQuery, wantOriginal string
	}{
		{"WeChatAPI", sb.URL, "https://api.weixin.qq.com/sns/jscode2session?appid=wx1&js_code=c", "/sns/jscode2session", "appid=wx1&js_code=c", "api.weixin.qq.com"},
		{"WeChatPayWithPort", sb.URL, "https://api.mch.weixin.qq.com:443/pay/unifiedorder", "/pay/unifiedorder", "", "api.mch.weixin.qq.com:443"},
		{"PathPrefix", sb.URL + "/sandbox/wechat/", "https://api.weixin.qq.com/cgi-bin/token", "/sandbox/wechat/cgi-bin/token", "", "api.weixin.qq.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.Rec.Reset()
			target, _ := url.Parse(tt.target)
			rt, err := httpx.Rewrite(target, nil)
			if err != nil {
				t.Fatal(err)
			}
			hc := &http.Client{Transport: rt}
			t.Cleanup(hc.CloseIdleConnections)
			req, _ := http.NewRequest(http.MethodPost, tt.reqURL, strings.NewReader("body"))
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			resp.Body.Close()
			if got, want := req.URL.String(), tt.reqURL; got != want {
				t.Errorf("caller's request changed to %q", got)
			}
			reqs := sb.Rec.Requests()
			if len(reqs) != 1 {
				t.Fatalf("sandbox got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if got, want := r.Path, tt.wantPath; got != want {
				t.Errorf("path = %q, want %q", got, want)
			}
			if got, want := r.Query, tt.wantQuery; got != want {
				t.Errorf("query = %q, want %q", got, want)
			}
			if got, want := r.Header.Get(httpx.HeaderOriginalHost), tt.wantOriginal; got != want {
				t.Errorf("%s = %q, want %q", httpx.HeaderOriginalHost, got, want)
			}
			if got, want := r.Host, strings.TrimPrefix(sb.URL, "http://"); got != want {
				t.Errorf("Host = %q, want %q", got, want)
			}
			if got, want := string(r.Body), "body"; got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
}

func TestRewrite_RefusesNonLoopbackTarget(t *testing.T) {
	for _, target := range []string{"http://10.1.2.3:8080", "https://example.com", "http://169.254.169.254"} {
		u, _ := url.Parse(target)
		if _, err := httpx.Rewrite(u, nil); !errors.Is(err, httpx.ErrNotLoopback) {
			t.Errorf("Rewrite(%s): err = %v, want ErrNotLoopback", target, err)
		}
	}
	for _, target := range []string{"ftp://127.0.0.1", "/relative"} {
		u, _ := url.Parse(target)
		if _, err := httpx.Rewrite(u, nil); err == nil {
			t.Errorf("Rewrite(%s) succeeded, want an error", target)
		}
	}
	if _, err := httpx.Rewrite(nil, nil); err == nil {
		t.Error("Rewrite(nil) succeeded, want an error")
	}
}

type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error {
	c.closed.Store(true)
	return nil
}
