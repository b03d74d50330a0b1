package handlers

import (
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"
)

var validProvider = regexp.MustCompile(`^[a-z0-9]{2,16}$`)

// courierPush takes a courier company's route push. The body is read as
// received and handed over whole: the provider's signature is checked
// before anything in it is believed. The answer is the one the provider
// expects; a refusal is the one error shape, and changes nothing.
func (h *Handler) courierPush(c *gin.Context) {
	provider := c.Param("provider")
	if !validProvider.MatchString(provider) {
		h.fail(c, &APIError{http.StatusNotFound, "unknown_provider", "未知的快递服务商", nil})
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
	push, err := h.courier.Desk.Push(c.Request.Context(), provider, c.Request.Header, body)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	c.Data(http.StatusOK, push.ContentType, push.Ack)
}
