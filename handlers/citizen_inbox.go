package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type citizenInboxItem struct {
	ID        int64      `json:"id"`
	CaseID    string     `json:"case_id,omitempty"`
	Template  string     `json:"template"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// citizenInbox pages through the caller's messages, newest first.
func (h *Handler) citizenInbox(c *gin.Context) {
	ctx := c.Request.Context()
	p, err := readPage(c, 20, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	before, err := p.idKey()
	if err != nil {
		h.fail(c, err)
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	page, err := h.citizen.Messages.Inbox(ctx, ps, before, p.Limit, c.Query("unread") == "true")
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenInboxItem, 0, len(page.Messages))
	for _, m := range page.Messages {
		items = append(items, citizenInboxItem{ID: m.ID, CaseID: m.CaseID, Template: m.Template, Title: m.Title, Body: m.Body,
			CreatedAt: m.CreatedAt, ReadAt: tptr(m.ReadAt)})
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items, "unread": page.Unread}, idCursor(page.NextBefore)))
}

type citizenReadRequest struct {
	IDs []int64 `json:"ids"`
}

// citizenInboxRead marks messages read (all of them when ids is empty).
func (h *Handler) citizenInboxRead(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenReadRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	n, err := h.citizen.Messages.MarkRead(ctx, ps, req.IDs)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
}

// citizenSubscriptions lists the message templates of the caller's channel
// with the events each carries and the one-time consents left.
func (h *Handler) citizenSubscriptions(c *gin.Context) { h.handleSubscriptions(c) }

func (h *Handler) handleSubscriptions(c *gin.Context) {
	cc := mustCaller(c)
	items, err := h.citizen.Messages.Subscriptions(c.Request.Context(), cc.Account)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"channel": cc.Account.Channel, "items": items})
}

type citizenSubscribeRequest struct {
	TemplateIDs []string `json:"template_ids"`
}

// citizenSubscribe records the one-time consents the user just gave in
// the mini program (each accepted template allows one message).
func (h *Handler) citizenSubscribe(c *gin.Context) {
	var req citizenSubscribeRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.citizen.Messages.Subscribe(c.Request.Context(), mustCaller(c).Account, req.TemplateIDs); err != nil {
		h.fail(c, err)
		return
	}
	h.handleSubscriptions(c)
}
