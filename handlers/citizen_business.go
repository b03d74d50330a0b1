package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/citizen"
	"zerovisit/workflow/ident"
)

// citizenBusinesses lists the businesses the caller acts for.
func (h *Handler) citizenBusinesses(c *gin.Context) { h.handleBusinesses(c) }

func (h *Handler) handleBusinesses(c *gin.Context) {
	agencies, err := h.citizen.People.Agencies(c.Request.Context(), mustCaller(c).Citizen.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": businessViews(agencies)})
}

type citizenBusinessRequest struct {
	USCC string `json:"uscc"`
}

// citizenBindBusiness makes the caller act for a business as its legal
// representative, once the legal-entity library confirms they are.
func (h *Handler) citizenBindBusiness(c *gin.Context) {
	var req citizenBusinessRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.citizen.People.BindBusiness(c.Request.Context(), mustCaller(c), req.USCC); err != nil {
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
	var req citizenAgentRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	g := citizen.AgentGrant{Name: req.Name, IDNumber: req.IDNumber, ValidUntil: req.ValidUntil}
	biz, agent, err := h.citizen.People.GrantAgent(c.Request.Context(), mustCaller(c), c.Param("id"), g)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"business_id": biz.ID, "agent_id": agent.ID,
		"agent_name": ident.MaskName(agent.Name), "role": citizen.RoleAgent, "valid_until": req.ValidUntil})
}

// citizenRevokeAgent withdraws an agent's authorisation.
func (h *Handler) citizenRevokeAgent(c *gin.Context) {
	if err := h.citizen.People.RevokeAgent(c.Request.Context(), mustCaller(c), c.Param("id"), c.Param("person")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
