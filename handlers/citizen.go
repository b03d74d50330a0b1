package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/credit"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/files"
	"zerovisit/workflow/quota"
)

// CitizenDeps are what the endpoints for citizens (WeChat and Alipay mini
// programs) need. A zero CitizenDeps registers the routes, which then
// answer 503 citizen_channel_disabled.
type CitizenDeps struct {
	// People are the citizens as people and businesses: login, real
	// names, phone numbers, link codes, businesses and their agents,
	// address books and the pre-fill of held materials.
	People *citizen.Service

	Citizens    *models.Citizens
	Payments    *models.Payments
	Inbox       *models.Inbox
	Evaluations *models.Evaluations
	Cases       CitizenCases
	Blobs       files.Store

	WeChat    WeChatMiniProgram
	WeChatPay WeChatPayer
	Alipay    AlipayApp
	Licences  LicenceLibrary
	Credit    CreditLibrary

	// WeChatTemplates and AlipayTemplates map workflow notification
	// templates (workflow.Tpl*) to the channel's message template ids.
	WeChatTemplates map[string]string
	AlipayTemplates map[string]string
	// InviteAfter is how long after completion an unevaluated case's
	// applicant is invited to evaluate it (three days when zero).
	InviteAfter time.Duration
	// Log receives what the notifier and the payment callbacks report.
	Log *slog.Logger
	// PublicURL returns this service's base URL as payment channels reach
	// it (for notify URLs).
	PublicURL func() string
	// MaxUploadBytes bounds one uploaded file.
	MaxUploadBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// CitizenCases is the part of the case store the citizen endpoints read.
type CitizenCases interface {
	CasesOfApplicants(ctx context.Context, applicants []string, status workflow.Status, after string, limit int) (models.CasePage, error)
	NextCaseNumber(ctx context.Context, at time.Time) (string, error)
	// Idempotency is the stored answer to an Idempotency-Key, or workflow.ErrNotFound.
	Idempotency(ctx context.Context, scope, key string) (workflow.Idempotency, error)
}

// WeChatMiniProgram is the WeChat mini program's server API.
type WeChatMiniProgram interface {
	AppID() string
	Send(ctx context.Context, m wechat.Message) error
}

// WeChatPayer is WeChat Pay.
type WeChatPayer interface {
	Prepay(ctx context.Context, o wechat.Order) (wechat.PaymentParams, error)
	ParseNotification(ctx context.Context, r *http.Request) (wechat.Notification, error)
	Refund(ctx context.Context, r wechat.Refund) (string, error)
}

// AlipayApp is the Alipay mini program's app on the open platform.
type AlipayApp interface {
	AppID() string
	CreateTrade(ctx context.Context, t alipay.Trade) (string, error)
	DecodeNotification(ctx context.Context, form url.Values) (alipay.Notification, error)
	Refund(ctx context.Context, r alipay.Refund) error
	SendMessage(ctx context.Context, m alipay.Message) error
}

// LicenceLibrary is the e-license library.
type LicenceLibrary interface {
	Licences(ctx context.Context, holderID, licenceType string) ([]elicense.Licence, error)
	File(ctx context.Context, licenceID string) ([]byte, error)
}

// CreditLibrary is the credit library.
type CreditLibrary interface {
	Status(ctx context.Context, subjectID string) (credit.Standing, error)
}

// Rate limits of the citizen channel.
var (
	citizenLoginPerIP      = quota.PerMinute(30)
	citizenPerAccount      = quota.PerMinute(240)
	citizenPerIP           = quota.PerMinute(1200)
	citizenUploadPerClient = quota.PerMinute(30)
	// Real-name checks are few per person; a low limit stops using the
	// endpoint to test ID numbers against names.
	citizenRealNamePerAccount = quota.PerHour(10)
)

// registerCitizen lists the routes for citizens (WeChat and Alipay mini programs).
func (h *Handler) registerCitizen(r gin.IRouter) {
	pub := r.Group("/api/v1/citizen", h.citizenEnabled, h.rateLimit("citizen-ip", citizenPerIP, byClientIP))
	me := pub.Group("", h.authenticate(SubjectCitizen), h.rateLimit("citizen-account", citizenPerAccount, citizenBySubject), h.citizenLoad)
	h.registerCitizenAccount(pub, me)
	h.registerCitizenCases(pub, me)

	r.POST("/api/v1/payments/wechat/notify", h.citizenEnabled, h.wechatPayNotify)
	r.POST("/api/v1/payments/alipay/notify", h.citizenEnabled, h.alipayNotify)
}

// registerCitizenAccount lists the routes of the citizen themselves: login,
// profile, real name, phone, link codes, businesses, addresses and the
// catalogue with its pre-fill.
func (h *Handler) registerCitizenAccount(pub, me gin.IRouter) {
	login := pub.Group("", h.rateLimit("citizen-login", citizenLoginPerIP, byClientIP))
	login.POST("/login/wechat", h.citizenLoginWeChat)
	login.POST("/login/alipay", h.citizenLoginAlipay)
	login.POST("/token/refresh", h.citizenRefresh)

	pub.GET("/items", h.citizenItems)
	pub.GET("/items/:code", h.citizenItem)

	me.POST("/logout", h.citizenLogout)
	me.GET("/me", h.citizenMe)
	me.POST("/me/identity", h.rateLimit("citizen-realname", citizenRealNamePerAccount, citizenBySubject), h.citizenBindIdentity)
	me.POST("/me/phone", h.citizenBindPhone)
	me.POST("/me/link-code", h.citizenIssueLinkCode)
	me.GET("/businesses", h.citizenBusinesses)
	me.POST("/businesses", h.citizenBindBusiness)
	me.POST("/businesses/:id/agents", h.citizenGrantAgent)
	me.DELETE("/businesses/:id/agents/:person", h.citizenRevokeAgent)
	me.GET("/items/:code/prefill", h.citizenPrefill)

	me.GET("/addresses", h.citizenAddresses)
	me.POST("/addresses", h.citizenAddAddress)
	me.DELETE("/addresses/:id", h.citizenDeleteAddress)
}

// registerCitizenCases lists the routes of the citizen's applications and
// cases: drafts, uploads, submission, payments, evaluations and the inbox.
func (h *Handler) registerCitizenCases(pub, me gin.IRouter) {
	pub.GET("/evaluation-indicators", h.citizenIndicators)

	me.POST("/drafts", h.citizenCreateDraft)
	me.GET("/cases", h.citizenCases)
	me.GET("/cases/:id", h.citizenCase)
	me.GET("/cases/:id/application", h.citizenApplication)
	me.POST("/cases/:id/uploads", h.rateLimit("citizen-upload", citizenUploadPerClient, citizenBySubject), h.citizenUpload)
	me.PUT("/cases/:id/commitment", h.citizenSign)
	me.PUT("/cases/:id/promises", h.citizenPromise)
	me.PUT("/cases/:id/delivery", h.citizenDelivery)
	me.POST("/cases/:id/submit", h.citizenSubmit)
	me.GET("/cases/:id/timeline", h.citizenTimeline)
	me.POST("/cases/:id/supplement", h.citizenSupplement)
	me.POST("/cases/:id/materials/:code", h.citizenProvideMaterial)
	me.POST("/cases/:id/withdraw", h.citizenWithdraw)
	me.GET("/cases/:id/licences", h.citizenLicences)
	me.GET("/cases/:id/licences/:licence/file", h.citizenLicenceFile)
	me.POST("/cases/:id/payments", h.citizenPay)
	me.GET("/cases/:id/payments", h.citizenPayments)
	me.POST("/cases/:id/evaluation", h.citizenEvaluate)
	me.GET("/cases/:id/evaluation", h.citizenEvaluation)

	me.GET("/inbox", h.citizenInbox)
	me.POST("/inbox/read", h.citizenInboxRead)
	me.GET("/subscriptions", h.citizenSubscriptions)
	me.POST("/subscriptions", h.citizenSubscribe)
}

// citizenEnabled answers 503 when the citizen channel is not configured.
func (h *Handler) citizenEnabled(c *gin.Context) {
	if h.citizen.People == nil || h.citizen.Citizens == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "citizen_channel_disabled", Message: "群众办事渠道未开通"})
		return
	}
	c.Next()
}

// citizenBySubject keys a rate limit on the authenticated caller.
func citizenBySubject(c *gin.Context) string { return subjectOf(c).Key() }

func (h *Handler) citizenNow() time.Time {
	if h.citizen.Now != nil {
		return h.citizen.Now()
	}
	return time.Now()
}
