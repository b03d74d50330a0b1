package handlers

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/workcal"
)

// Check reports whether one dependency is usable.
type Check func(ctx context.Context) error

// healthz answers as long as the process serves HTTP: liveness only.
func (h *Handler) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": h.version})
}

// readyz checks every dependency at once, each bounded by a short timeout,
// and answers 503 naming the ones that fail, so a load balancer stops
// sending traffic to a replica that cannot serve it.
func (h *Handler) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()

	names := make([]string, 0, len(h.checks))
	for name := range h.checks {
		names = append(names, name)
	}
	sort.Strings(names)
	results := make(map[string]string, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			status := "ok"
			if err := h.checks[name](ctx); err != nil {
				status = "down"
				h.log.WarnContext(ctx, "readiness check failed", "check", name, "err", err)
			}
			mu.Lock()
			results[name] = status
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, name := range names {
		if results[name] != "ok" {
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{
				"error":  errorPayload{Code: "not_ready", Message: "服务暂未就绪", RequestID: requestID(c), Detail: results},
				"checks": results,
			})
			return
		}
	}
	body := gin.H{"status": "ok", "checks": results}
	if h.staff.Calendar != nil { // a warning, never a failure: the server still counts
		if gaps := h.staff.Calendar.Gaps(); len(gaps) > 0 {
			body["warnings"] = gin.H{"calendar": workcal.Warning(gaps)}
			body["calendar_gaps"] = gaps
		}
	}
	c.JSON(http.StatusOK, body)
}
