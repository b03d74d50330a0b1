package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// registerStaffCalendar lists the working-day calendar routes: supervisors
// and administrators read it, administrators load a year.
func (h *Handler) registerStaffCalendar(g *gin.RouterGroup, guard staffGuards) {
	g.GET("/calendar", guard.supervise, h.staffCalendar)
	g.PUT("/calendar/years/:year", guard.admin, h.staffLoadCalendarYear)
}

// staffCalendar shows the years the calendar counts with, the years within
// the longest deadline it lacks or knows only provisionally, and the loads.
func (h *Handler) staffCalendar(c *gin.Context) {
	st, err := h.staff.Calendar.Status(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// staffLoadCalendarYear loads a year's holiday arrangement (administrators);
// every replica counts with it from its next poll, this one at once.
func (h *Handler) staffLoadCalendarYear(c *gin.Context) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 2200 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "年份不正确", nil})
		return
	}
	var y workflow.CalendarYear
	if err := bindJSON(c, &y); err != nil {
		h.fail(c, err)
		return
	}
	if y.Year != year {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "calendar_year_mismatch", "请求体中的年份与路径中的年份不一致", nil})
		return
	}
	load, err := h.staff.Calendar.LoadYear(c.Request.Context(), subjectOf(c).ID, y)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "calendar year loaded", "request_id", requestID(c), "by", load.LoadedBy,
		"year", load.Year, "revision", load.Revision, "source", load.Source)
	c.JSON(http.StatusOK, load)
}
