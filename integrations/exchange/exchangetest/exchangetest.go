// Package exchangetest holds what the tests of the exchange's party clients
// (base data, credit, e-licence) share: quick resilience options, a
// loopback-only HTTP client, a served sandbox, and Resilience, the checks of
// retries, timeouts and the circuit breaker that every party client must
// pass against its sandbox.
//
// It is an ordinary package so that the tests of other packages can use it;
// the product itself never imports it.
package exchangetest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zerovisit/integrations/httpx"
)

// FastOptions keeps retries and the breaker quick, so that tests measure
// behaviour rather than waits: three attempts a second each within three
// seconds, backoff of a few milliseconds, and a breaker that opens after
// three consecutive failures and cools down for 100ms.
func FastOptions() httpx.Options {
	return httpx.Options{
		Timeout:        3 * time.Second,
		AttemptTimeout: time.Second,
		BaseDelay:      time.Millisecond,
		MaxDelay:       5 * time.Millisecond,
		Breaker:        httpx.BreakerOptions{ConsecutiveFailures: 3, CoolDown: 100 * time.Millisecond},
	}
}

// LoopbackClient returns an http.Client whose transport refuses anything but
// loopback, as the default configuration does. Its idle connections are
// closed when the test ends.
func LoopbackClient(tb testing.TB) *http.Client {
	tb.Helper()
	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	tb.Cleanup(hc.CloseIdleConnections)
	return hc
}

// Serve serves h over real HTTP on loopback until the test ends and returns
// the server's URL.
func Serve(tb testing.TB, h http.Handler) string {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}
