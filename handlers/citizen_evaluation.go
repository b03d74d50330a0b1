package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/feedback"
)

// citizenIndicators returns the rating levels and the national indicator
// set of each service channel.
func (h *Handler) citizenIndicators(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"levels": feedback.StarLevels, "overall": feedback.OverallIndicator,
		"indicators": gin.H{"online": feedback.OnlineIndicators, "offline": feedback.OfflineIndicators}})
}

type citizenEvaluationView struct {
	CaseID     string         `json:"case_id"`
	Stage      string         `json:"stage"`
	Stars      int            `json:"stars"`
	Level      string         `json:"level"`
	Service    string         `json:"service"`
	Channel    string         `json:"channel"`
	Indicators map[string]int `json:"indicators"`
	Comment    string         `json:"comment,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	// FollowupDue is when the department's follow-up of a bad rating is due.
	FollowupDue *time.Time `json:"followup_due,omitempty"`
}

// handleEvaluation answers with an evaluation, or the error that kept it.
func (h *Handler) handleEvaluation(c *gin.Context, status int, e feedback.Evaluation, f *feedback.Followup, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	v := citizenEvaluationView{CaseID: e.CaseID, Stage: string(e.Stage), Stars: e.Stars, Level: e.Level(), Service: string(e.Service),
		Channel: string(e.Channel), Indicators: e.Indicators, Comment: e.Comment, CreatedAt: e.CreatedAt}
	if f != nil {
		v.FollowupDue = tptr(f.DueAt)
	}
	c.JSON(status, v)
}

type citizenEvaluateRequest struct {
	feedback.Rating
	Stage string `json:"stage"`
}

// citizenEvaluate records the applicant's one evaluation of a case at a
// stage (受理 or 办结); a bad rating opens a follow-up for the department.
func (h *Handler) citizenEvaluate(c *gin.Context) {
	var req citizenEvaluateRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	stage, err := feedback.ParseStage(req.Stage)
	if err == nil {
		err = req.Rating.Check("")
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	e, f, err := h.citizen.Evaluations.Evaluate(c.Request.Context(), cs, cc.Account, cc.Citizen, stage, req.Rating)
	h.handleEvaluation(c, http.StatusCreated, e, f, err)
}

// citizenEvaluation returns the case's evaluation at a stage (?stage=).
func (h *Handler) citizenEvaluation(c *gin.Context) {
	stage, err := feedback.ParseStage(c.Query("stage"))
	if err != nil {
		h.fail(c, err)
		return
	}
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	e, f, err := h.citizen.Evaluations.Evaluation(c.Request.Context(), cs.ID, stage)
	h.handleEvaluation(c, http.StatusOK, e, f, err)
}
