package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
	"zerovisit/workflow/apply"
	"zerovisit/workflow/citizen"
)

const ctxCitizen = "zerovisit.citizen"

// citizenCaller is the authenticated citizen: the account they logged in
// with and the citizen (person) it belongs to.
type citizenCaller = citizen.Caller

// citizenLoad resolves the token's account to its citizen on every
// request, so that an account that joined another citizen through
// real-name binding acts as that citizen at once.
func (h *Handler) citizenLoad(c *gin.Context) {
	cc, err := h.citizen.People.Caller(c.Request.Context(), subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Set(ctxCitizen, cc)
	c.Next()
}

// mustCaller is the caller loaded by citizenLoad; only valid behind it.
func mustCaller(c *gin.Context) citizenCaller {
	v, _ := c.Get(ctxCitizen)
	cc, _ := v.(citizenCaller)
	return cc
}

type citizenLoginRequest struct {
	Code string `json:"code"`
}

type citizenLoginResponse struct {
	session.TokenPair
	Citizen citizenProfile `json:"citizen"`
}

// citizenLoginWeChat logs in with a wx.login code (jscode2session).
func (h *Handler) citizenLoginWeChat(c *gin.Context) { h.handleLogin(c, workflow.ChannelWeChat) }

// citizenLoginAlipay logs in with a my.getAuthCode code (alipay.system.oauth.token).
func (h *Handler) citizenLoginAlipay(c *gin.Context) { h.handleLogin(c, workflow.ChannelAlipay) }

func (h *Handler) handleLogin(c *gin.Context, ch workflow.Channel) {
	ctx := c.Request.Context()
	var req citizenLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc, err := h.citizen.People.Login(ctx, ch, req.Code)
	if err != nil {
		h.fail(c, err)
		return
	}
	pair, err := h.tokens.Login(ctx, session.Subject{Kind: session.SubjectCitizen, ID: cc.Account.ID})
	if err != nil {
		h.fail(c, err)
		return
	}
	profile, err := h.profileOf(ctx, cc)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, citizenLoginResponse{TokenPair: pair, Citizen: profile})
}

type citizenRefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// citizenRefresh exchanges a refresh token for a new pair; each refresh
// token works once.
func (h *Handler) citizenRefresh(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenRefreshRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	pair, s, err := h.tokens.Refresh(ctx, req.RefreshToken)
	if err != nil {
		h.fail(c, err)
		return
	}
	if s.Kind != session.SubjectCitizen {
		_ = h.tokens.Logout(ctx, pair.AccessToken, pair.RefreshToken)
		h.fail(c, workflow.ErrForbidden)
		return
	}
	c.JSON(http.StatusOK, pair)
}

type citizenLogoutRequest struct {
	RefreshToken string `json:"refresh_token,omitempty"`
}

// citizenLogout revokes the access token and, if given, the refresh token.
func (h *Handler) citizenLogout(c *gin.Context) {
	var req citizenLogoutRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	access, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if err := h.tokens.Logout(c.Request.Context(), access, req.RefreshToken); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// principals are the applicant ids the caller may act as: the person, and
// the businesses they currently act for.
func (h *Handler) principals(ctx context.Context, cc citizenCaller) ([]string, error) {
	return h.citizen.People.Principals(ctx, cc)
}

// mustOwnCase loads a case the caller may act on (as the person or for a
// business they act for).
func (h *Handler) mustOwnCase(c *gin.Context) (workflow.Case, citizenCaller, bool) {
	cc := mustCaller(c)
	cs, err := h.citizen.People.Case(c.Request.Context(), cc, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return workflow.Case{}, cc, false
	}
	return cs, cc, true
}

// mustOwnFiling loads a case the caller may act on with its application,
// in one read.
func (h *Handler) mustOwnFiling(c *gin.Context) (apply.Filing, citizenCaller, bool) {
	cc := mustCaller(c)
	f, err := h.citizen.Applications.Filing(c.Request.Context(), cc, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return apply.Filing{}, cc, false
	}
	return f, cc, true
}

// mustBeVerified refuses a caller who has not bound their real name.
func (h *Handler) mustBeVerified(c *gin.Context, cc citizenCaller) bool {
	if err := citizen.RequireVerified(cc); err != nil {
		h.fail(c, err)
		return false
	}
	return true
}
