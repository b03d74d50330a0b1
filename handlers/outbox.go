package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// maxRedrive bounds one redrive request.
const maxRedrive = 100

// requireAdmin guards the operator API with the configured bearer token.
func (h *Handler) requireAdmin(c *gin.Context) {
	h.requireBearer(c, h.adminToken, APIError{Status: http.StatusUnauthorized, Code: "admin_disabled", Message: "运维接口未启用"})
}

// requireMetricsToken lets through only requests bearing the metrics token:
// the series name routes, parties and queue sizes, not for the public.
func (h *Handler) requireMetricsToken(c *gin.Context) {
	h.requireBearer(c, h.metricsToken, APIError{Status: http.StatusUnauthorized, Code: "metrics_disabled", Message: "指标接口未启用"})
}

// requireBearer lets through requests bearing want, compared in constant
// time; while want is unset every request gets disabled.
func (h *Handler) requireBearer(c *gin.Context, want string, disabled APIError) {
	if want == "" {
		writeError(c, disabled)
		return
	}
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		h.fail(c, workflow.ErrUnauthorized)
		return
	}
	c.Next()
}

// outboxEntryView is an outbox entry as operators see it; the payload stays
// out, since it may carry personal data.
type outboxEntryView struct {
	ID        int64                `json:"id"`
	CaseID    string               `json:"case_id"`
	Kind      workflow.EffectKind  `json:"kind"`
	State     workflow.OutboxState `json:"state"`
	Attempts  int                  `json:"attempts"`
	NextAt    time.Time            `json:"next_at"`
	LastError string               `json:"last_error,omitempty"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
}

// listOutbox pages through outbox entries in one state, newest first.
func (h *Handler) listOutbox(c *gin.Context) {
	state := workflow.OutboxState(c.DefaultQuery("state", string(workflow.OutboxDead)))
	switch state {
	case workflow.OutboxPending, workflow.OutboxDone, workflow.OutboxDead:
	default:
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "state 须为 pending、done 或 dead", map[string]string{"field": "state"}})
		return
	}
	p, err := readPage(c, 50, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	before, err := p.idKey()
	if err != nil {
		h.fail(c, err)
		return
	}
	entries, err := h.outbox.List(c.Request.Context(), state, before, p.Limit+1)
	if err != nil {
		h.fail(c, err)
		return
	}
	next := ""
	if len(entries) > p.Limit {
		entries = entries[:p.Limit]
		next = idCursor(entries[p.Limit-1].ID)
	}
	items := make([]outboxEntryView, len(entries))
	for i, e := range entries {
		items[i] = outboxEntryView{e.ID, e.CaseID, e.Kind, e.State, e.Attempts, e.NextAt, e.LastError, e.CreatedAt, e.UpdatedAt}
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, next))
}

type redriveRequest struct {
	IDs []int64 `json:"ids"`
}

// redriveOutbox makes dead entries pending again, for after the party they
// were for has been mended.
func (h *Handler) redriveOutbox(c *gin.Context) {
	var req redriveRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxRedrive {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "ids 须包含 1 至 100 个编号", map[string]string{"field": "ids"}})
		return
	}
	redriven, notFound, notDead := []int64{}, []int64{}, []int64{}
	for _, id := range req.IDs {
		err := h.outbox.Redrive(c.Request.Context(), id, time.Now())
		switch {
		case err == nil:
			redriven = append(redriven, id)
		case isNotFound(err):
			notFound = append(notFound, id)
		case errors.Is(err, workflow.ErrConflict):
			// Pending or done: there is nothing to re-drive.
			notDead = append(notDead, id)
		default:
			h.fail(c, err)
			return
		}
	}
	h.log.InfoContext(c.Request.Context(), "outbox entries redriven", "request_id", requestID(c), "ids", redriven)
	c.JSON(http.StatusOK, gin.H{"redriven": redriven, "not_found": notFound, "not_dead": notDead})
}
