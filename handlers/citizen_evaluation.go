package handlers

import (
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
)

// EvaluationIndicator is one indicator of the national evaluation set
// (政务服务“好差评”), rated 1 to 5 like the overall rating.
type EvaluationIndicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// EvaluationIndicators is the indicator set every evaluation may rate.
var EvaluationIndicators = []EvaluationIndicator{
	{"guide", "办事指南清晰准确"},
	{"materials", "申请材料精简"},
	{"process", "办理流程便捷"},
	{"timeliness", "办理时限"},
	{"attitude", "服务态度"},
	{"channel", "线上渠道好用"},
	{"result", "办理结果"},
}

// StarLevels names the five ratings, from 1 to 5 stars.
var StarLevels = []string{"非常不满意", "不满意", "基本满意", "满意", "非常满意"}

// followupWorkingDays is how long a supervisor has to follow a bad rating up.
const followupWorkingDays = 15

const maxComment = 500

// citizenIndicators returns the rating levels and the indicator set.
func (h *Handler) citizenIndicators(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"levels": StarLevels, "indicators": EvaluationIndicators})
}

type citizenEvaluationRequest struct {
	Stars      int            `json:"stars"`
	Indicators map[string]int `json:"indicators,omitempty"`
	Comment    string         `json:"comment,omitempty"`
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

func evaluationView(e models.Evaluation, f *models.Followup) citizenEvaluationView {
	v := citizenEvaluationView{CaseID: e.CaseID, Stars: e.Stars, Level: StarLevels[e.Stars-1], Indicators: e.Indicators,
		Comment: e.Comment, CreatedAt: e.CreatedAt}
	if f != nil {
		v.FollowupDue = tptr(f.DueAt)
	}
	return v
}

func (r citizenEvaluationRequest) check() error {
	bad := func(field, msg string) error {
		return &APIError{http.StatusUnprocessableEntity, "invalid_evaluation", msg, map[string]string{"field": field}}
	}
	if r.Stars < 1 || r.Stars > 5 {
		return bad("stars", "评价星级应为 1 至 5")
	}
	for code, v := range r.Indicators {
		known := false
		for _, ind := range EvaluationIndicators {
			known = known || ind.Code == code
		}
		if !known {
			return bad("indicators."+code, "评价指标不存在")
		}
		if v < 1 || v > 5 {
			return bad("indicators."+code, "指标评分应为 1 至 5")
		}
	}
	if utf8.RuneCountInString(r.Comment) > maxComment {
		return bad("comment", "评价内容不超过 500 字")
	}
	return nil
}

// citizenEvaluate records the applicant's one evaluation of a completed
// case. A bad rating (1–2 stars) opens a follow-up for the department's
// supervisor, due in 15 working days.
func (h *Handler) citizenEvaluate(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenEvaluationRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := req.check(); err != nil {
		h.fail(c, err)
		return
	}
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	if !completed(cs.Status) {
		h.fail(c, &APIError{http.StatusConflict, "not_completed", "办件办结后才能评价", nil})
		return
	}
	now := h.citizenNow()
	if req.Indicators == nil {
		req.Indicators = map[string]int{}
	}
	e, f, err := h.citizen.Evaluations.Submit(ctx, models.Evaluation{CaseID: cs.ID, PrincipalID: cs.ApplicantID,
		PersonID: cc.Citizen.ID, ItemCode: cs.ItemCode, Department: cs.Department, Stars: req.Stars,
		Indicators: req.Indicators, Comment: req.Comment, Channel: cc.Account.Channel},
		h.svc.Engine().Calendar().AddWorkingDays(now, followupWorkingDays))
	if errors.Is(err, workflow.ErrDuplicate) {
		h.fail(c, &APIError{http.StatusConflict, "already_evaluated", "该办件已评价", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, evaluationView(e, f))
}

// citizenEvaluation returns the case's evaluation.
func (h *Handler) citizenEvaluation(c *gin.Context) {
	ctx := c.Request.Context()
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	e, err := h.citizen.Evaluations.Get(ctx, cs.ID)
	if errors.Is(err, workflow.ErrNotFound) {
		h.fail(c, &APIError{http.StatusNotFound, "not_evaluated", "该办件尚未评价", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	var f *models.Followup
	if e.Bad() {
		if got, err := h.citizen.Evaluations.FollowupOfCase(ctx, cs.ID); err == nil {
			f = &got
		}
	}
	c.JSON(http.StatusOK, evaluationView(e, f))
}
