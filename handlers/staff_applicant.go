package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// staffApplicant returns the applicant block of a case, masked unless
// ?reveal=true (handling staff only; logged in the case's staff log).
func (h *Handler) staffApplicant(c *gin.Context) {
	v, err := h.staff.Service.Applicant(c.Request.Context(), subjectOf(c).staff(), c.Param("id"), c.Query("reveal") == "true")
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, v)
}
