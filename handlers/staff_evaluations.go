package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/feedback"
)

// registerStaffEvaluations lists the bad-rating cycle and the one-time
// evaluation links printed at the counter.
func (h *Handler) registerStaffEvaluations(g *gin.RouterGroup, guard staffGuards) {
	g.GET("/followups/:id", guard.supervise, h.staffFollowup)
	g.POST("/followups/:id/steps", guard.supervise, h.staffFollowupStep)
	g.POST("/followups/:id/appeal", guard.supervise, h.staffFollowupAppeal)
	g.POST("/followups/:id/review", guard.supervise, h.staffFollowupReview)
	g.POST("/cases/:id/evaluation-links", guard.handle, h.staffEvaluationLink)
}

// staffFollowup returns a follow-up and its steps.
func (h *Handler) staffFollowup(c *gin.Context) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	f, steps, err := h.staff.Followups.Followup(c.Request.Context(), c.Param("id"), depts)
	if err != nil {
		h.fail(c, err)
		return
	}
	if steps == nil {
		steps = []feedback.Step{}
	}
	c.JSON(http.StatusOK, gin.H{"followup": viewFollowup(f, h.staffNow()), "steps": steps})
}

// handleFollowupAct binds req, then runs do for the departments the caller
// supervises and answers with the follow-up.
func (h *Handler) handleFollowupAct(c *gin.Context, req any, do func(depts []string, by string) (feedback.Followup, error)) {
	depts, ok := h.mustSupervised(c)
	if !ok {
		return
	}
	if err := bindJSON(c, req); err != nil {
		h.fail(c, err)
		return
	}
	f, err := do(depts, subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewFollowup(f, h.staffNow()))
}

// staffFollowupStep records a step of the cycle: contact, verify, rectify, feedback.
func (h *Handler) staffFollowupStep(c *gin.Context) {
	var req feedback.StepRequest
	h.handleFollowupAct(c, &req, func(depts []string, by string) (feedback.Followup, error) {
		return h.staff.Followups.TakeStep(c.Request.Context(), c.Param("id"), depts, by, req)
	})
}

// staffFollowupAppeal asks for a malicious rating to be reviewed.
func (h *Handler) staffFollowupAppeal(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	h.handleFollowupAct(c, &req, func(depts []string, by string) (feedback.Followup, error) {
		return h.staff.Followups.Appeal(c.Request.Context(), c.Param("id"), depts, by, req.Reason)
	})
}

// staffFollowupReview decides an appeal: exclude the rating or uphold it.
func (h *Handler) staffFollowupReview(c *gin.Context) {
	var req struct {
		Exclude bool   `json:"exclude"`
		Note    string `json:"note"`
	}
	h.handleFollowupAct(c, &req, func(depts []string, by string) (feedback.Followup, error) {
		return h.staff.Followups.Review(c.Request.Context(), c.Param("id"), depts, by, req.Exclude, req.Note)
	})
}

type evaluationLinkRequest struct {
	Stage  string `json:"stage"`
	Medium string `json:"medium"`
}

// staffEvaluationLink issues the one-time evaluation link of a case the
// caller may see, for the acceptance notice or the result (QR code, SMS
// link, the pad at the window).
func (h *Handler) staffEvaluationLink(c *gin.Context) {
	var req evaluationLinkRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	stage, err := feedback.ParseStage(req.Stage)
	if err != nil {
		h.fail(c, err)
		return
	}
	medium, err := feedback.ParseLinkMedium(req.Medium)
	if err != nil {
		h.fail(c, err)
		return
	}
	cs, _, err := h.staff.Service.Case(c.Request.Context(), subjectOf(c).staff(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.staff.Followups.IssueLink(c.Request.Context(), cs.ID, stage, medium, subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": l.Secret, "path": "/console/evaluate.html#" + l.Secret, "case_id": l.CaseID, "stage": l.Stage,
		"medium": l.Medium, "expires_at": l.ExpiresAt})
}
