package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"
	"zerovisit/handlers/telemetry"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

const (
	headerRequestID = "X-Request-ID"
	ctxRequestID    = "zerovisit.request_id"
)

// validRequestID accepts the IDs a load balancer or client may send; anything
// else is replaced so logs cannot be injected through the header.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

type requestIDKey struct{}

// RequestID is the ID of the request ctx serves, or "" outside a request:
// the layers below the handlers get only the request's context, and name
// the request by it in their logs and measurements.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an ID, echoed in the response and in every log line.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerRequestID)
		if !validRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		c.Set(ctxRequestID, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Header(headerRequestID, id)
		c.Next()
	}
}

// withAccessLog writes one structured line per request. It logs the route
// template, never the path or query, which may carry personal data.
func withAccessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(c.Request.Context(), level, "http request",
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("latency", time.Since(start)),
		)
	}
}

// withRecovery turns a panic into the structured 500 and logs the stack.
func withRecovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				log.ErrorContext(c.Request.Context(), "panic in handler",
					"request_id", requestID(c), "route", routeOf(c),
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				writeError(c, errInternal)
			}
		}()
		c.Next()
	}
}

// withBodyLimit refuses bodies over limit: at once when Content-Length says
// so, and while reading otherwise.
func withBodyLimit(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			writeError(c, *errTooLarge(limit))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// withMetrics counts requests and observes latency by route template and status.
func withMetrics(m *telemetry.Metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := routeOf(c)
		m.ObserveRequest(c.Request.Method, route, c.Writer.Status(), time.Since(start))
	}
}

// routeOf is the route template, or a fixed label for unmatched paths so
// that scanners cannot blow up metric cardinality.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
