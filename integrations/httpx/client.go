package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/sony/gobreaker/v2"
)

// HeaderIdempotencyKey is the request header that marks a request as safe to
// repeat: the party applies it at most once per key.
const HeaderIdempotencyKey = "Idempotency-Key"

var (
	errCallTimeout    = errors.New("call timed out")
	errAttemptTimeout = errors.New("attempt timed out")
	errTooLarge       = errors.New("response body too large")
)

// Client sends HTTP requests to one party. Create one per party and share
// it: the circuit breaker it holds is the party's. It is safe for
// concurrent use.
type Client struct {
	party string
	hc    *http.Client
	opts  Options
	cb    *gobreaker.CircuitBreaker[*http.Response]
}

// NewClient returns a Client for party (a short name such as "elicense",
// which prefixes every error) that sends through hc (a plain *http.Client if
// nil). Zero fields of opts take their defaults.
func NewClient(party string, hc *http.Client, opts Options) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	c := &Client{party: party, hc: hc, opts: opts.withDefaults()}
	c.cb = gobreaker.NewCircuitBreaker[*http.Response](c.breakerSettings())
	return c
}

// Party returns the party's name.
func (c *Client) Party() string { return c.party }

// State returns the state of the party's circuit breaker: "closed",
// "half-open" or "open".
func (c *Client) State() string { return c.cb.State().String() }

// Do sends req and returns a response with a status below 400, whose body the
// caller must close. A status of 400 or more is returned as a *StatusError
// (the response already closed).
//
// The request is retried only if it is safe to repeat: a GET or HEAD, a
// request carrying an Idempotency-Key header, or one the caller marks
// idempotent. It is retried only on transport errors, timeouts, 429, 502, 503
// and 504, honouring Retry-After. Its body is buffered when needed so every
// attempt sends it whole.
//
// Errors are prefixed with the party's name. errors.Is(err, ErrUnavailable)
// tells the caller to degrade or try later; ErrCircuitOpen means nothing was sent.
func (c *Client) Do(req *http.Request, idempotent bool) (*http.Response, error) {
	return c.send(req, idempotent, false)
}

// send runs one call and reports it to OnCall. With buffer, the response body
// is read inside the attempt, so a failure while reading it is retried too.
func (c *Client) send(req *http.Request, idempotent, buffer bool) (*http.Response, error) {
	start := time.Now()
	resp, outcome, err := c.call(req, idempotent, buffer)
	if c.opts.OnCall != nil {
		c.opts.OnCall(c.party, outcome, time.Since(start))
	}
	return resp, err
}

func (c *Client) call(req *http.Request, idempotent, buffer bool) (*http.Response, string, error) {
	if req.URL == nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		closeBody(req)
		return nil, OutcomeError, fmt.Errorf("%s: request url must be http or https", c.party)
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeoutCause(parent, c.opts.Timeout, errCallTimeout)
	req = req.WithContext(ctx) // a shallow copy: the body fields set below stay ours

	tries := 1
	if idempotent || req.Method == http.MethodGet || req.Method == http.MethodHead || req.Header.Get(HeaderIdempotencyKey) != "" {
		tries = c.opts.MaxAttempts
		if err := makeReplayable(req); err != nil {
			cancel()
			return nil, OutcomeError, fmt.Errorf("%s: read request body: %w", c.party, err)
		}
	}

	deadline, _ := ctx.Deadline()
	bo := newJitterBackOff(c.opts, deadline)
	n := 0
	op := func() (*http.Response, error) {
		n++
		resp, err := c.cb.Execute(func() (*http.Response, error) { return c.attempt(ctx, req, n, buffer) })
		var se *StatusError
		switch {
		case err == nil:
			return resp, nil
		case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
			return nil, backoff.Permanent(ErrCircuitOpen)
		case errors.As(err, &se):
			if !se.Temporary() {
				return nil, backoff.Permanent(err)
			}
			bo.retryAfter = se.RetryAfter
			return nil, err
		case errors.Is(err, ErrUnavailable):
			return nil, err
		default:
			return nil, backoff.Permanent(err)
		}
	}
	resp, err := backoff.Retry(ctx, op, backoff.WithBackOff(bo), backoff.WithMaxTries(uint(tries)), backoff.WithMaxElapsedTime(0))
	if err != nil {
		cancel()
		closeBody(req) // unsent when the breaker refused; closing twice is harmless otherwise
		var pe *backoff.PermanentError
		if errors.As(err, &pe) { // Retry leaves it wrapped when the last try was permanent
			err = pe.Err
		}
		return nil, c.outcome(err, parent), c.wrap(err, parent)
	}
	if buffer {
		cancel()
	} else {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	return resp, OutcomeOK, nil
}

// attempt sends req once; n counts attempts from 1.
func (c *Client) attempt(ctx context.Context, req *http.Request, n int, buffer bool) (*http.Response, error) {
	actx, cancel := context.WithTimeoutCause(ctx, c.opts.AttemptTimeout, errAttemptTimeout)
	r := req.Clone(actx)
	if n > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, &excludedError{fmt.Errorf("replay request body: %w", err)}
		}
		r.Body = body
	}
	resp, err := c.hc.Do(r)
	if err != nil {
		cancel()
		return nil, c.transportError(ctx, actx, err)
	}
	if resp.StatusCode >= 400 {
		defer cancel()
		return nil, c.statusError(r, resp)
	}
	if !buffer {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	defer cancel()
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxResponseBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, c.transportError(ctx, actx, fmt.Errorf("read response body: %w", err))
	}
	if int64(len(b)) > c.opts.MaxResponseBody {
		return nil, fmt.Errorf("%w (limit %d bytes)", errTooLarge, c.opts.MaxResponseBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// transportError classifies a failure to get (or read) a response.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL) // the path and query may hold personal data or secrets
	}
	switch {
	case ctx.Err() != nil && context.Cause(ctx) != errCallTimeout:
		return &excludedError{err}
	case errors.Is(err, ErrNotLoopback):
		return err
	case context.Cause(actx) == errAttemptTimeout:
		return fmt.Errorf("%w: attempt timed out after %s: %w", ErrUnavailable, c.opts.AttemptTimeout, err)
	default:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
}

func (c *Client) statusError(req *http.Request, resp *http.Response) *StatusError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, int64(c.opts.MaxErrorBody)))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
	resp.Body.Close()
	return &StatusError{
		Party:      c.party,
		Method:     req.Method,
		Host:       req.URL.Host,
		Status:     resp.StatusCode,
		Body:       b,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// wrap prefixes the final error of a call with the party's name.
func (c *Client) wrap(err error, parent context.Context) error {
	var se *StatusError
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("%s: %w", c.party, context.Cause(parent))
	case errors.Is(err, errCallTimeout):
		return fmt.Errorf("%s: %w: call timed out after %s", c.party, ErrUnavailable, c.opts.Timeout)
	case errors.As(err, &se):
		return err // already names the party
	default:
		return fmt.Errorf("%s: %w", c.party, err)
	}
}

func (c *Client) outcome(err error, parent context.Context) string {
	var se *StatusError
	switch {
	case parent.Err() != nil:
		return OutcomeCanceled
	case errors.Is(err, ErrCircuitOpen):
		return OutcomeCircuitOpen
	case errors.As(err, &se):
		if breakerFailure(se.Status) {
			return OutcomeServerError
		}
		return OutcomeClientError
	case errors.Is(err, ErrUnavailable), errors.Is(err, errCallTimeout):
		return OutcomeUnavailable
	default:
		return OutcomeError
	}
}

// makeReplayable buffers a body that cannot be re-read, so retries send it whole.
func makeReplayable(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return nil
	}
	b, err := io.ReadAll(req.Body)
	if cerr := req.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.ContentLength = int64(len(b))
	return nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// redactURL keeps only the scheme and host of a URL for error messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Scheme + "://" + u.Host
}

// cancelOnClose releases a context when the response body is closed, so a
// timeout keeps bounding the body read but ends with it.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
