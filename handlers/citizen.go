package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow/apply"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/payment"
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

	WeChat WeChatMiniProgram
	Alipay AlipayApp

	// The applicant's errands: drafts, uploads, submission and what
	// follows on the case (apply), fees (payment), the inbox, message
	// subscriptions and evaluations (feedback).
	Applications *apply.Service
	Payments     *payment.Service
	Messages     *feedback.Messages
	Evaluations  *feedback.Evaluations
	// Ratings are the published 好差评 figures.
	Ratings *feedback.PublicStats
	// WeChatPay and AlipayPay read the channels' payment notifications.
	WeChatPay WeChatPayer
	AlipayPay AlipayPayments
	// MaxUploadBytes bounds one uploaded file.
	MaxUploadBytes int64
}

// WeChatMiniProgram is the WeChat mini program's server API.
type WeChatMiniProgram interface {
	AppID() string
}

// AlipayApp is the Alipay mini program's app on the open platform.
type AlipayApp interface {
	AppID() string
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

// registerCitizen lists the routes for citizens (WeChat and Alipay mini
// programs). Each request spends one allowance: an anonymous one per
// client address, a signed-in one per account, in the bucket of its route
// (uploads and real-name checks have buckets of their own), so a call
// costs one round trip to the shared limiter besides the token check. The
// address is not limited once signed in (many phones share one address
// behind a carrier's NAT), but a refused token spends the address's
// allowance, so made-up tokens cannot be sent without limit.
func (h *Handler) registerCitizen(r gin.IRouter) {
	pub := r.Group("/api/v1/citizen", h.citizenEnabled)
	anon := pub.Group("", h.rateLimit("citizen-ip", citizenPerIP, byClientIP))
	login := pub.Group("", h.rateLimit("citizen-login", citizenLoginPerIP, byClientIP))
	signedIn := pub.Group("", h.authenticateOrLimit("citizen-ip", citizenPerIP, session.SubjectCitizen))
	me := h.citizenBucket(signedIn, "citizen-account", citizenPerAccount)
	h.registerCitizenAccount(anon, login, me, signedIn)
	h.registerCitizenCases(anon, me, signedIn)

	r.POST("/api/v1/payments/wechat/notify", h.citizenEnabled, h.wechatPayNotify)
	r.POST("/api/v1/payments/alipay/notify", h.citizenEnabled, h.alipayNotify)
}

// citizenBucket is the signed-in routes that spend their allowance under
// name and limit, with the caller loaded.
func (h *Handler) citizenBucket(signedIn gin.IRouter, name string, limit quota.Limit) gin.IRouter {
	return signedIn.Group("", h.rateLimit(name, limit, citizenBySubject), h.citizenLoad)
}

// registerCitizenAccount lists the routes of the citizen themselves: login,
// profile, real name, phone, link codes, businesses, addresses and the
// catalogue with its pre-fill.
func (h *Handler) registerCitizenAccount(anon, login, me, signedIn gin.IRouter) {
	login.POST("/login/wechat", h.citizenLoginWeChat)
	login.POST("/login/alipay", h.citizenLoginAlipay)
	login.POST("/token/refresh", h.citizenRefresh)

	anon.GET("/items", h.citizenItems)
	anon.GET("/items/:code", h.citizenItem)

	me.POST("/logout", h.citizenLogout)
	me.GET("/me", h.citizenMe)
	realName := h.citizenBucket(signedIn, "citizen-realname", citizenRealNamePerAccount)
	realName.POST("/me/identity", h.citizenBindIdentity)
	realName.POST("/me/identity/face-checks", h.citizenStartFaceCheck)
	me.POST("/me/identity/face-checks/:id/result", h.citizenFinishFaceCheck)
	realName.POST("/me/identity/counter-code", h.citizenIssueCounterCode)
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
func (h *Handler) registerCitizenCases(anon, me, signedIn gin.IRouter) {
	anon.GET("/evaluation-indicators", h.citizenIndicators)

	me.POST("/drafts", h.citizenCreateDraft)
	me.GET("/cases", h.citizenCases)
	me.GET("/cases/:id", h.citizenCase)
	me.GET("/cases/:id/application", h.citizenApplication)
	h.citizenBucket(signedIn, "citizen-upload", citizenUploadPerClient).POST("/cases/:id/uploads", h.citizenUpload)
	me.PUT("/cases/:id/commitment", h.citizenSign)
	me.PUT("/cases/:id/promises", h.citizenPromise)
	me.PUT("/cases/:id/delivery", h.citizenDelivery)
	me.POST("/cases/:id/submit", h.citizenSubmit)
	me.GET("/cases/:id/timeline", h.citizenTimeline)
	me.POST("/cases/:id/supplement", h.citizenSupplement)
	me.POST("/cases/:id/materials/:code", h.citizenProvideMaterial)
	me.POST("/cases/:id/statements", h.citizenStateCase)
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
	if h.citizen.People == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "citizen_channel_disabled", Message: "群众办事渠道未开通"})
		return
	}
	c.Next()
}

// citizenBySubject keys a rate limit on the authenticated caller.
func citizenBySubject(c *gin.Context) string { return subjectOf(c).Key() }
