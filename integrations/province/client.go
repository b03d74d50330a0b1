package province

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zerovisit/integrations/httpx"
)

// maxAnswer limits the answers the client reads (a full batch query is far
// below it).
const maxAnswer = 8 << 20

// Credentials identify us to the platform.
type Credentials struct {
	AppID  string
	Secret string
}

// String names the app and masks the secret, so Credentials can be logged.
func (c Credentials) String() string { return "app " + c.AppID + " (secret masked)" }

// Options tunes a Client. The zero value is usable.
type Options struct {
	// HTTP configures timeouts, retries and the circuit breaker.
	HTTP httpx.Options
	// Now is the clock that ages the cached token (time.Now if nil).
	Now func() time.Time
}

// Client speaks to the provincial platform. It caches the access token and
// fetches a new one before it expires, or when the platform says it has. It
// is safe for concurrent use; create one and share it, since it holds the
// party's circuit breaker.
type Client struct {
	base  string
	creds Credentials
	hc    *httpx.Client
	now   func() time.Time
	tok   tokenCache
}

// NewClient returns a client of the platform at baseURL (e.g.
// "https://zwfw.example.gov.cn"), sending through hc (a plain *http.Client if
// nil).
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts Options) *Client {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Client{
		base:  strings.TrimSuffix(baseURL, "/"),
		creds: creds,
		hc:    httpx.NewClient(party, hc, opts.HTTP),
		now:   opts.Now,
		tok:   newTokenCache(),
	}
}

// State returns the state of the platform's circuit breaker.
func (c *Client) State() string { return c.hc.State() }

// call sends an authorised request and decodes the answer into out. Every
// request of this protocol is safe to repeat (reports are idempotent by
// key, the rest are reads), so httpx retries them all. A 401 saying the
// token is expired or unknown drops the token and tries once more with a
// fresh one.
func (c *Client) call(ctx context.Context, op, method, path string, in, out any, idemKey string) error {
	return c.send(ctx, op, method, path, in, out, idemKey, false)
}

// send is call, with the body signed when sign is set (the record channel,
// which carries personal fields): see Sign.
func (c *Client) send(ctx context.Context, op, method, path string, in, out any, idemKey string, sign bool) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return wrapOp(op, fmt.Errorf("encode request: %w", err))
		}
	}
	for retried := false; ; retried = true {
		tok, err := c.token(ctx)
		if err != nil {
			return wrapOp(op, err)
		}
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
		if err != nil {
			return wrapOp(op, fmt.Errorf("new request: %w", err))
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if idemKey != "" {
			req.Header.Set(HeaderIdempotencyKey, idemKey)
		}
		if sign {
			ts := strconv.FormatInt(c.now().Unix(), 10)
			req.Header.Set(HeaderTimestamp, ts)
			req.Header.Set(HeaderSignature, Sign(c.creds.Secret, ts, body))
		}
		resp, err := c.hc.Do(req, true)
		if err != nil {
			if !retried && tokenRefused(err) {
				c.tok.drop(tok)
				continue
			}
			return wrapOp(op, refusal(op, err))
		}
		return wrapOp(op, decode(op, resp, out))
	}
}

// tokenRefused reports whether err is a 401 saying the token is no good.
func tokenRefused(err error) bool {
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized {
		return false
	}
	code := answerCode(se.Body)
	return code == CodeTokenExpired || code == CodeTokenInvalid
}

// refusal turns a 4xx (other than 429) carrying the platform's code into an
// *APIError; other errors pass unchanged.
func refusal(op string, err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status >= 500 || se.Temporary() {
		return err
	}
	var env envelope
	_ = json.Unmarshal(se.Body, &env) // a body that is not the platform's JSON leaves the code empty
	return &APIError{Op: op, Status: se.Status, Code: env.Code, Message: env.Msg, err: err}
}

func answerCode(body []byte) string {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return ""
	}
	return env.Code
}

// decode reads a 2xx answer: its code must be "0".
func decode(op string, resp *http.Response, out any) error {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return fmt.Errorf("%w: read answer: %w", httpx.ErrUnavailable, err)
	}
	if len(b) > maxAnswer {
		return fmt.Errorf("answer larger than %d bytes", maxAnswer)
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	if env.Code != CodeOK {
		return &APIError{Op: op, Status: resp.StatusCode, Code: env.Code, Message: env.Msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}
