package handlers

import (
	"context"
	"io"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/files"
	"zerovisit/workflow/parcel"
	"zerovisit/workflow/quota"
)

// CourierDeps are what the endpoints for couriers (the mobile page) and
// the courier companies' route pushes need. A zero CourierDeps registers
// the routes, which then answer 503 courier_desk_disabled.
type CourierDeps struct {
	// Desk runs the courier legs.
	Desk CourierDesk
	// Blobs keeps the photos couriers take at the door.
	Blobs files.Store
	// Page holds the files of the couriers' mobile page (index.html …).
	Page fs.FS
	// MaxPhotoBytes bounds one photo (the request body limit applies too:
	// the page shrinks photos before sending them).
	MaxPhotoBytes int64
}

// CourierDesk is the part of the courier desk (*desk.Service) the
// endpoints use.
type CourierDesk interface {
	Authenticate(ctx context.Context, phone, password string) (string, error)
	LoginKey(phone string) string
	CourierActive(ctx context.Context, id string) (bool, error)
	ActiveCourier(ctx context.Context, id string) (desk.Courier, error)
	CourierLegs(ctx context.Context, courierID, after string, limit int) ([]desk.LegView, string, error)
	CourierLeg(ctx context.Context, courierID, legID string) (desk.LegView, error)
	LegContact(ctx context.Context, courierID, legID string) (desk.LegContact, error)
	Scan(ctx context.Context, who desk.Courier, req desk.ScanRequest) (desk.ScanResult, error)
	AddPhoto(ctx context.Context, courierID, legID string, photo io.Reader, maxBytes int64) (desk.Photo, error)
	Push(ctx context.Context, provider string, header map[string][]string, body []byte) (parcel.Push, error)
}

// Rate limits of the courier endpoints.
var (
	courierLoginPerIP    = quota.PerMinute(20)
	courierLoginPerPhone = quota.PerHour(30)
	courierPushPerIP     = quota.PerMinute(1200)
)

// registerCourier lists the routes for couriers (the mobile page) and for
// the courier companies' route pushes.
func (h *Handler) registerCourier(r gin.IRouter) {
	r.GET("/courier/", h.courierPage)
	r.GET("/courier/:file", h.courierPage)

	r.POST("/api/v1/callbacks/courier/:provider", h.courierEnabled, h.rateLimit("courier-push", courierPushPerIP, byClientIP), h.courierPush)

	g := r.Group("/api/v1/courier", h.courierEnabled)
	g.POST("/session", h.rateLimit("courier-login", courierLoginPerIP, byClientIP), h.courierLogin)
	g.POST("/session/refresh", h.rateLimit("courier-refresh", courierLoginPerIP, byClientIP), h.courierRefresh)

	auth := g.Group("", h.authenticate(session.SubjectCourier), h.courierActive)
	auth.DELETE("/session", h.courierLogout)
	auth.GET("/legs", h.courierLegs)
	auth.GET("/legs/:id", h.courierLeg)
	auth.POST("/legs/:id/photos", h.courierPhoto)
	auth.GET("/legs/:id/contact", h.courierLegContact)
	auth.POST("/scans", h.courierScan)
}

// courierEnabled answers 503 while no courier desk is configured.
func (h *Handler) courierEnabled(c *gin.Context) {
	if h.courier.Desk == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "courier_desk_disabled", Message: "快递寄递服务未启用"})
		return
	}
	c.Next()
}

const ctxCourier = "zerovisit.courier"

// courierActive refuses a courier whose account was disabled since the
// token was issued, and keeps the account for the request.
func (h *Handler) courierActive(c *gin.Context) {
	who, err := h.courier.Desk.ActiveCourier(c.Request.Context(), subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Set(ctxCourier, who)
	c.Next()
}

// mustCourier is the account courierActive read; only valid behind it.
func mustCourier(c *gin.Context) desk.Courier {
	v, _ := c.Get(ctxCourier)
	who, _ := v.(desk.Courier)
	return who
}

// handleCourierError writes the desk's and the providers' refusals through
// h.fail, logging why a route push was refused.
func (h *Handler) handleCourierError(c *gin.Context, err error) {
	if r, ok := workflow.AsRefusal(err); ok && r.Cause != nil {
		h.log.WarnContext(c.Request.Context(), "courier request refused", "request_id", requestID(c), "code", r.Code, "reason", r.Cause.Error())
	}
	h.fail(c, err)
}
