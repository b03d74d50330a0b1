package province

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"zerovisit/workflow"
)

// party prefixes every error of this package.
const party = "province"

// Answer codes of the platform. They are part of the protocol.
const (
	CodeOK                  = "0"
	CodeInvalidCredentials  = "invalid_credentials"
	CodeTokenExpired        = "token_expired"
	CodeTokenInvalid        = "token_invalid"
	CodeInvalidRequest      = "invalid_request"
	CodeIdempotencyMismatch = "idempotency_key_mismatch"
	CodeTooManyNumbers      = "too_many_numbers"
	CodeNotFound            = "not_found"
)

// MaxQuery is the most case numbers the platform answers in one batch query.
const MaxQuery = 500

// ErrNotHeld means the platform holds no report of the case.
var ErrNotHeld = errors.New("case not held by the platform")

// ErrInvalidReport means a report was refused before sending because it
// lacks what the platform requires. It matches workflow.ErrPermanent:
// sending it again cannot succeed.
var ErrInvalidReport = fmt.Errorf("invalid report: %w", workflow.ErrPermanent)

// APIError is a refusal by the platform: an answer whose code is not "0"
// (with HTTP 200, or a 4xx other than 429). Refusals of the request itself
// (HTTP 400, 404, 413, 422) match workflow.ErrPermanent, so the outbox parks
// them instead of retrying; refused credentials do not, because fixing the
// configuration mends them.
type APIError struct {
	// Op is what was being done, e.g. "report case ZV1 version 3".
	Op string
	// Status is the HTTP status of the answer.
	Status int
	// Code and Message are the platform's "code" and "msg".
	Code    string
	Message string
	err     error
}

// Error names the party, the operation, the status and the platform's code
// and message.
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: %s: http %d %s", party, e.Op, e.Status, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the *httpx.StatusError the refusal came with, if any.
func (e *APIError) Unwrap() error { return e.err }

// Is makes a refusal of the request itself match workflow.ErrPermanent,
// and the platform's "not_found" match ErrNotHeld.
func (e *APIError) Is(target error) bool {
	switch target {
	case workflow.ErrPermanent:
		return e.Permanent()
	case ErrNotHeld:
		return e.Code == CodeNotFound
	}
	return false
}

// Permanent reports whether sending the same request again cannot succeed.
func (e *APIError) Permanent() bool {
	switch e.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// opError prefixes an error with the party and the operation, without
// repeating the party when the error (from httpx) already names it.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return party + ": " + e.op + ": " + strings.TrimPrefix(e.err.Error(), party+": ")
}

func (e *opError) Unwrap() error { return e.err }

// wrapOp adds op to err; an *APIError already carries it. A nil err stays nil.
func wrapOp(op string, err error) error {
	var ae *APIError
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return &opError{op: op, err: err}
}
