package parcel

import (
	"errors"

	"zerovisit/workflow"
)

// ErrRefused means the provider refused a request for good (bad address,
// cancelling a parcel already picked up, bad credentials): retrying the
// same request cannot help. Transient failures wrap the transport's
// ErrUnavailable (integrations/httpx).
var ErrRefused = errors.New("courier: request refused")

// BadSignature is the refusal of a route push whose signature does not
// verify; reason is lower-case English, for the logs.
func BadSignature(reason string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrUnauthorized, "bad_signature", "推送签名校验失败").Because(errors.New(reason))
}

// Malformed is the refusal of a route push that cannot be read.
func Malformed(reason string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrMalformed, "malformed_push", "推送内容格式不正确").Because(errors.New(reason))
}
