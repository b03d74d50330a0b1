package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
)

// mustSupervised returns the departments the caller supervises: an
// administrator every one (or the one asked for), a supervisor their own.
func (h *Handler) mustSupervised(c *gin.Context) ([]string, bool) {
	sub := subjectOf(c)
	want := c.Query("department")
	if sub.HasRole(string(models.RoleAdministrator)) {
		if want == "" {
			return nil, true
		}
		if !h.isDepartment(want) {
			h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "部门不存在", map[string]string{"field": "department"}})
			return nil, false
		}
		return []string{want}, true
	}
	if want != "" && want != sub.Department {
		h.fail(c, errOtherDepartment)
		return nil, false
	}
	return []string{sub.Department}, true
}

// staffSupervision is the supervisor's view: who holds how many overdue
// (red) and nearly overdue (yellow) cases, those cases most urgent first,
// and the latest cards raised.
func (h *Handler) staffSupervision(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	cursor := c.Query("cursor")
	if len(cursor) > 512 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "分页游标不正确", map[string]string{"field": "cursor"}})
		return
	}
	now := h.staffNow()
	work, err := h.staff.Store.Workloads(c.Request.Context(), depts, now)
	if err != nil {
		h.fail(c, err)
		return
	}
	page, err := h.staff.Store.Queue(c.Request.Context(), models.QueueQuery{Departments: depts, Cards: []workflow.Card{workflow.CardRed, workflow.CardYellow},
		Now: now, Cursor: cursor, Limit: limit})
	if err != nil {
		h.fail(c, err)
		return
	}
	alerts, err := h.staff.Store.Alerts(c.Request.Context(), depts, 0, 20)
	if err != nil {
		h.fail(c, err)
		return
	}
	me := subjectOf(c).ID
	items := make([]caseSummary, 0, len(page.Items))
	for _, e := range page.Items {
		items = append(items, h.summarize(e.Case, e.Claim, me))
	}
	if err := h.nameClaims(c.Request.Context(), items); err != nil {
		h.fail(c, err)
		return
	}
	var holders []string
	for _, w := range work {
		holders = append(holders, w.StaffID)
	}
	names, err := h.staff.Store.StaffNames(c.Request.Context(), holders)
	if err != nil {
		h.fail(c, err)
		return
	}
	loads := make([]gin.H, 0, len(work))
	for _, w := range work {
		loads = append(loads, gin.H{"department": w.Department, "staff_id": w.StaffID, "staff_name": names[w.StaffID],
			"red": w.Red, "yellow": w.Yellow})
	}
	resp := gin.H{"workloads": loads, "cases": items, "total": page.Total, "alerts": alerts}
	if page.NextCursor != "" {
		resp["next_cursor"] = page.NextCursor
	}
	c.JSON(http.StatusOK, resp)
}

// staffStats are the statistics of a period (from, to: YYYY-MM-DD, to
// inclusive; or month: YYYY-MM) per department.
func (h *Handler) staffStats(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	from, to, err := statsPeriod(c.Query, h.staffNow())
	if err != nil {
		h.fail(c, err)
		return
	}
	st, err := h.staff.Store.Stats(c.Request.Context(), models.StatsQuery{Departments: depts, From: from, To: to, Calendar: h.svc.Engine().Calendar()})
	if err != nil {
		h.fail(c, err)
		return
	}
	names := map[string]string{}
	for _, d := range h.staff.Departments {
		names[d.Code] = d.Name
	}
	resp := gin.H{"from": workflow.DateOf(from).String(), "to": workflow.DateOf(to.Add(-time.Second)).String(),
		"departments": st.Departments, "department_names": names, "total": st.Total, "daily": st.Daily,
		"evaluations_available": st.EvaluationsAvailable}
	c.JSON(http.StatusOK, resp)
}

// statsPeriod reads the period: month=YYYY-MM, or from and to (inclusive
// days), by default the current month; at most 366 days.
func statsPeriod(query func(string) string, now time.Time) (time.Time, time.Time, error) {
	bad := func(field string) (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, &APIError{http.StatusBadRequest, "invalid_query", "统计期间不正确", map[string]string{"field": field}}
	}
	cst := workflow.CST()
	if m := query("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, cst)
		if err != nil {
			return bad("month")
		}
		return t, t.AddDate(0, 1, 0), nil
	}
	if query("from") == "" && query("to") == "" {
		y, mo, _ := now.In(cst).Date()
		start := time.Date(y, mo, 1, 0, 0, 0, 0, cst)
		return start, start.AddDate(0, 1, 0), nil
	}
	f, err := workflow.ParseDate(query("from"))
	if err != nil {
		return bad("from")
	}
	t, err := workflow.ParseDate(query("to"))
	if err != nil || t.Compare(f) < 0 || t.Start().Sub(f.Start()) > 366*24*time.Hour {
		return bad("to")
	}
	return f.Start(), t.AddDays(1).Start(), nil
}
