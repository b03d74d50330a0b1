package staff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/quota"
)

// Config is what a Service needs. Store, Passwords and NewID are required;
// the rest is needed only by the operations that use it (a service for the
// `staff add` command has no Cases).
type Config struct {
	Store     Store
	Passwords Passwords
	Cases     Cases
	// Claimed reads a case with its claim, for the decisions on it.
	Claimed ClaimedCases
	// Engine is the case engine (its catalogue and calendar, and the dry run
	// of a counter submission).
	Engine *workflow.Engine
	// Departments are the approving departments (code and name).
	Departments []workflow.Department
	// ClaimLease is how long a claim lasts unless renewed.
	ClaimLease time.Duration
	// Login is the lock-out rule of staff logins.
	Login LoginPolicy
	// Sessions ends an account's sessions when what its tokens say or
	// prove changes; nil for a service that changes no accounts.
	Sessions Sessions
	// Attempts counts the login attempts of usernames no account has,
	// shared across replicas; nil counts none.
	Attempts quota.Limiter

	// Counter intake: the population library checks walk-in applicants,
	// Citizens finds those who have an online account, Sealer keeps the
	// identities of the others, Credit tells the standing, Numbers numbers
	// the cases and Scans holds what the counter scanned.
	Population Population
	Citizens   Citizens
	Sealer     Sealer
	Credit     Credit
	Numbers    Numbers
	Scans      files.Stager
	// ScanQuota bounds the scans (DefaultScanQuota where it names no bound).
	ScanQuota files.Quota

	// Library check of verification on completion: Licences is the
	// e-license library, Holders resolves applicants who are no walk-ins
	// (Population as above).
	Licences Licences
	Holders  Holders
	// Doors reads the couriers' checks at the door, the evidence of a
	// failed verification; nil shows none.
	Doors DoorChecks

	// NewID returns a new unique id (accounts, cases, walk-in applicants).
	NewID func() string
	Now   func() time.Time
	Log   *slog.Logger
}

// Service holds the rules of the staff area. It is safe for concurrent use.
type Service struct {
	cfg Config
}

// New returns a service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Passwords == nil || cfg.Claimed == nil || cfg.NewID == nil {
		return nil, errors.New("staff: store, passwords, claimed cases and ids are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.ScanQuota = cfg.ScanQuota.Or(DefaultScanQuota)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Holders == nil {
		cfg.Holders = NoHolders{}
	}
	return &Service{cfg: cfg}, nil
}

// Departments are the approving departments.
func (s *Service) Departments() []workflow.Department { return s.cfg.Departments }

// IsDepartment reports whether code is an approving department.
func (s *Service) IsDepartment(code string) bool {
	return slices.ContainsFunc(s.cfg.Departments, func(d workflow.Department) bool { return d.Code == code })
}

// NoHolders is the identity directory before one is connected.
type NoHolders struct{}

// Holder fails with workflow.ErrNoIntegration.
func (NoHolders) Holder(context.Context, string) (Holder, error) {
	return Holder{}, fmt.Errorf("%w: real-name identity directory", workflow.ErrNoIntegration)
}

// refuse is a refusal of the staff area, with an optional detail.
func refuse(kind error, code, message string, detail any) *workflow.Refusal {
	r := workflow.Refuse(kind, code, message)
	if detail != nil {
		r.Detail = detail
	}
	return r
}

// field is the detail of a refusal that names the field at fault.
func field(name string) map[string]string { return map[string]string{"field": name} }

// errOtherDepartment refuses staff reaching into another department's case.
var errOtherDepartment = workflow.Refuse(workflow.ErrForbidden, "other_department", "该办件不属于本部门")
