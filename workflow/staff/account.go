package staff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"zerovisit/workflow"
)

// Role is what a member of staff may do. Roles are stored sorted,
// comma-separated.
type Role string

// Staff roles.
const (
	// RoleClerk handles cases of the department: claims, accepts, asks for
	// corrections, decides, registers walk-in applications, verifies.
	RoleClerk Role = "clerk"
	// RoleReviewer decides cases of the department (审核) as a clerk does,
	// but registers no walk-in applications.
	RoleReviewer Role = "reviewer"
	// RoleSupervisor watches the department's deadlines, reassigns cases
	// and reads its statistics.
	RoleSupervisor Role = "supervisor"
	// RoleAdministrator manages staff accounts and sees every department's
	// supervision and statistics; it handles no cases.
	RoleAdministrator Role = "administrator"
)

// Roles lists every role.
func Roles() []Role { return []Role{RoleClerk, RoleReviewer, RoleSupervisor, RoleAdministrator} }

// ParseRoles checks a list of role names and returns them sorted without duplicates.
func ParseRoles(names []string) ([]Role, error) {
	var out []Role
	for _, n := range names {
		r := Role(strings.TrimSpace(n))
		if !slices.Contains(Roles(), r) {
			return nil, fmt.Errorf("%w: unknown role %q", workflow.ErrInvalidInput, n)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: at least one role is required", workflow.ErrInvalidInput)
	}
	slices.Sort(out)
	return out, nil
}

// Account is a member of staff. PasswordHash never leaves the server.
type Account struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"`
	Name         string    `json:"name"`
	Department   string    `json:"department"`
	Roles        []Role    `json:"roles"`
	Disabled     bool      `json:"disabled"`
	FailedLogins int       `json:"failed_logins"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	PasswordHash string    `json:"-"`
}

// Has reports whether the member holds role.
func (a Account) Has(role Role) bool { return slices.Contains(a.Roles, role) }

// Locked reports whether logins are refused at `at` after repeated failures.
func (a Account) Locked(at time.Time) bool { return at.Before(a.LockedUntil) }

// AccountUpdate changes an account; nil fields stay as they are. A new
// password hash also clears failed logins and any lock-out.
type AccountUpdate struct {
	Name         *string
	Department   *string
	Roles        []Role
	Disabled     *bool
	PasswordHash *string
	Unlock       bool
}

// LoginPolicy is the lock-out rule: MaxFailures consecutive failed logins
// lock the account for LockFor.
type LoginPolicy struct {
	MaxFailures int
	LockFor     time.Duration
}

// Caller is the member of staff making a request, as their token says.
type Caller struct {
	ID         string
	Department string
	Roles      []Role
}

// Has reports whether the caller holds role.
func (c Caller) Has(role Role) bool { return slices.Contains(c.Roles, role) }

// Admin reports whether the caller is an administrator, who sees every
// department.
func (c Caller) Admin() bool { return c.Has(RoleAdministrator) }

// Handles reports whether the caller works cases (clerk or reviewer).
func (c Caller) Handles() bool { return c.Has(RoleClerk) || c.Has(RoleReviewer) }

// Supervises reports whether the caller oversees cases (supervisor or
// administrator).
func (c Caller) Supervises() bool { return c.Has(RoleSupervisor) || c.Admin() }
