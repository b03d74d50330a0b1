package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// maxCallbackBody bounds what a party may send us in one callback.
const maxCallbackBody = 64 << 10

// DepartmentCallback verifies a department system's signed callback (the raw
// body as received) and applies its decision, returning the case after it.
// Refusals of the signature, timestamp or nonce come back as *APIError.
type DepartmentCallback func(r *http.Request, body []byte) (workflow.Case, error)

// departmentCallback receives a department's decision into the workflow.
// Nothing is parsed or applied before the signature is checked.
func (h *Handler) departmentCallback(c *gin.Context) {
	if h.deptCallback == nil {
		h.fail(c, &APIError{http.StatusNotFound, "route_not_found", "请求的接口不存在", nil})
		return
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxCallbackBody+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(c, errTooLarge(tooBig.Limit))
			return
		}
		h.fail(c, &APIError{http.StatusBadRequest, "unreadable_body", "请求内容无法读取", nil})
		return
	}
	if len(body) > maxCallbackBody {
		h.fail(c, errTooLarge(maxCallbackBody))
		return
	}
	cs, err := h.deptCallback(c.Request, body)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"code": "0", "case_id": cs.ID, "number": cs.Number, "status": cs.Status, "version": cs.Version})
}
