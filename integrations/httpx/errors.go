package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"zerovisit/workflow"
)

// ErrUnavailable means the party could not be reached or did not answer in
// time: a transport failure, a timeout, an open circuit, or a status that
// says "try later" (429, 502, 503, 504). The workflow degrades or schedules
// a later attempt on it rather than failing the case.
//
// It is the domain's workflow.ErrUnavailable, so the layers above test for
// one error whichever party failed.
var ErrUnavailable = workflow.ErrUnavailable

// ErrCircuitOpen means the party's circuit breaker is open (or half-open and
// already probing), so the call failed fast without being sent.
// errors.Is(err, ErrUnavailable) is true for it as well.
var ErrCircuitOpen error = circuitOpenError{}

// ErrNotLoopback means a request, or a Rewrite target, was refused because
// its host is not this machine.
var ErrNotLoopback = errors.New("host is not a loopback address")

type circuitOpenError struct{}

func (circuitOpenError) Error() string        { return "circuit breaker open" }
func (circuitOpenError) Is(target error) bool { return target == ErrUnavailable }

// StatusError is a response with status 400 or above.
//
// Its Error text names the party, method, host and status but not the path,
// query or body, which may carry personal data or credentials; the body is
// kept, truncated, in Body for the party client to interpret.
type StatusError struct {
	Party  string
	Method string
	Host   string
	Status int
	// Body is the start of the response body, at most Options.MaxErrorBody bytes.
	Body []byte
	// RetryAfter is the wait the party asked for in Retry-After, or 0.
	RetryAfter time.Duration
}

// Error names the party, method, host and status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: %s %s: http %d %s", e.Party, e.Method, e.Host, e.Status, http.StatusText(e.Status))
}

// Temporary reports whether the status says "try later" (429, 502, 503,
// 504): these are retried when the request is safe to repeat.
func (e *StatusError) Temporary() bool { return retryableStatus(e.Status) }

// Is makes a temporary StatusError match ErrUnavailable.
func (e *StatusError) Is(target error) bool { return target == ErrUnavailable && e.Temporary() }

func retryableStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// breakerFailure reports whether a status counts against the party's
// health: server errors and 429 do, other client errors are our own fault.
func breakerFailure(s int) bool { return s >= 500 || s == http.StatusTooManyRequests }

// excludedError marks an attempt failure that says nothing about the
// party's health (the caller's context ended, or the request body could not
// be replayed): it is neither retried nor counted by the breaker.
type excludedError struct{ err error }

func (e *excludedError) Error() string { return e.err.Error() }
func (e *excludedError) Unwrap() error { return e.err }
