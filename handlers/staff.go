package handlers

import (
	"context"
	"io/fs"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/quota"
)

// StaffDeps are what the endpoints for clerks, supervisors and
// administrators (the web console) need. A zero StaffDeps registers the
// routes, which then answer 503 staff_area_disabled.
type StaffDeps struct {
	Store     StaffStore
	Passwords PasswordChecker
	// Departments are the approving departments (code and name).
	Departments []workflow.Department
	// Citizens registers walk-in applicants at a counter.
	Citizens CounterCitizens
	// Credit tells the applicant's standing before a counter submission.
	Credit CreditStandings
	// Libraries checks a material against the e-license and base-data
	// libraries during verification on completion.
	Libraries LibraryChecker
	// Followups are the bad-rating follow-ups supervisors resolve.
	Followups Followups
	// Numbers hands out case numbers.
	Numbers CaseNumbers
	// Blobs keeps scans made at the counter.
	Blobs files.Store
	// Console is the web console's files, served under /console/.
	Console fs.FS
	// ClaimLease is how long a claim lasts unless renewed.
	ClaimLease time.Duration
	// Login is the lock-out rule of staff logins.
	Login models.LoginPolicy
	// MaxScanBytes bounds one scan (the request body limit applies too).
	MaxScanBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// StaffStore is the staff area's store: accounts, queues, claims and their
// log, supervision and statistics. *models.StaffStore implements it.
type StaffStore interface {
	CreateStaff(ctx context.Context, st models.Staff) (models.Staff, error)
	GetStaff(ctx context.Context, id string) (models.Staff, error)
	StaffByUsername(ctx context.Context, username string) (models.Staff, error)
	ListStaff(ctx context.Context, department, afterID string, limit int) ([]models.Staff, error)
	UpdateStaff(ctx context.Context, id string, u models.StaffUpdate, at time.Time) (models.Staff, error)
	LoginFailed(ctx context.Context, id string, at time.Time, p models.LoginPolicy) (models.Staff, error)
	LoginSucceeded(ctx context.Context, id string) error

	Queue(ctx context.Context, q models.QueueQuery) (models.QueuePage, error)
	ClaimNext(ctx context.Context, q models.QueueQuery, staffID string, lease time.Duration) (models.QueueEntry, error)
	Claim(ctx context.Context, caseID, department, staffID string, at time.Time, lease time.Duration) (models.Claim, error)
	ClaimOf(ctx context.Context, caseID string, at time.Time) (models.Claim, bool, error)
	Release(ctx context.Context, caseID, staffID string, at time.Time) error
	HandOver(ctx context.Context, caseID, fromStaff, toStaff, reason string, at time.Time, lease time.Duration) (models.Claim, error)
	Reassign(ctx context.Context, caseID, department, toStaff, by, reason string, at time.Time, lease time.Duration) (models.Claim, error)
	StaffLog(ctx context.Context, caseID string) ([]models.StaffLogEntry, error)
	StaffNames(ctx context.Context, ids []string) (map[string]string, error)

	Alerts(ctx context.Context, departments []string, beforeID int64, limit int) ([]models.Alert, error)
	Workloads(ctx context.Context, departments []string, at time.Time) ([]models.Workload, error)
	Stats(ctx context.Context, q models.StatsQuery) (models.Stats, error)
}

// PasswordChecker hashes and checks staff passwords; *models.PasswordHasher
// implements it.
type PasswordChecker interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, encoded, password string) (bool, error)
}

var (
	_ StaffStore      = (*models.StaffStore)(nil)
	_ PasswordChecker = (*models.PasswordHasher)(nil)
)

// CounterCitizens finds or registers the person applying at a counter, after
// checking name and ID number with the population library, and returns the
// applicant id cases are opened for.
type CounterCitizens interface {
	FindOrRegister(ctx context.Context, name, idNumber, phone string) (citizenID string, err error)
}

// CreditStandings is the credit library's standing of a subject (resident
// ID number or unified social credit code); CreditUnknown when it cannot
// be asked.
type CreditStandings interface {
	Standing(ctx context.Context, subjectID string) workflow.CreditStatus
}

// LibraryCheck is what the libraries hold that bears on one material of a
// case: whether they confirm it, a summary for the clerk (personal data
// masked) and the evidence to record with the check.
type LibraryCheck struct {
	Material string `json:"material"`
	Source   string `json:"source"`
	Found    bool   `json:"found"`
	Summary  string `json:"summary"`
	Evidence string `json:"evidence,omitempty"`
	Degraded bool   `json:"degraded,omitempty"`
}

// LibraryChecker checks a material of a case against the libraries.
type LibraryChecker interface {
	Check(ctx context.Context, c workflow.Case, material string) (LibraryCheck, error)
}

// CaseNumbers hands out case numbers (办件编号).
type CaseNumbers interface {
	NextCaseNumber(ctx context.Context, at time.Time) (string, error)
}

// Limits of the staff endpoints.
var (
	staffLoginLimit = quota.Limit{Rate: 10, Period: time.Minute, Burst: 10}
	staffScanLimit  = quota.PerMinute(120)
)

// registerStaff lists the routes for clerks, supervisors and administrators (the web console).
func (h *Handler) registerStaff(r gin.IRouter) {
	r.GET("/console/*filepath", h.console)

	pub := r.Group("/api/v1/staff", h.staffEnabled)
	pub.POST("/login", h.rateLimit("staff_login", staffLoginLimit, byClientIP), h.staffLogin)
	pub.POST("/refresh", h.rateLimit("staff_login", staffLoginLimit, byClientIP), h.staffRefresh)

	g := pub.Group("", h.authenticate(SubjectStaff))
	g.POST("/logout", h.staffLogout)
	g.GET("/me", h.staffMe)
	g.GET("/reference", h.staffReference)
	g.GET("/colleagues", h.staffColleagues)

	handle := h.staffRoles(models.RoleClerk, models.RoleReviewer)
	read := h.staffRoles(models.RoleClerk, models.RoleReviewer, models.RoleSupervisor, models.RoleAdministrator)
	supervise := h.staffRoles(models.RoleSupervisor, models.RoleAdministrator)

	g.GET("/queue", read, h.staffQueue)
	g.POST("/queue/claim-next", handle, h.staffClaimNext)
	g.GET("/verifications", read, h.staffVerifications)
	g.POST("/scans", h.staffRoles(models.RoleClerk), h.rateLimit("staff_scan", staffScanLimit, bySubject), h.staffScan)
	g.POST("/intake", h.staffRoles(models.RoleClerk), h.staffIntake)

	cs := g.Group("/cases/:id")
	cs.GET("", read, h.staffCase)
	cs.GET("/timeline", read, h.staffTimeline)
	cs.GET("/materials/:code", read, h.staffMaterial)
	cs.GET("/verification/checks", handle, h.staffLibraryCheck)
	cs.POST("/claim", handle, h.staffClaim)
	cs.DELETE("/claim", handle, h.staffRelease)
	cs.POST("/hand-over", handle, h.staffHandOver)
	cs.POST("/accept", handle, h.staffAccept)
	cs.POST("/supplement", handle, h.staffSupplement)
	cs.POST("/approve", handle, h.staffApprove)
	cs.POST("/reject", handle, h.staffReject)
	cs.POST("/special-procedure", handle, h.staffStartSpecial)
	cs.POST("/special-procedure/end", handle, h.staffEndSpecial)
	cs.POST("/transfer", handle, h.staffTransfer)
	cs.POST("/dispatch", handle, h.staffDispatch)
	cs.POST("/verification", handle, h.staffVerify)
	cs.POST("/reassign", supervise, h.staffReassign)

	g.GET("/supervision", supervise, h.staffSupervision)
	g.GET("/stats", supervise, h.staffStats)
	g.GET("/followups", supervise, h.staffFollowups)
	g.POST("/followups/:id/close", supervise, h.staffCloseFollowup)

	admin := h.staffRoles(models.RoleAdministrator)
	g.GET("/accounts", admin, h.staffAccounts)
	g.POST("/accounts", admin, h.staffCreateAccount)
	g.PATCH("/accounts/:id", admin, h.staffUpdateAccount)
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
