package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"zerovisit/integrations/department"
)

// Signed is a decision ready to send: its headers and body. Tests may
// change either before Send, to see a tampered message refused.
type Signed struct {
	Header http.Header
	Body   []byte
}

// Reply is our callback's answer to a decision.
type Reply struct {
	Status int
	Body   []byte
}

// SignDecision signs cb as its department's system would, at time at with
// nonce (a fresh one if empty).
func (s *Sandbox) SignDecision(cb department.Callback, at time.Time, nonce string) (Signed, error) {
	secret, ok := s.cfg.Departments[cb.Department]
	if !ok {
		return Signed{}, fmt.Errorf("department sandbox: does not play department %q", cb.Department)
	}
	body, err := json.Marshal(cb)
	if err != nil {
		return Signed{}, fmt.Errorf("department sandbox: encode decision: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	department.SignHeaders(h, cb.Department, secret, at, nonce, body)
	return Signed{Header: h, Body: body}, nil
}

// Send posts a signed decision to callbackURL and returns the answer. An
// error means no answer came.
func (s *Sandbox) Send(ctx context.Context, callbackURL string, m Signed) (Reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callbackURL, bytes.NewReader(m.Body))
	if err != nil {
		return Reply{}, fmt.Errorf("department sandbox: new request: %w", err)
	}
	req.Header = m.Header.Clone()
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return Reply{}, fmt.Errorf("department sandbox: send decision: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Reply{}, fmt.Errorf("department sandbox: read answer: %w", err)
	}
	return Reply{Status: resp.StatusCode, Body: b}, nil
}

// SendDecision signs cb now with a fresh nonce and sends it to callbackURL.
func (s *Sandbox) SendDecision(ctx context.Context, callbackURL string, cb department.Callback) (Reply, error) {
	m, err := s.SignDecision(cb, s.cfg.Now(), "")
	if err != nil {
		return Reply{}, err
	}
	return s.Send(ctx, callbackURL, m)
}
