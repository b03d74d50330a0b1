package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// StaffStore keeps staff accounts, case claims and their log, supervision
// alerts, walk-in applicants and the work queues on a DB. It is safe for
// concurrent use.
type StaffStore struct {
	db *DB
}

var (
	_ staff.Store     = (*StaffStore)(nil)
	_ staff.Passwords = (*PasswordHasher)(nil)
)

// NewStaffStore returns the staff store over db.
func NewStaffStore(db *DB) *StaffStore { return &StaffStore{db: db} }

const staffColumns = `id, username, display_name, department, roles, password_hash, failed_logins, locked_until, disabled, created_at, updated_at`

func scanStaff(s rowScanner) (staff.Account, error) {
	var (
		st               staff.Account
		roles            string
		locked, cre, upd sqlTime
	)
	err := s.Scan(&st.ID, &st.Username, &st.Name, &st.Department, &roles, &st.PasswordHash,
		&st.FailedLogins, &locked, &st.Disabled, &cre, &upd)
	if err != nil {
		return staff.Account{}, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			st.Roles = append(st.Roles, staff.Role(r))
		}
	}
	st.LockedUntil, st.CreatedAt, st.UpdatedAt = locked.T, cre.T, upd.T
	return st, nil
}

func joinRoles(rs []staff.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}

// CreateStaff stores a new account; workflow.ErrDuplicate if the username
// is taken.
func (s *StaffStore) CreateStaff(ctx context.Context, st staff.Account) (staff.Account, error) {
	op := "create staff " + st.Username
	if st.ID == "" || st.Username == "" || st.PasswordHash == "" || len(st.Roles) == 0 {
		return staff.Account{}, fmt.Errorf("%s: %w: id, username, password and roles are required", op, workflow.ErrInvalidInput)
	}
	st.CreatedAt, st.UpdatedAt = normTime(st.CreatedAt), normTime(st.CreatedAt)
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO staff (`+staffColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)`,
		st.ID, st.Username, st.Name, st.Department, joinRoles(st.Roles), st.PasswordHash, st.Disabled,
		s.db.ts(st.CreatedAt), s.db.ts(st.UpdatedAt)).Error
	if err != nil {
		return staff.Account{}, translate(op, err)
	}
	return st, nil
}

// GetStaff returns an account by id, or workflow.ErrNotFound.
func (s *StaffStore) GetStaff(ctx context.Context, id string) (staff.Account, error) {
	st, err := scanStaff(s.db.gorm.WithContext(ctx).Raw(`SELECT `+staffColumns+` FROM staff WHERE id = ?`, id).Row())
	return st, translate("get staff "+id, err)
}

// StaffByUsername returns an account by username, or workflow.ErrNotFound.
func (s *StaffStore) StaffByUsername(ctx context.Context, username string) (staff.Account, error) {
	st, err := scanStaff(s.db.gorm.WithContext(ctx).Raw(`SELECT `+staffColumns+` FROM staff WHERE username = ?`, username).Row())
	return st, translate("get staff by username", err)
}

// ListStaff pages through accounts in id order after afterID; department ""
// lists every department.
func (s *StaffStore) ListStaff(ctx context.Context, department, afterID string, limit int) ([]staff.Account, error) {
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
	out := []staff.Account{}
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
func (s *StaffStore) UpdateStaff(ctx context.Context, id string, u staff.AccountUpdate, at time.Time) (staff.Account, error) {
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
		return staff.Account{}, translate(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return staff.Account{}, fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	return s.GetStaff(ctx, id)
}

// LoginAttempt counts a login attempt at `at` as a failure, before its
// password is checked, in one statement: the count rises and the account
// locks for p.LockFor when it reaches p.MaxFailures. An account locked at
// `at` is not counted, and allowed is false: its password must not be
// checked. Parallel attempts each take their own count.
func (s *StaffStore) LoginAttempt(ctx context.Context, id string, at time.Time, p staff.LoginPolicy) (staff.Account, bool, error) {
	op := "record login attempt of " + id
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET
		failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
		WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)`, p.MaxFailures, s.db.ts(at.Add(p.LockFor)), id, s.db.ts(at))
	if res.Error != nil {
		return staff.Account{}, false, translate(op, res.Error)
	}
	a, err := s.GetStaff(ctx, id)
	return a, res.RowsAffected == 1, err
}

// LoginSucceeded clears the failed-login count and any lock-out.
func (s *StaffStore) LoginSucceeded(ctx context.Context, id string) error {
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ? AND (failed_logins > 0 OR locked_until IS NOT NULL)`, id).Error
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
