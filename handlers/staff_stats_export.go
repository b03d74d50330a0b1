package handlers

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/statsexport"
	"zerovisit/workflow/staff"
)

// staffStatsExport downloads the statistics of a period as CSV or XLSX
// (format), for supervisors and administrators; the export is logged.
func (h *Handler) staffStatsExport(c *gin.Context) {
	e, err := h.staff.Service.ExportStats(c.Request.Context(), subjectOf(c).staff(), c.Query("department"),
		staff.Period{Month: c.Query("month"), From: c.Query("from"), To: c.Query("to")}, c.Query("format"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Type", statsexport.ContentType(e.Format))
	c.Header("Content-Disposition", `attachment; filename="stats.`+string(e.Format)+`"; filename*=UTF-8''`+url.PathEscape(e.FileName()))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	_ = statsexport.Write(c.Writer, e)
}
