package department

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// Options tunes a Pusher. The zero value is usable.
type Options struct {
	// HTTP configures timeouts and the circuit breaker. MaxAttempts is
	// always 1: each attempt needs a fresh nonce, which a transparent
	// retry would not have, so retries are the outbox's (re-signed).
	HTTP httpx.Options
	// Now is the clock of the X-ZV-Timestamp header (time.Now if nil).
	Now func() time.Time
}

// Pusher sends cases to their departments' systems. Each department has
// its own circuit breaker, so one department being down does not slow the
// pushes to the others. It is safe for concurrent use.
type Pusher struct {
	eps     map[string]Endpoint
	clients map[string]*httpx.Client
	now     func() time.Time
}

// NewPusher returns a Pusher to the endpoints, sending through hc (a plain
// *http.Client if nil). It fails if an endpoint is incomplete.
func NewPusher(endpoints []Endpoint, hc *http.Client, opts Options) (*Pusher, error) {
	eps, err := index(endpoints, true)
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.HTTP.MaxAttempts = 1
	p := &Pusher{eps: eps, clients: make(map[string]*httpx.Client, len(eps)), now: opts.Now}
	for d := range eps {
		p.clients[d] = httpx.NewClient(party+" "+d, hc, opts.HTTP)
	}
	return p, nil
}

// pushBody is the JSON body of a push.
type pushBody struct {
	CaseID     string    `json:"case_id"`
	CaseNumber string    `json:"case_number"`
	ItemCode   string    `json:"item_code"`
	Department string    `json:"department"`
	Version    int64     `json:"version"`
	Status     string    `json:"status"`
	PushedAt   time.Time `json:"pushed_at"`
	Summary    Summary   `json:"summary"`
}

// pushAnswer is the department's answer.
type pushAnswer struct {
	Code      string `json:"code"`
	Msg       string `json:"msg"`
	Duplicate bool   `json:"duplicate"`
}

// Push sends the case at its version to its department, signed, with the
// idempotency key "<number>:<version>", so a repeat is harmless.
//
// errors.Is(err, httpx.ErrUnavailable) means try later; an error matching
// workflow.ErrPermanent (ErrNoEndpoint, ErrDisabled, ErrInvalidPush, or a
// refusal of the request) means sending it again cannot succeed as things
// stand.
func (p *Pusher) Push(ctx context.Context, c workflow.PushDepartment, s Summary) error {
	op := fmt.Sprintf("push case %s version %d to %s", c.Number, c.Version, c.Department)
	ep, ok := p.eps[c.Department]
	switch {
	case c.Number == "" || c.Version <= 0 || c.Status == "":
		return wrapOp(op, fmt.Errorf("%w: number, version and status are required", ErrInvalidPush))
	case !ok:
		return wrapOp(op, ErrNoEndpoint)
	case !ep.Enabled:
		return wrapOp(op, ErrDisabled)
	}
	body, err := json.Marshal(pushBody{
		CaseID: c.CaseID, CaseNumber: c.Number, ItemCode: c.ItemCode, Department: c.Department,
		Version: c.Version, Status: string(c.Status), PushedAt: p.now(), Summary: s,
	})
	if err != nil {
		return wrapOp(op, fmt.Errorf("encode push: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return wrapOp(op, fmt.Errorf("new request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderIdempotencyKey, IdempotencyKey(c.Number, c.Version))
	SignHeaders(req.Header, ep.Department, ep.Secret, p.now(), "", body)

	resp, err := p.clients[c.Department].Do(req, false)
	if err != nil {
		return wrapOp(op, refusal(op, c.Department, err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var ans pushAnswer
	if json.Unmarshal(b, &ans) == nil && ans.Code != "" && ans.Code != "0" {
		return &APIError{Op: op, Department: c.Department, Status: resp.StatusCode, Code: ans.Code, Message: ans.Msg}
	}
	return nil
}

// refusal turns a 4xx carrying the department's code into an *APIError.
func refusal(op, department string, err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status >= 500 || se.Temporary() || se.Status == http.StatusRequestTimeout {
		return err
	}
	var ans pushAnswer
	_ = json.Unmarshal(se.Body, &ans) // a body that is not JSON leaves the code empty
	return &APIError{Op: op, Department: department, Status: se.Status, Code: ans.Code, Message: ans.Msg, err: err}
}
