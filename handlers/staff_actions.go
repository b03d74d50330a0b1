package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// staffAct answers a step of the workflow the caller takes on the case in
// the path, which the caller must hold; step makes the empty step the body
// is bound into. An Idempotency-Key header makes a retry answer as the
// first time. The answer is the case after the step.
func (h *Handler) staffAct(step func() staff.Step) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				h.fail(c, errTooLarge(tooBig.Limit))
				return
			}
			h.fail(c, &APIError{http.StatusBadRequest, "unreadable_body", "请求内容无法读取", nil})
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		req := step()
		if err := bindJSON(c, req); err != nil {
			h.fail(c, err)
			return
		}
		idem, err := actIdempotency(c.Request, subjectOf(c).Key(), body)
		if err != nil {
			h.fail(c, err)
			return
		}
		after, cl, err := h.staff.Service.Act(c.Request.Context(), subjectOf(c).staff(), c.Param("id"), req, idem)
		if err != nil {
			h.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, h.detail(after, cl, subjectOf(c).staff()))
	}
}

// actIdempotency reads the Idempotency-Key of a step (nil when absent),
// kept per caller (scope) with a hash of the method, path and raw body.
func actIdempotency(r *http.Request, scope string, body []byte) (*workflow.IdempotencyRequest, error) {
	key := r.Header.Get(headerIdempotencyKey)
	if key == "" {
		return nil, nil
	}
	if len(key) > 128 {
		return nil, &APIError{http.StatusBadRequest, "invalid_header", "幂等键过长", map[string]string{"header": "Idempotency-Key"}}
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	return &workflow.IdempotencyRequest{Scope: scope, Key: key, RequestHash: hex.EncodeToString(sum[:])}, nil
}
