package httpx

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// LoopbackOnly returns a RoundTripper that sends a request through next only
// if its host is this machine: "localhost" or a literal address in
// 127.0.0.0/8 or ::1. Any other host is refused with ErrNotLoopback before
// anything is dialled; names are not looked up, since a lookup is traffic
// too and its answer could change before the dial.
//
// With a nil next it uses its own transport, which also refuses at dial time
// any connection to a non-loopback address and never uses a proxy. The
// sandboxes are always local: this is the safety net of tests and of the
// default configuration.
func LoopbackOnly(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = loopbackTransport()
	}
	return &loopbackOnly{next: next}
}

type loopbackOnly struct{ next http.RoundTripper }

func (l *loopbackOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if !IsLoopbackHost(req.URL.Hostname()) {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper always closes the body
		}
		return nil, fmt.Errorf("httpx: refuse request to %s: %w", req.URL.Hostname(), ErrNotLoopback)
	}
	return l.next.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the transport underneath.
func (l *loopbackOnly) CloseIdleConnections() { closeIdle(l.next) }

func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// IsLoopbackHost reports whether host (without a port) is "localhost" or a
// literal loopback address.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// loopbackTransport is a transport without a proxy whose dialer refuses,
// after name resolution and before connecting, any non-loopback address.
func loopbackTransport() *http.Transport {
	d := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		ControlContext: func(_ context.Context, _, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip, err := netip.ParseAddr(host); err != nil || !ip.Unmap().IsLoopback() {
				return fmt.Errorf("httpx: refuse dial to %s: %w", host, ErrNotLoopback)
			}
			return nil
		},
	}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
