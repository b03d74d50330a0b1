package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/staff"
)

// staffAct answers a step of the workflow the caller takes on the case in
// the path, which the caller must hold; step makes the empty step the body
// is bound into. An Idempotency-Key header makes a retry answer as the
// first time. The answer is the case after the step.
func (h *Handler) staffAct(step func() staff.Step) gin.HandlerFunc {
	return func(c *gin.Context) {
		req := step()
		if err := bindJSON(c, req); err != nil {
			h.fail(c, err)
			return
		}
		idem, err := idempotencyKey(c, subjectOf(c).Key(), req)
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
