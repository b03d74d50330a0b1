package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
)

type courierLoginRequest struct {
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

// courierLogin signs a courier in with phone and password. Besides the
// limit per client address, each phone has its own limit, so a password
// cannot be guessed from many addresses.
func (h *Handler) courierLogin(c *gin.Context) {
	var req courierLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if req.Phone == "" || req.Password == "" || len(req.Phone) > 20 || len(req.Password) > 72 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写手机号和密码", nil})
		return
	}
	if h.limiter != nil {
		key := "rl:courier-login-phone:" + h.courier.Desk.LoginKey(req.Phone)
		if res, err := h.limiter.Allow(c.Request.Context(), key, courierLoginPerPhone); err == nil && !res.Allowed {
			writeError(c, APIError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "登录尝试过于频繁，请稍后再试"})
			return
		}
	}
	id, err := h.courier.Desk.Authenticate(c.Request.Context(), req.Phone, req.Password)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	if h.tokens == nil {
		h.fail(c, workflow.ErrUnavailable)
		return
	}
	pair, err := h.tokens.Login(c.Request.Context(), session.Subject{Kind: session.SubjectCourier, ID: id})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "courier signed in", "request_id", requestID(c), "courier", id)
	c.JSON(http.StatusOK, gin.H{"courier_id": id, "tokens": pair})
}

type courierRefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// courierRefresh exchanges a courier's refresh token for a new pair; each
// refresh token works once.
func (h *Handler) courierRefresh(c *gin.Context) {
	var req courierRefreshRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if h.tokens == nil {
		h.fail(c, workflow.ErrUnavailable)
		return
	}
	pair, s, err := h.tokens.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		h.fail(c, err)
		return
	}
	active := false
	if s.Kind == session.SubjectCourier {
		active, err = h.courier.Desk.CourierActive(c.Request.Context(), s.ID)
	}
	if err != nil || !active {
		_ = h.tokens.Logout(c.Request.Context(), pair.AccessToken, pair.RefreshToken)
		if err == nil {
			err = workflow.ErrForbidden
		}
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pair)
}

// courierLogout revokes the access token and, if given, the refresh token.
func (h *Handler) courierLogout(c *gin.Context) {
	var req courierRefreshRequest
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
