package exchange

import (
	"net/http"
	"time"
)

// Transport is an http.RoundTripper that signs every request it sends with
// Sign. Put it under httpx so that each retry is signed again with a new
// nonce and timestamp: a replayed signature would be refused.
type Transport struct {
	AppID  string
	Secret string
	// Next sends the signed request (http.DefaultTransport if nil).
	Next http.RoundTripper
	// Now is the clock for the timestamp (time.Now if nil).
	Now func() time.Time
}

// RoundTrip signs a copy of req and sends it through Next.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context()) // a RoundTripper must not change the caller's request
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	if err := Sign(r, t.AppID, t.Secret, now()); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper always closes the body
		}
		return nil, err
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// CloseIdleConnections closes the idle connections of the transport underneath.
func (t *Transport) CloseIdleConnections() {
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	if c, ok := next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
