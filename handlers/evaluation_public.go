package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/quota"

	"zerovisit/workflow/feedback"
)

// evaluationLinkPerIP bounds the unauthenticated evaluation routes: a
// person rates a few cases, a window pad a few hundred a day.
var evaluationLinkPerIP = quota.PerMinute(60)

// registerEvaluationPublic lists the routes anyone may call: the one-time
// evaluation links (QR code, SMS link, window pad) and the published
// statistics.
func (h *Handler) registerEvaluationPublic(r gin.IRouter) {
	g := r.Group("/api/v1", h.citizenEnabled, h.rateLimit("evaluation-ip", evaluationLinkPerIP, byClientIP))
	g.GET("/evaluation-links/:token", h.viewEvaluationLink)
	g.POST("/evaluation-links/:token", h.evaluateByLink)
	g.GET("/evaluation-stats", h.evaluationStats)
}

// viewEvaluationLink shows what a link evaluates and on which indicators.
func (h *Handler) viewEvaluationLink(c *gin.Context) {
	v, err := h.citizen.Evaluations.ViewLink(c.Request.Context(), c.Param("token"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// evaluateByLink records the one evaluation a link allows.
func (h *Handler) evaluateByLink(c *gin.Context) {
	var req feedback.Rating
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	e, f, err := h.citizen.Evaluations.EvaluateByLink(c.Request.Context(), c.Param("token"), req)
	if err == nil {
		e.Comment = "" // the holder of a paper link need not be the applicant
	}
	h.handleEvaluation(c, http.StatusCreated, e, f, err)
}

// evaluationStats publishes the ratings by department and item.
func (h *Handler) evaluationStats(c *gin.Context) {
	p, err := readPage(c, 50, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	items, next, err := h.citizen.Ratings.Page(c.Request.Context(), p.Key, p.Limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, next))
}
