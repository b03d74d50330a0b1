package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/basedata"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// citizenBusinesses lists the businesses the caller acts for.
func (h *Handler) citizenBusinesses(c *gin.Context) { h.handleBusinesses(c) }

func (h *Handler) handleBusinesses(c *gin.Context) {
	ctx := c.Request.Context()
	agencies, err := h.citizen.Citizens.Agencies(ctx, mustCaller(c).Citizen.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenBusiness, 0, len(agencies))
	for _, a := range agencies {
		items = append(items, businessView(a))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type citizenBusinessRequest struct {
	USCC string `json:"uscc"`
}

// parseUSCC validates a unified social credit code for an API error.
func parseUSCC(s string) (string, error) {
	code, err := ident.ParseUSCC(strings.TrimSpace(s))
	if err != nil {
		var ie *ident.Error
		if errors.As(err, &ie) {
			return "", &APIError{http.StatusUnprocessableEntity, "invalid_uscc", ie.Message, map[string]string{"field": "uscc", "reason": ie.Code}}
		}
		return "", err
	}
	return code.Code, nil
}

// citizenBindBusiness makes the caller act for a business as its legal
// representative, after the legal-entity library confirms it: the company
// is in business and its representative is the caller (name, and the ID
// number as far as the library discloses it).
func (h *Handler) citizenBindBusiness(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenBusinessRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	if !h.mustBeVerified(c, cc) {
		return
	}
	uscc, err := parseUSCC(req.USCC)
	if err != nil {
		h.fail(c, err)
		return
	}
	co, err := h.citizen.Identity.Company(ctx, uscc)
	if errors.Is(err, basedata.ErrNoRecord) {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "company_not_found", "法人库中未查到该企业", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	rep := co.LegalRepresentative
	switch {
	case !co.Active():
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "company_inactive", "该企业不在存续状态，不能办理", nil})
		return
	case rep.Name != cc.Citizen.Name || rep.IDNumberMasked != ident.MaskResidentID(cc.Citizen.IDNumber):
		h.fail(c, &APIError{http.StatusForbidden, "not_legal_representative", "您不是该企业的法定代表人，请由法定代表人授权后办理", nil})
		return
	}
	if _, err := h.citizen.Citizens.BindBusiness(ctx, cc.Citizen.ID, uscc, co.Name, models.RoleLegalRepresentative, "", time.Time{}); err != nil {
		h.fail(c, err)
		return
	}
	h.handleBusinesses(c)
}

type citizenAgentRequest struct {
	Name       string     `json:"name"`
	IDNumber   string     `json:"id_number"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
}

// citizenGrantAgent lets a legal representative authorise another
// verified citizen, named by name and ID number, to act for the business.
func (h *Handler) citizenGrantAgent(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenAgentRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	biz, ok := h.mustRepresentBusiness(c, cc)
	if !ok {
		return
	}
	now := h.citizenNow()
	if req.ValidUntil != nil && !req.ValidUntil.After(now) {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_valid_until", "授权有效期应晚于当前时间", map[string]string{"field": "valid_until"}})
		return
	}
	id, err := ident.ParseResidentID(req.IDNumber, now)
	if err != nil {
		var ie *ident.Error
		if errors.As(err, &ie) {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_id_number", ie.Message, map[string]string{"field": "id_number", "reason": ie.Code}})
			return
		}
		h.fail(c, err)
		return
	}
	agent, err := h.citizen.Citizens.FindPerson(ctx, id.Number)
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && agent.Name != strings.TrimSpace(req.Name)) {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "agent_not_registered", "被授权人须先在小程序完成实名认证，且姓名与身份证号码一致", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	var until time.Time
	if req.ValidUntil != nil {
		until = *req.ValidUntil
	}
	if _, err := h.citizen.Citizens.BindBusiness(ctx, agent.ID, biz.Business.IDNumber, biz.Business.Name, models.RoleAgent, cc.Citizen.ID, until); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"business_id": biz.Business.ID, "agent_id": agent.ID,
		"agent_name": ident.MaskName(agent.Name), "role": models.RoleAgent, "valid_until": req.ValidUntil})
}

// citizenRevokeAgent withdraws an agent's authorisation.
func (h *Handler) citizenRevokeAgent(c *gin.Context) {
	ctx := c.Request.Context()
	cc := mustCaller(c)
	biz, ok := h.mustRepresentBusiness(c, cc)
	if !ok {
		return
	}
	person := c.Param("person")
	if person == cc.Citizen.ID {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "cannot_revoke_self", "法定代表人不能撤销自己的身份", nil})
		return
	}
	if a, err := h.citizen.Citizens.Agency(ctx, biz.Business.ID, person); err != nil || a.Role != models.RoleAgent {
		h.fail(c, &APIError{http.StatusNotFound, "agent_not_found", "未找到该经办人授权", nil})
		return
	}
	if err := h.citizen.Citizens.RevokeAgency(ctx, biz.Business.ID, person); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// representedBusiness is the business of the path the caller is the legal
// representative of.
func (h *Handler) mustRepresentBusiness(c *gin.Context, cc citizenCaller) (models.Agency, bool) {
	ctx := c.Request.Context()
	a, err := h.citizen.Citizens.Agency(ctx, c.Param("id"), cc.Citizen.ID)
	if err != nil || a.Role != models.RoleLegalRepresentative {
		h.fail(c, &APIError{http.StatusForbidden, "not_legal_representative", "仅企业法定代表人可以管理经办人授权", nil})
		return models.Agency{}, false
	}
	return a, true
}
