// Package goodbad reports evaluations (政务服务“好差评”) to the provincial
// 好差评 system, which 国办发〔2019〕51号 has every locality feed with each
// rating and the rectification of each bad one.
//
// The protocol, spoken by Client and by the sandbox in goodbad/sandbox:
//
//	POST /api/v1/evaluations   one evaluation's current state (Report) as JSON
//
// Every request is signed: X-App-Id, X-Timestamp (Unix seconds), X-Nonce
// (32 hex digits, never reused) and X-Signature, the lower-case hex
// HMAC-SHA256 under the app secret of
//
//	METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))
//
// A timestamp more than five minutes off, a reused nonce or a wrong
// signature is answered 401. Answers are JSON {"code","msg","result"},
// code "0" for success; a record missing a required field or out of its
// value set is answered 400 with code "invalid_record" and the field.
// Reports are idempotent by (evaluation_id, version): the same pair again
// is a "duplicate", an older version "stale" (both acknowledged, nothing
// changes), a newer one "replaced" (the latest wins).
package goodbad

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

const party = "goodbad"

// ReportPath is where evaluations are reported.
const ReportPath = "/api/v1/evaluations"

// Headers of the signed channel.
const (
	HeaderAppID     = "X-App-Id"
	HeaderTimestamp = "X-Timestamp"
	HeaderNonce     = "X-Nonce"
	HeaderSignature = "X-Signature"
)

// Sign is the signature of a request: HMAC-SHA256 under secret of the
// method, path, timestamp, nonce and the body's SHA-256.
func Sign(secret, method, path, timestamp, nonce string, body []byte) string {
	sum := sha256.Sum256(body)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(m.Sum(nil))
}

// Credentials identify us to the system.
type Credentials struct {
	AppID  string
	Secret string
}

// String masks the secret.
func (c Credentials) String() string { return "app " + c.AppID + " (secret masked)" }

// Client reports to the 好差评 system. It is safe for concurrent use.
type Client struct {
	base  string
	creds Credentials
	hc    *httpx.Client
	now   func() time.Time
}

// NewClient returns a client of the system at baseURL, sending through hc.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) *Client {
	return &Client{base: strings.TrimSuffix(baseURL, "/"), creds: creds, hc: httpx.NewClient(party, hc, opts), now: time.Now}
}

// Answer is what the system said of a report.
type Answer struct {
	Code   string `json:"code"`
	Msg    string `json:"msg"`
	Result string `json:"result"`
}

// Report sends one evaluation's state. A refused record (400) matches
// workflow.ErrPermanent; anything else the outbox retries.
func (c *Client) Report(ctx context.Context, r feedback.Report) (Answer, error) {
	op := fmt.Sprintf("%s: report evaluation %s version %d", party, r.EvaluationID, r.Version)
	body, err := json.Marshal(r)
	if err != nil {
		return Answer{}, fmt.Errorf("%s: encode: %w", op, err)
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return Answer{}, fmt.Errorf("%s: nonce: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+ReportPath, bytes.NewReader(body))
	if err != nil {
		return Answer{}, fmt.Errorf("%s: %w", op, err)
	}
	ts, n := strconv.FormatInt(c.now().Unix(), 10), hex.EncodeToString(nonce)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderAppID, c.creds.AppID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, n)
	req.Header.Set(HeaderSignature, Sign(c.creds.Secret, http.MethodPost, ReportPath, ts, n, body))
	// Not retried inside the call: a retry must carry a fresh nonce, and
	// the outbox retries the whole report.
	resp, err := c.hc.Do(req, false)
	if err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) && se.Status == http.StatusBadRequest {
			var a Answer
			_ = json.Unmarshal(se.Body, &a)
			return a, fmt.Errorf("%s: refused %s: %s: %w: %w", op, a.Code, a.Msg, workflow.ErrPermanent, err)
		}
		return Answer{}, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	var a Answer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&a); err != nil {
		return Answer{}, fmt.Errorf("%s: decode answer: %w", op, err)
	}
	if a.Code != "0" {
		return a, fmt.Errorf("%s: answered %s: %s", op, a.Code, a.Msg)
	}
	return a, nil
}
