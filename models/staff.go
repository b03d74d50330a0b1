package models

import (
	"context"
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

// Staff is a member of staff. PasswordHash never leaves the server.
type Staff struct {
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
func (s Staff) Has(role Role) bool { return slices.Contains(s.Roles, role) }

// Locked reports whether logins are refused at `at` after repeated failures.
func (s Staff) Locked(at time.Time) bool { return at.Before(s.LockedUntil) }

// StaffUpdate changes an account; nil fields stay as they are. A new
// password hash also clears failed logins and any lock-out.
type StaffUpdate struct {
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

// StaffStore keeps staff accounts, case claims and their log, supervision
// alerts, walk-in applicants and the work queues on a DB. It is safe for
// concurrent use.
type StaffStore struct {
	db *DB
}

// NewStaffStore returns the staff store over db.
func NewStaffStore(db *DB) *StaffStore { return &StaffStore{db: db} }

const staffColumns = `id, username, display_name, department, roles, password_hash, failed_logins, locked_until, disabled, created_at, updated_at`

func scanStaff(s rowScanner) (Staff, error) {
	var (
		st               Staff
		roles            string
		locked, cre, upd sqlTime
	)
	err := s.Scan(&st.ID, &st.Username, &st.Name, &st.Department, &roles, &st.PasswordHash,
		&st.FailedLogins, &locked, &st.Disabled, &cre, &upd)
	if err != nil {
		return Staff{}, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			st.Roles = append(st.Roles, Role(r))
		}
	}
	st.LockedUntil, st.CreatedAt, st.UpdatedAt = locked.T, cre.T, upd.T
	return st, nil
}

func joinRoles(rs []Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}

// CreateStaff stores a new account; workflow.ErrDuplicate if the username
// is taken.
func (s *StaffStore) CreateStaff(ctx context.Context, st Staff) (Staff, error) {
	op := "create staff " + st.Username
	if st.ID == "" || st.Username == "" || st.PasswordHash == "" || len(st.Roles) == 0 {
		return Staff{}, fmt.Errorf("%s: %w: id, username, password and roles are required", op, workflow.ErrInvalidInput)
	}
	st.CreatedAt, st.UpdatedAt = normTime(st.CreatedAt), normTime(st.CreatedAt)
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO staff (`+staffColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)`,
		st.ID, st.Username, st.Name, st.Department, joinRoles(st.Roles), st.PasswordHash, st.Disabled,
		s.db.ts(st.CreatedAt), s.db.ts(st.UpdatedAt)).Error
	if err != nil {
		return Staff{}, translate(op, err)
	}
	return st, nil
}

// GetStaff returns an account by id, or workflow.ErrNotFound.
func (s *StaffStore) GetStaff(ctx context.Context, id string) (Staff, error) {
	st, err := scanStaff(s.db.gorm.WithContext(ctx).Raw(`SELECT `+staffColumns+` FROM staff WHERE id = ?`, id).Row())
	return st, translate("get staff "+id, err)
}

// StaffByUsername returns an account by username, or workflow.ErrNotFound.
func (s *StaffStore) StaffByUsername(ctx context.Context, username string) (Staff, error) {
	st, err := scanStaff(s.db.gorm.WithContext(ctx).Raw(`SELECT `+staffColumns+` FROM staff WHERE username = ?`, username).Row())
	return st, translate("get staff by username", err)
}

// ListStaff pages through accounts in id order after afterID; department ""
// lists every department.
func (s *StaffStore) ListStaff(ctx context.Context, department, afterID string, limit int) ([]Staff, error) {
	q := `SELECT ` + staffColumns + ` FROM staff WHERE id > ?`
	args := []any{afterID}
	if department != "" {
		q += ` AND department = ?`
		args = append(args, department)
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(q+` ORDER BY id LIMIT ?`, append(args, limit)...).Rows()
	if err != nil {
		return nil, translate("list staff", err)
	}
	defer rows.Close()
	out := []Staff{}
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, translate("list staff", err)
		}
		out = append(out, st)
	}
	return out, translate("list staff", rows.Err())
}

// UpdateStaff applies u to the account at `at` and returns it.
func (s *StaffStore) UpdateStaff(ctx context.Context, id string, u StaffUpdate, at time.Time) (Staff, error) {
	op := "update staff " + id
	sets := []string{"updated_at = ?"}
	args := []any{s.db.ts(at)}
	add := func(set string, v any) { sets = append(sets, set); args = append(args, v) }
	if u.Name != nil {
		add("display_name = ?", *u.Name)
	}
	if u.Department != nil {
		add("department = ?", *u.Department)
	}
	if u.Roles != nil {
		add("roles = ?", joinRoles(u.Roles))
	}
	if u.Disabled != nil {
		add("disabled = ?", *u.Disabled)
	}
	if u.PasswordHash != nil {
		add("password_hash = ?", *u.PasswordHash)
	}
	if u.PasswordHash != nil || u.Unlock {
		sets = append(sets, "failed_logins = 0", "locked_until = NULL")
	}
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, id)...)
	if res.Error != nil {
		return Staff{}, translate(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return Staff{}, fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	return s.GetStaff(ctx, id)
}

// LoginFailed counts a failed login at `at` in one statement and locks the
// account for p.LockFor when the count reaches p.MaxFailures.
func (s *StaffStore) LoginFailed(ctx context.Context, id string, at time.Time, p LoginPolicy) (Staff, error) {
	op := "record failed login of " + id
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET
		failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
		WHERE id = ?`, p.MaxFailures, s.db.ts(at.Add(p.LockFor)), id).Error
	if err != nil {
		return Staff{}, translate(op, err)
	}
	return s.GetStaff(ctx, id)
}

// LoginSucceeded clears the failed-login count.
func (s *StaffStore) LoginSucceeded(ctx context.Context, id string) error {
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ? AND failed_logins > 0`, id).Error
	return translate("record login of "+id, err)
}

// StaffNames returns the display names of the given accounts by id; unknown
// ids are left out.
func (s *StaffStore) StaffNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT id, display_name FROM staff WHERE id IN (`+placeholders(len(ids))+`)`, args...).Rows()
	if err != nil {
		return nil, translate("staff names", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, translate("staff names", err)
		}
		out[id] = name
	}
	return out, translate("staff names", rows.Err())
}
