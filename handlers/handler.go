// Package handlers is the HTTP face of zerovisit: routing, middleware, the
// error shape, and the endpoints for citizens, clerks, couriers and operators.
package handlers

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/openapi"
	"zerovisit/handlers/session"
	"zerovisit/handlers/telemetry"
	"zerovisit/workflow"
	"zerovisit/workflow/quota"
)

// Options are the dependencies and settings of the HTTP layer.
type Options struct {
	Log     *slog.Logger
	Metrics *telemetry.Metrics
	// Checks are the readiness checks by name (database, redis …).
	Checks map[string]Check
	// Version is reported by /healthz.
	Version string
	// MaxBodyBytes bounds every request body.
	MaxBodyBytes int64
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []string
	// Service runs the case workflow.
	Service *workflow.Service
	// Outbox is the effect queue operators inspect and re-drive.
	Outbox workflow.Outbox
	// AdminToken guards the operator API; empty disables it.
	AdminToken string
	// MetricsToken guards /metrics; empty disables it.
	MetricsToken string
	// Tokens issues and checks the tokens of citizens, staff and couriers.
	Tokens *session.Tokens
	// Limiter enforces rate limits (shared through Redis across replicas).
	Limiter quota.Limiter
	// DepartmentCallback takes decisions from department systems.
	DepartmentCallback DepartmentCallback

	// Each area's dependencies; see citizen.go, staff.go and courier.go.
	Citizen CitizenDeps
	Staff   StaffDeps
	Courier CourierDeps
}

// Handler holds what the endpoints need. Build it with New.
type Handler struct {
	log     *slog.Logger
	metrics *telemetry.Metrics
	checks  map[string]Check
	version string
	maxBody int64

	trustedProxies []string
	openapi        []byte

	svc        *workflow.Service
	outbox     workflow.Outbox
	adminToken string
	// metricsToken guards /metrics; empty answers it to nobody.
	metricsToken string

	deptCallback DepartmentCallback
	tokens       *session.Tokens
	limiter      quota.Limiter

	citizen CitizenDeps
	staff   StaffDeps
	courier CourierDeps
}

// New builds the handler set. It fails only if the embedded API document is broken.
func New(opts Options) (*Handler, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	if opts.Metrics == nil {
		opts.Metrics = telemetry.NewMetrics()
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		log:     opts.Log,
		metrics: opts.Metrics,
		checks:  opts.Checks,
		version: opts.Version,
		maxBody: opts.MaxBodyBytes,

		trustedProxies: opts.TrustedProxies,
		openapi:        doc,

		svc:        opts.Service,
		outbox:     opts.Outbox,
		adminToken: opts.AdminToken,

		metricsToken: opts.MetricsToken,

		deptCallback: opts.DepartmentCallback,
		tokens:       opts.Tokens,
		limiter:      opts.Limiter,

		citizen: opts.Citizen,
		staff:   opts.Staff,
		courier: opts.Courier,
	}, nil
}

// Router returns a gin engine in release mode with the middleware chain and
// every route registered.
func (h *Handler) Router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(h.trustedProxies); err != nil {
		h.log.Error("trusted proxies refused; trusting none", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(withRequestID(), withRecovery(h.log), withAccessLog(h.log), withMetrics(h.metrics), h.bodyLimit())
	r.NoRoute(func(c *gin.Context) {
		writeError(c, APIError{Status: http.StatusNotFound, Code: "route_not_found", Message: "请求的接口不存在"})
	})
	r.NoMethod(func(c *gin.Context) {
		writeError(c, APIError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "接口不支持该请求方法"})
	})
	h.Register(r)
	return r
}

// Register lists every route of the service in one place. The OpenAPI
// document describes the same set; a test keeps the two in step.
func (h *Handler) Register(r gin.IRouter) {
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.GET("/metrics", h.requireMetricsToken, gin.WrapH(h.metrics.Handler()))
	r.GET("/openapi.json", h.openAPI)

	admin := r.Group("/api/v1/admin", h.requireAdmin)
	admin.GET("/outbox", h.listOutbox)
	admin.POST("/outbox/redrive", h.redriveOutbox)
	admin.GET("/cases/:id", h.adminCase)
	admin.GET("/cases/:id/events", h.adminCaseEvents)

	r.POST("/api/v1/callbacks/department", h.departmentCallback)

	h.registerCitizen(r)
	h.registerEvaluationPublic(r)
	h.registerStaff(r)
	h.registerCourier(r)
}
