package handlers

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
)

// Followups are the follow-up tasks a bad rating (1–2 stars) opens for the
// supervisor of the department, due in 15 working days. The citizen area
// keeps them (*models.Evaluations).
type Followups interface {
	Followups(ctx context.Context, department string, status models.FollowupStatus, limit int) ([]models.Followup, error)
	FollowupOfCase(ctx context.Context, caseID string) (models.Followup, error)
	CloseFollowup(ctx context.Context, id, resolution, by string) error
}

type followupView struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Department string    `json:"department"`
	Stars      int       `json:"stars"`
	Status     string    `json:"status"`
	DueAt      time.Time `json:"due_at"`
	Overdue    bool      `json:"overdue"`
	Resolution string    `json:"resolution,omitempty"`
	ClosedBy   string    `json:"closed_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
}

// staffFollowups lists the bad-rating follow-ups of the departments the
// supervisor oversees, earliest due first.
func (h *Handler) staffFollowups(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	status := models.FollowupStatus(c.DefaultQuery("status", string(models.FollowupOpen)))
	if status != models.FollowupOpen && status != models.FollowupClosed {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "status 须为 open 或 closed", map[string]string{"field": "status"}})
		return
	}
	limit, err := queryInt(c, "limit", 50, 1, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	if depts == nil {
		for _, d := range h.staff.Departments {
			depts = append(depts, d.Code)
		}
	}
	now := h.staffNow()
	items := []followupView{}
	for _, d := range depts {
		fs, err := h.staff.Followups.Followups(c.Request.Context(), d, status, limit)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, f := range fs {
			items = append(items, followupView{f.ID, f.CaseID, f.Department, f.Stars, string(f.Status), f.DueAt,
				f.Status == models.FollowupOpen && now.After(f.DueAt), f.Resolution, f.ClosedBy, f.CreatedAt, f.ClosedAt})
		}
	}
	slices.SortFunc(items, func(a, b followupView) int { return a.DueAt.Compare(b.DueAt) })
	if len(items) > limit {
		items = items[:limit]
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type closeFollowupRequest struct {
	Resolution string `json:"resolution"`
}

// staffCloseFollowup records how the supervisor resolved a bad rating.
func (h *Handler) staffCloseFollowup(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	var req closeFollowupRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	req.Resolution = strings.TrimSpace(req.Resolution)
	if req.Resolution == "" || utf8.RuneCountInString(req.Resolution) > 1000 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写整改情况（不超过1000字）", map[string]string{"field": "resolution"}})
		return
	}
	ctx := c.Request.Context()
	f, err := h.staff.Followups.FollowupOfCase(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if depts != nil && !slices.Contains(depts, f.Department) {
		h.fail(c, &APIError{http.StatusForbidden, "other_department", "无权处理其他部门的整改任务", nil})
		return
	}
	if err := h.staff.Followups.CloseFollowup(ctx, f.ID, req.Resolution, subjectOf(c).ID); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": f.ID, "case_id": f.CaseID, "status": models.FollowupClosed})
}
