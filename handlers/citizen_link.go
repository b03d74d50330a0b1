package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/citizen"
)

// citizenIssueLinkCode gives a verified citizen a short-lived code to enter
// on another channel's account when binding the same identity there.
func (h *Handler) citizenIssueLinkCode(c *gin.Context) {
	code, err := h.citizen.People.IssueLinkCode(c.Request.Context(), mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"link_code": code, "expires_in": int(citizen.LinkCodeTTL.Seconds())})
}
