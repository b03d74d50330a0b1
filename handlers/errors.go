package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// APIError is a failure a handler reports as it is: a status, a stable
// English code for programs and a Chinese message for people.
type APIError struct {
	Status  int
	Code    string
	Message string
	// Detail is an optional machine-readable addition (which field, which check).
	Detail any
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// errorBody is the one error shape every endpoint answers with.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
	Detail    any    `json:"detail,omitempty"`
}

// sentinels maps the domain's sentinel errors to what the caller is told.
// Order matters only where an error wraps several.
var sentinels = []struct {
	err error
	api APIError
}{
	{workflow.ErrUnauthorized, APIError{http.StatusUnauthorized, "unauthorized", "未登录或登录已失效，请重新登录", nil}},
	{workflow.ErrForbidden, APIError{http.StatusForbidden, "forbidden", "无权进行此操作", nil}},
	{workflow.ErrNotFound, APIError{http.StatusNotFound, "not_found", "请求的资源不存在", nil}},
	{workflow.ErrInvalidTransition, APIError{http.StatusConflict, "invalid_transition", "当前办件状态不允许此操作", nil}},
	{workflow.ErrConflict, APIError{http.StatusConflict, "conflict", "办件已被他人更新，请刷新后重试", nil}},
	{workflow.ErrIdempotencyMismatch, APIError{http.StatusUnprocessableEntity, "idempotency_key_reused", "幂等键已用于另一请求，请更换幂等键", nil}},
	{workflow.ErrDuplicate, APIError{http.StatusConflict, "duplicate", "记录已存在", nil}},
	{workflow.ErrInvalidInput, APIError{http.StatusUnprocessableEntity, "invalid_input", "提交的内容不符合要求", nil}},
	{workflow.ErrLocked, APIError{http.StatusLocked, "locked", "已临时锁定，请稍后再试", nil}},
	{workflow.ErrRateLimited, APIError{http.StatusTooManyRequests, "rate_limited", "请求过于频繁，请稍后再试", nil}},
	{workflow.ErrUnavailable, APIError{http.StatusServiceUnavailable, "unavailable", "服务暂时不可用，请稍后再试", nil}},
	{workflow.ErrMalformed, APIError{http.StatusBadRequest, "malformed", "请求内容无法解析", nil}},
	{workflow.ErrTooLarge, APIError{http.StatusRequestEntityTooLarge, "too_large", "内容超出上限", nil}},
	{workflow.ErrUnsupportedType, APIError{http.StatusUnsupportedMediaType, "unsupported_type", "文件类型不受支持", nil}},
}

// errInternal is what the caller sees of an error we did not expect.
var errInternal = APIError{http.StatusInternalServerError, "internal", "系统繁忙，请稍后再试", nil}

// statusFor turns any error into what the caller is told. Errors that are
// neither an APIError nor a known sentinel become a generic 500.
func statusFor(err error) (APIError, bool) {
	var api *APIError
	if errors.As(err, &api) {
		return *api, true
	}
	if r, ok := workflow.AsRefusal(err); ok {
		// The domain's refusals carry their own code and message; their
		// kind alone decides the status.
		out := APIError{http.StatusUnprocessableEntity, r.Code, r.Message, r.Detail}
		for _, s := range sentinels {
			if errors.Is(r.Kind, s.err) {
				out.Status = s.api.Status
				break
			}
		}
		return out, true
	}
	var input *workflow.InputError
	if errors.As(err, &input) {
		// The domain's validation errors carry a message for the user and
		// the field at fault; the rest of the chain stays in the logs.
		out := APIError{http.StatusUnprocessableEntity, "invalid_input", input.Message, map[string]string{"field": input.Field}}
		if out.Message == "" {
			out.Message = "提交的内容不符合要求"
		}
		return out, true
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.api, true
		}
	}
	return errInternal, false
}

// fail writes err in the one error shape and logs what the caller does not see.
func (h *Handler) fail(c *gin.Context, err error) {
	api, known := statusFor(err)
	if !known {
		h.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	}
	if r, ok := workflow.AsRefusal(err); ok && r.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(max(int(r.RetryAfter.Seconds()+0.999), 1)))
	}
	writeError(c, api)
}

func writeError(c *gin.Context, api APIError) {
	c.AbortWithStatusJSON(api.Status, errorBody{Error: errorPayload{
		Code: api.Code, Message: api.Message, RequestID: requestID(c), Detail: api.Detail,
	}})
}

func isNotFound(err error) bool { return errors.Is(err, workflow.ErrNotFound) }
