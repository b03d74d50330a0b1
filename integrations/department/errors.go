package department

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"zerovisit/workflow"
)

// party prefixes every error of this package.
const party = "department"

// Codes of a refused callback (VerifyError.Code), also answered by the
// sandbox to a refused push. They are stable.
const (
	CodeMalformed         = "malformed"
	CodeUnknownDepartment = "unknown_department"
	CodeBadSignature      = "bad_signature"
	CodeStaleTimestamp    = "stale_timestamp"
	CodeReplayedNonce     = "replayed_nonce"
)

// VerifyError is a callback refused by the Verifier. Code is stable, for
// programs and the error body; Message is Chinese, for the department's
// integrators; Error() is English, for logs.
type VerifyError struct {
	Code    string
	Message string
	detail  string
}

// Error names the party, the code and what was wrong.
func (e *VerifyError) Error() string {
	s := party + ": refuse callback: " + e.Code
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

// Is matches another *VerifyError with the same code, so
// errors.Is(err, ErrBadSignature) works.
func (e *VerifyError) Is(target error) bool {
	t, ok := target.(*VerifyError)
	return ok && t.Code == e.Code
}

// HTTPStatus is the status to answer the refusal with: 400 for a
// malformed callback, 401 otherwise.
func (e *VerifyError) HTTPStatus() int {
	if e.Code == CodeMalformed {
		return http.StatusBadRequest
	}
	return http.StatusUnauthorized
}

// The refusals, one per code, for errors.Is.
var (
	ErrMalformed         = &VerifyError{Code: CodeMalformed, Message: "回调请求格式不正确"}
	ErrUnknownDepartment = &VerifyError{Code: CodeUnknownDepartment, Message: "未登记或未启用的部门"}
	ErrBadSignature      = &VerifyError{Code: CodeBadSignature, Message: "签名校验失败"}
	ErrStaleTimestamp    = &VerifyError{Code: CodeStaleTimestamp, Message: "请求时间戳超出允许范围"}
	ErrReplayedNonce     = &VerifyError{Code: CodeReplayedNonce, Message: "请求已处理过（随机数重复）"}
)

func refuse(proto *VerifyError, format string, args ...any) *VerifyError {
	return &VerifyError{Code: proto.Code, Message: proto.Message, detail: fmt.Sprintf(format, args...)}
}

// ErrNoEndpoint means no endpoint is configured for the department of a
// push. It matches workflow.ErrPermanent.
var ErrNoEndpoint = fmt.Errorf("no endpoint for the department: %w", workflow.ErrPermanent)

// ErrDisabled means the department's endpoint is switched off. It matches
// workflow.ErrPermanent: the outbox parks the push, and an operator
// re-drives it once the endpoint is enabled.
var ErrDisabled = fmt.Errorf("department endpoint disabled: %w", workflow.ErrPermanent)

// ErrInvalidPush means a push lacks what the protocol requires. It matches
// workflow.ErrPermanent.
var ErrInvalidPush = fmt.Errorf("invalid push: %w", workflow.ErrPermanent)

// APIError is a push refused by the department's system with a 4xx other
// than 408 and 429. Refusals of the request itself (400, 404, 413, 422)
// match workflow.ErrPermanent; a refused signature (401) does not, since
// fixing the secret mends it.
type APIError struct {
	// Op is what was being done, e.g. "push case ZV1 version 3 to scjgj".
	Op         string
	Department string
	// Status is the HTTP status of the answer; Code and Message are the
	// department's "code" and "msg".
	Status  int
	Code    string
	Message string
	err     error
}

// Error names the party, the operation, the status and the code.
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: %s: http %d", party, e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the *httpx.StatusError of the refusal.
func (e *APIError) Unwrap() error { return e.err }

// Is makes a refusal of the request itself match workflow.ErrPermanent.
func (e *APIError) Is(target error) bool {
	if target != workflow.ErrPermanent {
		return false
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// opError prefixes an error with the party and the operation, without
// repeating the party when the error (from httpx, whose party is
// "department <code>") already names it.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	msg := e.err.Error()
	if rest, ok := strings.CutPrefix(msg, party); ok {
		if i := strings.Index(rest, ": "); i >= 0 && (i == 0 || rest[0] == ' ') {
			msg = rest[i+2:]
		}
	}
	return party + ": " + e.op + ": " + msg
}

func (e *opError) Unwrap() error { return e.err }

func wrapOp(op string, err error) error {
	var ae *APIError
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return &opError{op: op, err: err}
}
