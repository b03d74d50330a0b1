package handlers

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// linkCodeTTL is how long a link code stays usable.
const linkCodeTTL = 10 * time.Minute

// linkCodeDigits is the length of a link code; with the real-name rate
// limit on binding, guessing a live one is out of reach.
const linkCodeDigits = 8

func linkCodeKey(code string) string { return "citizen-link:" + code }

// citizenIssueLinkCode gives a verified citizen a short-lived code to enter
// on another channel's account (Alipay after WeChat, say), proving that the
// person binding the same identity there controls this account too. A name
// and an ID number alone are not enough to join an existing citizen: they
// leak too easily.
func (h *Handler) citizenIssueLinkCode(c *gin.Context) {
	ctx := c.Request.Context()
	cc := mustCaller(c)
	if !cc.Citizen.Verified() {
		h.fail(c, &APIError{http.StatusConflict, "not_verified", "请先完成实名认证", nil})
		return
	}
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		h.fail(c, fmt.Errorf("link code: %w", err))
		return
	}
	code := fmt.Sprintf("%0*d", linkCodeDigits, n.Int64())
	if err := h.citizen.Links.Set(ctx, linkCodeKey(code), []byte(cc.Citizen.ID), linkCodeTTL); err != nil {
		h.fail(c, fmt.Errorf("%w: store link code: %w", workflow.ErrUnavailable, err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"link_code": code, "expires_in": int(linkCodeTTL.Seconds())})
}

// citizenLinkTarget is the citizen a link code was issued by.
func (h *Handler) citizenLinkTarget(ctx context.Context, code string) (string, error) {
	invalid := &APIError{http.StatusUnprocessableEntity, "invalid_link_code", "关联码无效或已过期，请在原账号重新获取", nil}
	if len(code) != linkCodeDigits {
		return "", invalid
	}
	v, ok, err := h.citizen.Links.Get(ctx, linkCodeKey(code))
	if err != nil {
		return "", fmt.Errorf("%w: read link code: %w", workflow.ErrUnavailable, err)
	}
	if !ok {
		return "", invalid
	}
	return string(v), nil
}

// citizenSpendLinkCode makes a used code unusable.
func (h *Handler) citizenSpendLinkCode(ctx context.Context, code string) {
	if err := h.citizen.Links.Delete(ctx, linkCodeKey(code)); err != nil {
		h.log.WarnContext(ctx, "spend link code", "err", err)
	}
}
