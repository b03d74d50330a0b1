package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/feedback"
)

// citizenIndicators returns the rating levels and the indicator set.
func (h *Handler) citizenIndicators(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"levels": feedback.StarLevels, "indicators": feedback.Indicators})
}

type citizenEvaluationView struct {
	CaseID     string         `json:"case_id"`
	Stars      int            `json:"stars"`
	Level      string         `json:"level"`
	Indicators map[string]int `json:"indicators"`
	Comment    string         `json:"comment,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	// FollowupDue is when the supervisor's follow-up of a bad rating is due.
	FollowupDue *time.Time `json:"followup_due,omitempty"`
}

// handleEvaluation answers with an evaluation, or the error that kept it.
func (h *Handler) handleEvaluation(c *gin.Context, status int, e feedback.Evaluation, f *feedback.Followup, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	v := citizenEvaluationView{CaseID: e.CaseID, Stars: e.Stars, Level: e.Level(), Indicators: e.Indicators,
		Comment: e.Comment, CreatedAt: e.CreatedAt}
	if f != nil {
		v.FollowupDue = tptr(f.DueAt)
	}
	c.JSON(status, v)
}

// citizenEvaluate records the applicant's one evaluation of a completed
// case; a bad rating opens a follow-up for the department's supervisor.
func (h *Handler) citizenEvaluate(c *gin.Context) {
	var req feedback.Rating
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := req.Check(); err != nil {
		h.fail(c, err)
		return
	}
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	e, f, err := h.citizen.Evaluations.Evaluate(c.Request.Context(), cs, cc.Account, cc.Citizen, req)
	h.handleEvaluation(c, http.StatusCreated, e, f, err)
}

// citizenEvaluation returns the case's evaluation.
func (h *Handler) citizenEvaluation(c *gin.Context) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	e, f, err := h.citizen.Evaluations.Evaluation(c.Request.Context(), cs.ID)
	h.handleEvaluation(c, http.StatusOK, e, f, err)
}
