package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"zerovisit/integrations/httpx"
)

// Credentials are an app's identity on the exchange.
type Credentials struct {
	AppID  string
	Secret string
}

// String shows the app ID and hides the secret, so credentials can be logged.
func (c Credentials) String() string { return "Credentials{AppID:" + c.AppID + ", Secret:***}" }

// GoString hides the secret from %#v as well.
func (c Credentials) GoString() string { return c.String() }

// maxBody bounds an answer's body.
const maxBody = 16 << 20

// Client calls one party through the exchange: it signs every attempt,
// retries what is safe to retry, keeps the party's circuit breaker (all
// through httpx), and unwraps the answer envelope. It is safe for
// concurrent use.
type Client struct {
	party string
	base  string
	hx    *httpx.Client
}

// NewClient returns a Client for party (the prefix of its errors) at
// baseURL, an absolute http(s) URL under which the party's paths live. hc
// (a plain client if nil) is copied and its transport put under a signing
// Transport; its own transport, such as httpx.LoopbackOnly, still sends.
func NewClient(party, baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: base url must be an absolute http(s) url", party)
	}
	if creds.AppID == "" || creds.Secret == "" {
		return nil, fmt.Errorf("%s: app id and secret are required", party)
	}
	signed := &http.Client{}
	if hc != nil {
		*signed = *hc
	}
	signed.Transport = &Transport{AppID: creds.AppID, Secret: creds.Secret, Next: signed.Transport}
	return &Client{
		party: party,
		base:  strings.TrimSuffix(u.String(), "/"),
		hx:    httpx.NewClient(party, signed, opts),
	}, nil
}

// Party returns the party's name.
func (c *Client) Party() string { return c.party }

// State returns the state of the party's circuit breaker.
func (c *Client) State() string { return c.hx.State() }

// Get sends a GET to path (under the base URL, starting with "/") and
// decodes the envelope's data into out, unless out is nil. op names the
// operation in errors. It is retried when safe.
func (c *Client) Get(ctx context.Context, op, path string, out any) error {
	return c.call(ctx, op, http.MethodGet, path, nil, out, true, "")
}

// Query sends in as a JSON POST that only reads, so it is retried like a
// GET. Look-ups by personal data use it, to keep ID numbers out of URLs and
// the access logs that record them.
func (c *Client) Query(ctx context.Context, op, path string, in, out any) error {
	return c.call(ctx, op, http.MethodPost, path, in, out, true, "")
}

// Post sends in as a JSON POST that writes. With an idempotency key (sent
// as Idempotency-Key) it is retried, since the party applies a key once;
// without one it is sent once.
func (c *Client) Post(ctx context.Context, op, path string, in, out any, idempotencyKey string) error {
	return c.call(ctx, op, http.MethodPost, path, in, out, idempotencyKey != "", idempotencyKey)
}

func (c *Client) call(ctx context.Context, op, method, path string, in, out any, idempotent bool, key string) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: %s: encode request: %w", c.party, op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("%s: %s: new request: %w", c.party, op, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(httpx.HeaderIdempotencyKey, key)
	}
	resp, err := c.hx.Do(req, idempotent)
	if err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) {
			if e := envelopeError(c.party, op, se.Status, se.Body, err); e != nil {
				return e
			}
		}
		return &opError{party: c.party, op: op, err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("%s: %s: read response: %w: %w", c.party, op, httpx.ErrUnavailable, err)
	}
	if len(raw) > maxBody {
		return fmt.Errorf("%s: %s: response larger than %d bytes", c.party, op, maxBody)
	}
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s: %s: decode envelope: %w", c.party, op, err)
	}
	if env.Code != CodeOK {
		return &Error{Party: c.party, Op: op, Status: resp.StatusCode, Code: safeCode(env.Code), Message: env.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("%s: %s: decode data: %w", c.party, op, err)
	}
	return nil
}

// opError names the operation of a failed call. httpx's errors already
// start with the party's name, which Error does not repeat.
type opError struct {
	party, op string
	err       error
}

func (e *opError) Error() string {
	return e.party + ": " + e.op + ": " + strings.TrimPrefix(e.err.Error(), e.party+": ")
}

func (e *opError) Unwrap() error { return e.err }
