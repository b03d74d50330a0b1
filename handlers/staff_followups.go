package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/feedback"
)

// Followups are the follow-up tasks a bad rating (1–2 stars) opens for the
// supervisor of the department, due in 15 working days
// (*feedback.Evaluations).
type Followups interface {
	Followups(ctx context.Context, departments []string, status feedback.FollowupStatus, after string, limit int) ([]feedback.Followup, string, error)
	CloseFollowup(ctx context.Context, caseID string, departments []string, resolution, by string) (feedback.Followup, error)
	Followup(ctx context.Context, id string, departments []string) (feedback.Followup, []feedback.Step, error)
	TakeStep(ctx context.Context, id string, departments []string, by string, req feedback.StepRequest) (feedback.Followup, error)
	Appeal(ctx context.Context, id string, departments []string, by, reason string) (feedback.Followup, error)
	Review(ctx context.Context, id string, departments []string, by string, exclude bool, note string) (feedback.Followup, error)
	IssueLink(ctx context.Context, caseID string, st feedback.Stage, m feedback.Medium, by string) (feedback.Link, error)
}

type followupView struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"case_id"`
	Stage       string    `json:"stage"`
	Department  string    `json:"department"`
	Stars       int       `json:"stars"`
	Status      string    `json:"status"`
	DueAt       time.Time `json:"due_at"`
	StepDueAt   time.Time `json:"step_due_at,omitzero"`
	Finding     string    `json:"finding,omitempty"`
	AppealedBy  string    `json:"appealed_by,omitempty"`
	Overdue     bool      `json:"overdue"`
	StepOverdue bool      `json:"step_overdue"`
	Resolution  string    `json:"resolution,omitempty"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
}

// staffFollowups lists the bad-rating follow-ups of the departments the
// supervisor oversees, earliest due first.
func (h *Handler) staffFollowups(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	status, ok := feedback.ParseFollowupStatus(c.DefaultQuery("status", string(feedback.FollowupOpen)))
	if !ok {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "status 不是差评整改的状态", map[string]string{"field": "status"}})
		return
	}
	p, err := readPage(c, 50, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	if depts == nil {
		for _, d := range h.staff.Departments {
			depts = append(depts, d.Code)
		}
	}
	fs, next, err := h.staff.Followups.Followups(c.Request.Context(), depts, status, p.Key, p.Limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.staffNow()
	items := make([]followupView, 0, len(fs))
	for _, f := range fs {
		items = append(items, viewFollowup(f, now))
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, next))
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
	f, err := h.staff.Followups.CloseFollowup(c.Request.Context(), c.Param("id"), depts, req.Resolution, subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewFollowup(f, h.staffNow()))
}

func viewFollowup(f feedback.Followup, now time.Time) followupView {
	return followupView{f.ID, f.CaseID, string(f.Stage), f.Department, f.Stars, string(f.Status), f.DueAt, f.StepDueAt, f.Finding,
		f.AppealedBy, f.Overdue(now), f.StepOverdue(now), f.Resolution, f.ClosedBy, f.CreatedAt, f.ClosedAt}
}
