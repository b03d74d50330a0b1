package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/quota"
)

const ctxSubject = "zerovisit.subject"

// authenticate requires a valid access token of one of the given kinds and
// puts its subject in the context. A token of another kind is refused as
// forbidden (a citizen's token does not open the console).
func (h *Handler) authenticate(kinds ...SubjectKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		raw, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || raw == "" || h.tokens == nil {
			h.fail(c, workflow.ErrUnauthorized)
			return
		}
		s, err := h.tokens.Verify(c.Request.Context(), raw)
		if err != nil {
			h.fail(c, err)
			return
		}
		if !slices.Contains(kinds, s.Kind) {
			h.fail(c, workflow.ErrForbidden)
			return
		}
		c.Set(ctxSubject, s)
		c.Next()
	}
}

// subjectOf is the authenticated caller; only valid behind authenticate.
func subjectOf(c *gin.Context) Subject {
	s, _ := c.Get(ctxSubject)
	sub, _ := s.(Subject)
	return sub
}

// rateLimit refuses a caller over limit with 429 and Retry-After. key picks
// what is limited (the client IP, the account, the mini program…); name
// keeps the limits of different endpoints apart. A limiter that cannot
// answer lets the request through: the limiter given to New falls back to a
// per-replica limit when Redis is down.
func (h *Handler) rateLimit(name string, limit quota.Limit, key func(*gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.limiter == nil {
			c.Next()
			return
		}
		res, err := h.limiter.Allow(c.Request.Context(), "rl:"+name+":"+key(c), limit)
		if err != nil {
			h.log.WarnContext(c.Request.Context(), "rate limiter unavailable", "limit", name, "err", err)
			c.Next()
			return
		}
		if !res.Allowed {
			secs := int(res.RetryAfter.Seconds() + 0.999)
			c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
			writeError(c, APIError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "请求过于频繁，请稍后再试"})
			return
		}
		c.Next()
	}
}

// byClientIP keys a rate limit on the caller's address (as the trusted
// proxies report it).
func byClientIP(c *gin.Context) string { return c.ClientIP() }
