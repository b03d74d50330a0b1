package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// mustSupervised returns the departments the caller supervises: an
// administrator every one (nil, or the one asked for), a supervisor their
// own. It writes the error and returns false otherwise.
func (h *Handler) mustSupervised(c *gin.Context) ([]string, bool) {
	depts, err := h.staff.Service.Supervised(subjectOf(c).staff(), c.Query("department"))
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return depts, true
}

// staffSupervision is the supervisor's view: who holds how many overdue
// (red) and nearly overdue (yellow) cases, those cases most urgent first,
// and the latest cards raised.
func (h *Handler) staffSupervision(c *gin.Context) {
	p, err := readPage(c, 20, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	v, err := h.staff.Service.Supervision(c.Request.Context(), who, staff.SupervisionRequest{
		Department: c.Query("department"), Cursor: p.Key, Limit: p.Limit})
	if err != nil {
		h.fail(c, err)
		return
	}
	type carded struct {
		caseSummary
		OverdueDays *int `json:"overdue_days,omitempty"`
	}
	cases := []carded{}
	for _, cs := range h.summaries(v.Cases, who.ID) {
		n, late := v.OverdueDays[cs.ID]
		cases = append(cases, carded{cs, map[bool]*int{true: &n}[late]})
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"workloads": v.Workloads, "cases": cases,
		"total": v.Cases.Total, "alerts": v.Alerts, "calendar": gin.H{"years": v.Calendar.Years,
			"cases": h.summaries(v.Calendar.Cases, who.ID), "total": v.Calendar.Cases.Total}}, v.Cases.NextCursor))
}

// staffStats are the statistics of a period (from, to: YYYY-MM-DD, to
// inclusive; or month: YYYY-MM) per department.
func (h *Handler) staffStats(c *gin.Context) {
	st, err := h.staff.Service.Stats(c.Request.Context(), subjectOf(c).staff(), c.Query("department"),
		staff.Period{Month: c.Query("month"), From: c.Query("from"), To: c.Query("to")})
	if err != nil {
		h.fail(c, err)
		return
	}
	names := map[string]string{}
	for _, d := range h.staff.Departments {
		names[d.Code] = d.Name
	}
	c.JSON(http.StatusOK, gin.H{"from": workflow.DateOf(st.From).String(), "to": workflow.DateOf(st.To.Add(-time.Second)).String(),
		"departments": st.Departments, "department_names": names, "total": st.Total, "daily": st.Daily,
		"clerks": st.Clerks, "items": st.Items,
		"evaluations_available": st.EvaluationsAvailable})
}
