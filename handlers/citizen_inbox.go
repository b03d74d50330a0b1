package handlers

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
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
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	before, err := queryInt(c, "before_id", 0, 0, 1<<62)
	if err != nil {
		h.fail(c, err)
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	ms, err := h.citizen.Inbox.List(ctx, ps, int64(before), limit, c.Query("unread") == "true")
	if err != nil {
		h.fail(c, err)
		return
	}
	unread, err := h.citizen.Inbox.Unread(ctx, ps)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenInboxItem, 0, len(ms))
	for _, m := range ms {
		items = append(items, citizenInboxItem{ID: m.ID, CaseID: m.CaseID, Template: m.Template, Title: m.Title, Body: m.Body,
			CreatedAt: m.CreatedAt, ReadAt: tptr(m.ReadAt)})
	}
	resp := gin.H{"items": items, "unread": unread}
	if len(ms) == limit {
		resp["next_before_id"] = ms[len(ms)-1].ID
	}
	c.JSON(http.StatusOK, resp)
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
	if len(req.IDs) > 200 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "too_many_ids", "一次最多标记 200 条", nil})
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	n, err := h.citizen.Inbox.MarkRead(ctx, ps, req.IDs)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
}

type citizenSubscriptionView struct {
	TemplateID string   `json:"template_id"`
	Events     []string `json:"events"`
	Remaining  int      `json:"remaining"`
}

// channelTemplates groups the events of the caller's channel by template.
func (h *Handler) channelTemplates(ch workflow.Channel) map[string][]string {
	m := h.citizen.WeChatTemplates
	if ch == workflow.ChannelAlipay {
		m = h.citizen.AlipayTemplates
	}
	out := map[string][]string{}
	for ev, tpl := range m {
		out[tpl] = append(out[tpl], ev)
	}
	return out
}

// citizenSubscriptions lists the message templates of the caller's channel
// with the events each carries and the one-time consents left.
func (h *Handler) citizenSubscriptions(c *gin.Context) { h.handleSubscriptions(c) }

func (h *Handler) handleSubscriptions(c *gin.Context) {
	ctx := c.Request.Context()
	cc := mustCaller(c)
	left, err := h.citizen.Inbox.Consents(ctx, cc.Account.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := []citizenSubscriptionView{}
	for tpl, evs := range h.channelTemplates(cc.Account.Channel) {
		sort.Strings(evs)
		items = append(items, citizenSubscriptionView{TemplateID: tpl, Events: evs, Remaining: left[tpl]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].TemplateID < items[j].TemplateID })
	c.JSON(http.StatusOK, gin.H{"channel": cc.Account.Channel, "items": items})
}

type citizenSubscribeRequest struct {
	TemplateIDs []string `json:"template_ids"`
}

// citizenSubscribe records the one-time consents the user just gave in
// the mini program (each accepted template allows one message).
func (h *Handler) citizenSubscribe(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenSubscribeRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	known := h.channelTemplates(cc.Account.Channel)
	if len(req.TemplateIDs) == 0 || len(req.TemplateIDs) > 3 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_templates", "一次可订阅 1 至 3 个消息模板", nil})
		return
	}
	for i, t := range req.TemplateIDs {
		if _, ok := known[t]; !ok {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "unknown_template", "消息模板不存在", map[string]string{"field": "template_ids[" + strconv.Itoa(i) + "]"}})
			return
		}
	}
	if err := h.citizen.Inbox.GrantConsents(ctx, cc.Account.ID, req.TemplateIDs); err != nil {
		h.fail(c, err)
		return
	}
	h.handleSubscriptions(c)
}
