package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/staff"
)

// staffSearch finds the cases of the caller's department by 办件号, ID
// number, credit code or phone (exact, by blind index), in any state.
func (h *Handler) staffSearch(c *gin.Context) {
	p, err := readPage(c, 20, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	page, err := h.staff.Service.Search(c.Request.Context(), who, staff.SearchRequest{Key: c.Query("q"),
		Department: c.Query("department"), Cursor: p.Key, Limit: p.Limit})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"kind": page.Kind, "items": h.summaries(page.QueuePage, who.ID),
		"total": page.Total}, page.NextCursor))
}
