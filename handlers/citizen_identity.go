package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/ident"
)

// citizenProfile is what a citizen sees of themselves: masked, always.
type citizenProfile struct {
	ID       string `json:"id"`
	Verified bool   `json:"verified"`
	// Assurance is the identity level (身份核验等级) and AssuranceNote
	// the same in words.
	Assurance     workflow.Assurance `json:"assurance"`
	AssuranceNote string             `json:"assurance_note"`
	Name          string             `json:"name,omitempty"`
	IDNumber      string             `json:"id_number,omitempty"`
	Phone         string             `json:"phone,omitempty"`
	Channel       workflow.Channel   `json:"channel"`
	Channels      []workflow.Channel `json:"channels"`
	Businesses    []citizenBusiness  `json:"businesses"`
}

type citizenBusiness struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	USCC       string             `json:"uscc"`
	Role       citizen.AgencyRole `json:"role"`
	ValidUntil *time.Time         `json:"valid_until,omitempty"`
}

func (h *Handler) profileOf(ctx context.Context, cc citizenCaller) (citizenProfile, error) {
	pr, err := h.citizen.People.Profile(ctx, cc)
	if err != nil {
		return citizenProfile{}, err
	}
	m := cc.Citizen.Masked()
	return citizenProfile{ID: m.ID, Verified: m.Verified(), Assurance: cc.Citizen.Level(), AssuranceNote: cc.Citizen.Level().Note(), Name: m.Name, IDNumber: m.IDNumber, Phone: m.Phone,
		Channel: cc.Account.Channel, Channels: pr.Channels, Businesses: businessViews(pr.Agencies)}, nil
}

func businessViews(agencies []citizen.Agency) []citizenBusiness {
	out := make([]citizenBusiness, 0, len(agencies))
	for _, a := range agencies {
		b := citizenBusiness{ID: a.Business.ID, Name: a.Business.Name, USCC: a.Business.IDNumber, Role: a.Role}
		if !a.ValidUntil.IsZero() {
			t := a.ValidUntil
			b.ValidUntil = &t
		}
		out = append(out, b)
	}
	return out
}

// citizenMe returns the caller's masked profile.
func (h *Handler) citizenMe(c *gin.Context) { h.handleProfile(c, mustCaller(c)) }

type citizenIdentityRequest struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	// LinkCode joins this account to the citizen who already bound this
	// identity on another account; that account issues it (me/link-code).
	LinkCode string `json:"link_code,omitempty"`
}

// citizenBindIdentity binds the caller's real name (实名认证). Accounts of
// the same verified person on any channel become one citizen.
func (h *Handler) citizenBindIdentity(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenIdentityRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	cit, err := h.citizen.People.BindIdentity(ctx, cc, req.Name, req.IDNumber, req.LinkCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	cc.Citizen = cit
	h.handleProfile(c, cc)
}

// handleProfile answers with the profile of cc.
func (h *Handler) handleProfile(c *gin.Context, cc citizenCaller) {
	p, err := h.profileOf(c.Request.Context(), cc)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

type citizenPhoneRequest struct {
	Code string `json:"code"`
}

// citizenBindPhone records the phone number the user shared with the
// WeChat getPhoneNumber button.
func (h *Handler) citizenBindPhone(c *gin.Context) {
	var req citizenPhoneRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	phone, err := h.citizen.People.BindPhone(c.Request.Context(), mustCaller(c), req.Code)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"phone": ident.MaskPhone(phone)})
}
