package workflow

import (
	"errors"
	"time"
)

// Refusal is a request the domain refuses as it stands, in the words its
// caller is shown. Kind is the sentinel that says what sort of refusal it
// is (ErrNotFound, ErrForbidden, ErrInvalidInput …): the one thing the HTTP
// layer maps to a status. Code is a stable English machine code, Message
// Chinese for people, Detail an optional machine-readable addition (which
// field, which check). No refusal carries an HTTP status of its own.
type Refusal struct {
	Kind    error
	Code    string
	Message string
	Detail  any
	// RetryAfter, for a rate, is when the request may be made again.
	RetryAfter time.Duration
	// Cause is what lies behind the refusal, for the logs; it is never shown.
	Cause error
}

// Refuse returns a refusal of kind with a code and a message.
func Refuse(kind error, code, message string) *Refusal {
	return &Refusal{Kind: kind, Code: code, Message: message}
}

// WithDetail returns a copy of r that carries detail.
func (r *Refusal) WithDetail(detail any) *Refusal {
	c := *r
	c.Detail = detail
	return &c
}

// Because returns a copy of r caused by err.
func (r *Refusal) Because(err error) *Refusal {
	c := *r
	c.Cause = err
	return &c
}

// Error names the refusal and its cause.
func (r *Refusal) Error() string {
	msg := r.Code
	if r.Kind != nil {
		msg = r.Kind.Error() + ": " + msg
	}
	if r.Cause != nil {
		msg += ": " + r.Cause.Error()
	}
	return msg
}

// Unwrap returns the kind and the cause, so errors.Is finds either.
func (r *Refusal) Unwrap() []error {
	var errs []error
	if r.Kind != nil {
		errs = append(errs, r.Kind)
	}
	if r.Cause != nil {
		errs = append(errs, r.Cause)
	}
	return errs
}

// AsRefusal returns the refusal in err's chain, if any.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
