package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"zerovisit/workflow"
)

// Sentinels an *Error matches with errors.Is, by the party's HTTP status.
var (
	// ErrNotFound: the party has no such thing (404).
	ErrNotFound = errors.New("not found")
	// ErrRefused: the party refused our credentials, signature, timestamp or
	// nonce (401, 403). A configuration or clock problem on our side.
	ErrRefused = errors.New("refused")
	// ErrConflict: the request contradicts what the party holds (409), such
	// as a case number reused for a different holder.
	ErrConflict = errors.New("conflict")
	// ErrRejected: the party refused the request for a reason a retry will
	// not mend (any 4xx but 401, 403 and 429, or a failure code under 2xx).
	ErrRejected = errors.New("rejected")
)

// Error is a failure the party answered with an envelope. It unwraps to the
// *httpx.StatusError when the status was 400 or above, so a 503 still
// matches httpx.ErrUnavailable. It also matches ErrNotFound, ErrRefused,
// ErrConflict and ErrRejected by status, and workflow.ErrPermanent when
// ErrRejected holds, so the outbox parks such an effect at once.
type Error struct {
	Party  string
	Op     string
	Status int
	// Code is the party's machine code, such as "bad_signature".
	Code string
	// Message is the party's text (Chinese), fit to show a clerk.
	Message string
	err     error
}

// Error names the party, operation, code and status; never the message or
// the request, which may carry personal data.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %s (http %d)", e.Party, e.Op, e.Code, e.Status)
}

// Unwrap returns the underlying *httpx.StatusError, or nil.
func (e *Error) Unwrap() error { return e.err }

// Is matches the sentinels by status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRefused:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrRejected, workflow.ErrPermanent:
		return e.rejected()
	}
	return false
}

func (e *Error) rejected() bool {
	switch {
	case e.Status < 400:
		return true
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden, e.Status == http.StatusTooManyRequests:
		return false
	}
	return e.Status < 500
}

// envelopeError reads a failure envelope from body; nil if body is not one.
func envelopeError(party, op string, status int, body []byte, cause error) *Error {
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Code == "" {
		return nil
	}
	return &Error{Party: party, Op: op, Status: status, Code: safeCode(env.Code), Message: env.Message, err: cause}
}

// safeCode keeps a code printable and short: it ends up in logs.
func safeCode(s string) string {
	b := make([]byte, 0, min(len(s), 64))
	for i := 0; i < len(s) && len(b) < 64; i++ {
		c := s[i]
		if c >= 0x21 && c <= 0x7e {
			b = append(b, c)
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}
