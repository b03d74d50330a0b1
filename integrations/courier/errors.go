package courier

import (
	"errors"
	"net/http"
)

// ErrRefused means the provider refused a request for good (bad address,
// cancelling a parcel already picked up, bad credentials): retrying the
// same request cannot help. Transient failures wrap httpx.ErrUnavailable.
var ErrRefused = errors.New("courier: request refused")

// PushError is a route push refused before anything was changed: a bad
// signature, an unknown account, a malformed body. Code is a stable English
// code and Message Chinese, for the answer to the provider.
type PushError struct {
	Status  int
	Code    string
	Message string
	Reason  string // lower-case English, for logs
}

// Error names the refusal and its reason.
func (e *PushError) Error() string { return "courier push refused: " + e.Code + ": " + e.Reason }

// BadSignature is the refusal of a push whose signature does not verify.
func BadSignature(reason string) *PushError {
	return &PushError{Status: http.StatusUnauthorized, Code: "bad_signature", Message: "推送签名校验失败", Reason: reason}
}

// Malformed is the refusal of a push that cannot be read.
func Malformed(reason string) *PushError {
	return &PushError{Status: http.StatusBadRequest, Code: "malformed_push", Message: "推送内容格式不正确", Reason: reason}
}
