package workflow

import "errors"

// Sentinel errors of the domain. Every layer wraps them with %w; handlers map
// them to HTTP status codes and user-facing messages in one place.
var (
	// ErrNotFound means the thing asked for does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the case changed since it was read (optimistic concurrency lost).
	ErrConflict = errors.New("conflict")
	// ErrInvalidTransition means the event is not allowed in the case's current state.
	ErrInvalidTransition = errors.New("invalid transition")
	// ErrInvalidInput means the request carried data that fails validation.
	ErrInvalidInput = errors.New("invalid input")
	// ErrDuplicate means a unique thing (case id, number, key) already exists.
	ErrDuplicate = errors.New("duplicate")
	// ErrIdempotencyMismatch means an idempotency key was reused for a different request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrUnauthorized means the caller is not authenticated.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden means the caller is authenticated but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrLocked means the thing asked for is locked for a while (an account
	// after repeated failed logins).
	ErrLocked = errors.New("locked")
	// ErrRateLimited means the caller sent too many requests.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable means a dependency the request cannot do without is down.
	ErrUnavailable = errors.New("unavailable")
	// ErrMalformed means the request cannot be read at all (a body that is
	// not what the protocol says).
	ErrMalformed = errors.New("malformed")
	// ErrTooLarge means what the request would store passes a bound (a
	// quota of files or bytes) that waiting does not lift.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedType means an uploaded file is of a type not accepted.
	ErrUnsupportedType = errors.New("unsupported type")
	// ErrNotDue means a timer looked at a case before anything on it fell due.
	ErrNotDue = errors.New("nothing due")
)
