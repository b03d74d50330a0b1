package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// maxCaseID bounds the path parameter before it reaches the store.
const maxCaseID = 64

// adminCase returns one case as the workflow holds it, for operators.
func (h *Handler) adminCase(c *gin.Context) {
	id := c.Param("id")
	if len(id) > maxCaseID {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "办件编号格式不正确", map[string]string{"field": "id"}})
		return
	}
	cs, err := h.svc.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cs)
}

// adminCaseEvents returns a case's audited history, oldest first, with the
// hash chain that makes it tamper-evident.
func (h *Handler) adminCaseEvents(c *gin.Context) {
	id := c.Param("id")
	if len(id) > maxCaseID {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "办件编号格式不正确", map[string]string{"field": "id"}})
		return
	}
	if _, err := h.svc.Get(c.Request.Context(), id); err != nil {
		h.fail(c, err)
		return
	}
	evs, err := h.svc.History(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": evs})
}
