package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
)

const ctxCitizen = "zerovisit.citizen"

// citizenCaller is the authenticated citizen: the account they logged in
// with and the citizen (person) it belongs to.
type citizenCaller struct {
	Account models.Account
	Citizen models.Citizen
}

// citizenLoad resolves the token's account to its citizen on every
// request, so that an account that joined another citizen through
// real-name binding acts as that citizen at once.
func (h *Handler) citizenLoad(c *gin.Context) {
	ctx := c.Request.Context()
	acct, cit, err := h.citizen.Citizens.Caller(ctx, subjectOf(c).ID)
	if err != nil {
		if errors.Is(err, workflow.ErrNotFound) {
			err = workflow.ErrUnauthorized
		}
		h.fail(c, err)
		return
	}
	c.Set(ctxCitizen, citizenCaller{Account: acct, Citizen: cit})
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
	TokenPair
	Citizen citizenProfile `json:"citizen"`
}

var errLoginCode = &APIError{http.StatusUnauthorized, "invalid_login_code", "登录凭证无效或已使用，请重新登录", nil}

// citizenLoginWeChat logs in with a wx.login code (jscode2session).
func (h *Handler) citizenLoginWeChat(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if h.citizen.WeChat == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "channel_disabled", "微信渠道未开通", nil})
		return
	}
	s, err := h.citizen.WeChat.Login(ctx, req.Code)
	if errors.Is(err, wechat.ErrInvalidCode) {
		h.fail(c, errLoginCode)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.handleLogin(c, workflow.ChannelWeChat, h.citizen.WeChat.AppID(), s.OpenID, s.UnionID)
}

// citizenLoginAlipay logs in with a my.getAuthCode code (alipay.system.oauth.token).
func (h *Handler) citizenLoginAlipay(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if h.citizen.Alipay == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "channel_disabled", "支付宝渠道未开通", nil})
		return
	}
	u, err := h.citizen.Alipay.Login(ctx, req.Code)
	if errors.Is(err, alipay.ErrInvalidCode) {
		h.fail(c, errLoginCode)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	subject := u.UserID
	if subject == "" {
		subject = "open:" + u.OpenID
	}
	h.handleLogin(c, workflow.ChannelAlipay, h.citizen.Alipay.AppID(), subject, "")
}

func (h *Handler) handleLogin(c *gin.Context, ch workflow.Channel, appID, subject, unionID string) {
	ctx := c.Request.Context()
	acct, err := h.citizen.Citizens.Login(ctx, ch, appID, subject, unionID)
	if err != nil {
		h.fail(c, err)
		return
	}
	cit, err := h.citizen.Citizens.Get(ctx, acct.CitizenID)
	if err != nil {
		h.fail(c, err)
		return
	}
	pair, err := h.tokens.Issue(Subject{Kind: SubjectCitizen, ID: acct.ID})
	if err != nil {
		h.fail(c, err)
		return
	}
	profile, err := h.profileOf(ctx, citizenCaller{Account: acct, Citizen: cit})
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
	if s.Kind != SubjectCitizen {
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
	ctx := c.Request.Context()
	var req citizenLogoutRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	access, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if err := h.tokens.Logout(ctx, access, req.RefreshToken); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// principals are the applicant ids the caller may act as: the person, and
// the businesses they currently act for.
func (h *Handler) principals(ctx context.Context, cc citizenCaller) ([]string, error) {
	out := []string{cc.Citizen.ID}
	agencies, err := h.citizen.Citizens.Agencies(ctx, cc.Citizen.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range agencies {
		out = append(out, a.Business.ID)
	}
	return out, nil
}

// errCaseNotFound is what a caller hears of a case that is not theirs: the
// same as of one that does not exist, so nothing leaks.
var errCaseNotFound = &APIError{http.StatusNotFound, "case_not_found", "办件不存在", nil}

// ownCase loads a case the caller may act on (as the person or for a
// business they act for).
func (h *Handler) mustOwnCase(c *gin.Context) (workflow.Case, citizenCaller, bool) {
	ctx := c.Request.Context()
	cc := mustCaller(c)
	id := c.Param("id")
	if len(id) == 0 || len(id) > maxCaseID {
		h.fail(c, errCaseNotFound)
		return workflow.Case{}, cc, false
	}
	cs, err := h.svc.Get(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) {
		h.fail(c, errCaseNotFound)
		return workflow.Case{}, cc, false
	}
	if err != nil {
		h.fail(c, err)
		return workflow.Case{}, cc, false
	}
	if cs.ApplicantID == cc.Citizen.ID {
		return cs, cc, true // the person's own case: no agency to look up
	}
	ps, err := h.principals(ctx, cc)
	if err != nil {
		h.fail(c, err)
		return workflow.Case{}, cc, false
	}
	for _, p := range ps {
		if p == cs.ApplicantID {
			return cs, cc, true
		}
	}
	h.fail(c, errCaseNotFound)
	return workflow.Case{}, cc, false
}

// requireVerified refuses a caller who has not bound their real name.
func (h *Handler) mustBeVerified(c *gin.Context, cc citizenCaller) bool {
	if !cc.Citizen.Verified() {
		h.fail(c, &APIError{http.StatusForbidden, "real_name_required", "请先完成实名认证", nil})
		return false
	}
	return true
}
