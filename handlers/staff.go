package handlers

import (
	"io/fs"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/quota"
	"zerovisit/workflow/staff"
	"zerovisit/workflow/workcal"
)

// StaffDeps are what the endpoints for clerks, supervisors and
// administrators (the web console) need. A zero StaffDeps registers the
// routes, which then answer 503 staff_area_disabled.
type StaffDeps struct {
	// Service holds the staff area's rules.
	Service *staff.Service
	// Departments are the approving departments (code and name).
	Departments []workflow.Department
	// Followups are the bad-rating follow-ups supervisors resolve.
	Followups Followups
	// Blobs keeps scans made at the counter.
	Blobs files.Store
	// Console is the web console's files, served under /console/.
	Console fs.FS
	// MaxScanBytes bounds one scan (the request body limit applies too).
	MaxScanBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Calendar is the working-day calendar in operation (gaps, loads).
	Calendar *workcal.Service
}

// Limits of the staff endpoints.
var (
	staffLoginLimit = quota.Limit{Rate: 10, Period: time.Minute, Burst: 10}
	staffScanLimit  = quota.PerMinute(120)
	// staffIdentityCheckLimit bounds a clerk's checks of ID cards for
	// online accounts: a few a minute at a busy counter, no code guessing.
	staffIdentityCheckLimit = quota.PerMinute(10)
)

// staffGuards are the role checks of the staff routes.
type staffGuards struct {
	handle, read, supervise, clerk, admin gin.HandlerFunc
}

// registerStaff lists the routes for clerks, supervisors and administrators (the web console).
func (h *Handler) registerStaff(r gin.IRouter) {
	r.GET("/console/*filepath", h.console)

	pub := r.Group("/api/v1/staff", h.staffEnabled)
	pub.POST("/login", h.rateLimit("staff_login", staffLoginLimit, byClientIP), h.staffLogin)
	pub.POST("/refresh", h.rateLimit("staff_login", staffLoginLimit, byClientIP), h.staffRefresh)

	g := pub.Group("", h.authenticate(session.SubjectStaff))
	g.POST("/logout", h.staffLogout)
	g.GET("/me", h.staffMe)
	g.GET("/reference", h.staffReference)
	g.GET("/colleagues", h.staffColleagues)

	guard := staffGuards{
		handle:    h.staffRoles(staff.RoleClerk, staff.RoleReviewer),
		read:      h.staffRoles(staff.RoleClerk, staff.RoleReviewer, staff.RoleSupervisor, staff.RoleAdministrator),
		supervise: h.staffRoles(staff.RoleSupervisor, staff.RoleAdministrator),
		clerk:     h.staffRoles(staff.RoleClerk),
		admin:     h.staffRoles(staff.RoleAdministrator),
	}
	h.registerStaffQueues(g, guard)
	h.registerStaffCases(g.Group("/cases/:id"), guard)
	h.registerStaffOversight(g, guard)
	h.registerStaffCalendar(g, guard)
}

// registerStaffQueues lists the queues and the counter's routes.
func (h *Handler) registerStaffQueues(g *gin.RouterGroup, guard staffGuards) {
	g.GET("/queue", guard.read, h.staffQueue)
	g.POST("/queue/claim-next", guard.handle, h.staffClaimNext)
	g.GET("/verifications", guard.read, h.staffVerifications)
	g.GET("/search", guard.read, h.staffSearch)
	g.POST("/scans", guard.clerk, h.rateLimit("staff_scan", staffScanLimit, bySubject), h.staffScan)
	g.POST("/intake", guard.clerk, h.staffIntake)
	g.POST("/identity-checks", guard.clerk, h.rateLimit("staff_identity_check", staffIdentityCheckLimit, bySubject), h.staffCheckIdentity)
}

// registerStaffCases lists the routes of one case.
func (h *Handler) registerStaffCases(cs *gin.RouterGroup, guard staffGuards) {
	cs.GET("", guard.read, h.staffCase)
	cs.GET("/timeline", guard.read, h.staffTimeline)
	cs.GET("/materials/:code", guard.read, h.staffMaterial)
	cs.GET("/verification/checks", guard.handle, h.staffLibraryCheck)
	cs.POST("/claim", guard.handle, h.staffClaim)
	cs.DELETE("/claim", guard.handle, h.staffRelease)
	cs.POST("/hand-over", guard.handle, h.staffHandOver)
	cs.POST("/accept", guard.handle, h.staffAct(func() staff.Step { return &staff.Accept{} }))
	cs.POST("/supplement", guard.handle, h.staffAct(func() staff.Step { return &staff.Supplement{} }))
	cs.POST("/approve", guard.handle, h.staffAct(func() staff.Step { return &staff.Approve{} }))
	cs.POST("/reject", guard.handle, h.staffAct(func() staff.Step { return &staff.Reject{} }))
	cs.POST("/special-procedure", guard.handle, h.staffAct(func() staff.Step { return &staff.StartSpecial{} }))
	cs.POST("/special-procedure/end", guard.handle, h.staffAct(func() staff.Step { return &staff.EndSpecial{} }))
	cs.POST("/transfer", guard.handle, h.staffAct(func() staff.Step { return &staff.Refer{} }))
	cs.POST("/dispatch", guard.handle, h.staffAct(func() staff.Step { return &staff.Dispatch{} }))
	cs.POST("/verification", guard.handle, h.staffAct(func() staff.Step { return &staff.Verify{} }))
	cs.GET("/notices/:kind", guard.read, h.staffNotice)
	cs.GET("/applicant", guard.read, h.staffApplicant)
	cs.GET("/breach/evidence", guard.read, h.staffBreachEvidence)
	cs.GET("/breach/evidence/photos/:key", guard.read, h.staffBreachPhoto)
	cs.POST("/breach/clear", guard.handle, h.staffAct(func() staff.Step { return &staff.ClearBreach{} }))
	cs.POST("/breach/rectification", guard.handle, h.staffAct(func() staff.Step { return &staff.Rectify{} }))
	cs.POST("/breach/statement", guard.handle, h.staffAct(func() staff.Step { return &staff.RecordStatement{} }))
	cs.POST("/breach/decision", guard.handle, h.staffAct(func() staff.Step { return &staff.DecideBreach{} }))
	cs.POST("/reassign", guard.supervise, h.staffReassign)
}

// registerStaffOversight lists supervision, statistics, follow-ups and
// account administration.
func (h *Handler) registerStaffOversight(g *gin.RouterGroup, guard staffGuards) {
	g.GET("/supervision", guard.supervise, h.staffSupervision)
	g.GET("/stats", guard.supervise, h.staffStats)
	g.GET("/stats/export", guard.supervise, h.staffStatsExport)
	g.GET("/followups", guard.supervise, h.staffFollowups)
	g.POST("/followups/:id/close", guard.supervise, h.staffCloseFollowup)
	h.registerStaffEvaluations(g, guard)
	g.GET("/identity-takeovers", guard.supervise, h.staffTakeovers)

	g.GET("/accounts", guard.admin, h.staffAccounts)
	g.POST("/accounts", guard.admin, h.staffCreateAccount)
	g.PATCH("/accounts/:id", guard.admin, h.staffUpdateAccount)
}

// bySubject keys a rate limit on the authenticated caller.
func bySubject(c *gin.Context) string { return subjectOf(c).Key() }

// staffNow is the staff area's clock.
func (h *Handler) staffNow() time.Time {
	if h.staff.Now != nil {
		return h.staff.Now()
	}
	return time.Now()
}

// staff is the member of staff the subject names.
func (s caller) staff() staff.Caller {
	roles := make([]staff.Role, len(s.Roles))
	for i, r := range s.Roles {
		roles[i] = staff.Role(r)
	}
	return staff.Caller{ID: s.ID, Department: s.Department, Roles: roles}
}
