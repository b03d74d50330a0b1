package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPI serves the API document (handlers/openapi assembles it).
func (h *Handler) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", h.openapi)
}
