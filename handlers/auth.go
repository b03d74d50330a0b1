package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
	"zerovisit/workflow/quota"
)

const ctxSubject = "zerovisit.subject"

// authenticate requires a valid access token of one of the given kinds and
// puts its subject in the context. A token of another kind is refused as
// forbidden (a citizen's token does not open the console).
func (h *Handler) authenticate(kinds ...session.SubjectKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h.signIn(c, kinds); err != nil {
			h.fail(c, err)
			return
		}
		c.Next()
	}
}

// authenticateOrLimit is authenticate for routes limited per account once
// signed in: a request it refuses spends an allowance of its client
// address under name and limit, so nobody can send unlimited made-up
// tokens from one address. Past the limit the refusal is 429.
func (h *Handler) authenticateOrLimit(name string, limit quota.Limit, kinds ...session.SubjectKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h.signIn(c, kinds); err != nil {
			if h.allow(c, name, limit, byClientIP) {
				h.fail(c, err)
			}
			return
		}
		c.Next()
	}
}

// signIn checks the request's access token and puts its subject in the
// context.
func (h *Handler) signIn(c *gin.Context, kinds []session.SubjectKind) error {
	raw, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || raw == "" || h.tokens == nil {
		return workflow.ErrUnauthorized
	}
	s, err := h.tokens.Verify(c.Request.Context(), raw)
	if err != nil {
		return err
	}
	if !slices.Contains(kinds, s.Kind) {
		return workflow.ErrForbidden
	}
	c.Set(ctxSubject, s)
	return nil
}

// subjectOf is the authenticated caller; only valid behind authenticate.
func subjectOf(c *gin.Context) caller {
	s, _ := c.Get(ctxSubject)
	sub, _ := s.(session.Subject)
	return caller{sub}
}

// caller is the authenticated subject of a request, with what the areas
// need of it.
type caller struct{ session.Subject }

// rateLimit refuses a caller over limit with 429 and Retry-After. key picks
// what is limited (the client IP, the account, the mini program…); name
// keeps the limits of different endpoints apart.
func (h *Handler) rateLimit(name string, limit quota.Limit, key func(*gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.allow(c, name, limit, key) {
			c.Next()
		}
	}
}

// allow spends one allowance of the caller under name and limit, and
// answers 429 with Retry-After (reporting false) when there is none left.
// A limiter that cannot answer lets the request through: the limiter given
// to New falls back to a per-replica limit when Redis is down.
func (h *Handler) allow(c *gin.Context, name string, limit quota.Limit, key func(*gin.Context) string) bool {
	if h.limiter == nil {
		return true
	}
	res, err := h.limiter.Allow(c.Request.Context(), "rl:"+name+":"+key(c), limit)
	if err != nil {
		h.log.WarnContext(c.Request.Context(), "rate limiter unavailable", "limit", name, "err", err)
		return true
	}
	if !res.Allowed {
		secs := int(res.RetryAfter.Seconds() + 0.999)
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
		writeError(c, APIError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "请求过于频繁，请稍后再试"})
		return false
	}
	return true
}

// byClientIP keys a rate limit on the caller's address (as the trusted
// proxies report it).
func byClientIP(c *gin.Context) string { return c.ClientIP() }
