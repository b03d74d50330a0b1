package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// takeoverView is an identity takeover as supervisors review it.
type takeoverView struct {
	ID                string                   `json:"id"`
	CitizenID         string                   `json:"citizen_id"`
	DetachedCitizenID string                   `json:"detached_citizen_id"`
	AccountID         string                   `json:"account_id"`
	From              workflow.Assurance       `json:"from_level"`
	To                workflow.Assurance       `json:"to_level"`
	Method            workflow.AssuranceMethod `json:"method"`
	Actor             string                   `json:"actor,omitempty"`
	DetachedAccounts  []string                 `json:"detached_accounts"`
	RevokedAgencies   []string                 `json:"revoked_agencies"`
	OpenCases         []string                 `json:"open_cases"`
	At                time.Time                `json:"at"`
}

// staffTakeovers lists identity takeovers (身份找回) newest first: whose
// binding was detached, how the person proved it, and which open cases in
// their name were there then, for supervisors to review.
func (h *Handler) staffTakeovers(c *gin.Context) {
	if h.citizen.People == nil {
		h.fail(c, workflow.ErrUnavailable)
		return
	}
	p, err := readPage(c, 50, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	ts, next, err := h.citizen.People.Takeovers(c.Request.Context(), p.Key, p.Limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]takeoverView, 0, len(ts))
	for _, t := range ts {
		items = append(items, takeoverView{t.ID, t.CitizenID, t.DetachedCitizenID, t.AccountID, t.From, t.To, t.Method, t.Actor,
			orEmpty(t.DetachedAccounts), orEmpty(t.RevokedAgencies), orEmpty(t.OpenCases), t.At})
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, next))
}

type staffIdentityCheckRequest struct {
	CounterCode string `json:"counter_code"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	// IDCardChecked is the clerk's statement that they checked the
	// physical ID card of the person at the counter against their face.
	IDCardChecked bool `json:"id_card_checked"`
}

// staffCheckIdentity records a clerk's check of the physical ID card of a
// citizen who showed the counter code of their mini-program account.
func (h *Handler) staffCheckIdentity(c *gin.Context) {
	if h.citizen.People == nil {
		h.fail(c, workflow.ErrUnavailable)
		return
	}
	var req staffIdentityCheckRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if !req.IDCardChecked {
		h.fail(c, &APIError{http.StatusBadRequest, "id_card_check_required", "请核验申请人的身份证原件后再确认",
			map[string]string{"field": "id_card_checked"}})
		return
	}
	got, err := h.citizen.People.VerifyAtCounter(c.Request.Context(), subjectOf(c).ID, req.CounterCode, req.Name, req.IDNumber)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"assurance": got.Citizen.Level(), "took_over": got.Takeover != nil})
}
