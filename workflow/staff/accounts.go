package staff

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"zerovisit/workflow"
)

var validUsername = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

var (
	errWeakPassword  = workflow.Refuse(workflow.ErrInvalidInput, "weak_password", "密码长度应为10至256个字符").WithDetail(field("password"))
	errNoDepartment  = workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "部门不存在").WithDetail(field("department"))
	errRoles         = workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "岗位不正确").WithDetail(field("roles"))
	errAdminHandles  = workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "管理员账号不办理业务，请另设窗口或审核岗位账号").WithDetail(field("roles"))
	errDepartmentDue = workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请选择所属部门").WithDetail(field("department"))
)

// NewAccount is an account to open.
type NewAccount struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Roles      []string `json:"roles"`
	Password   string   `json:"password"`
}

// CreateAccount opens an account; the `zerovisit staff add` command and
// administrators in the console share it. Every role but administrator
// needs an existing department, and an administrator handles no cases.
func (s *Service) CreateAccount(ctx context.Context, n NewAccount) (Account, error) {
	username := strings.ToLower(strings.TrimSpace(n.Username))
	if !validUsername.MatchString(username) {
		return Account{}, refuse(workflow.ErrInvalidInput, "invalid_field", "用户名须为3至32位小写字母、数字、点、下划线或连字符", field("username"))
	}
	if err := checkName(n.Name); err != nil {
		return Account{}, err
	}
	roles, err := checkRoles(n.Roles, n.Department)
	if err != nil {
		return Account{}, err
	}
	if n.Department != "" && !s.IsDepartment(n.Department) {
		return Account{}, errNoDepartment
	}
	hash, err := s.hash(ctx, n.Password)
	if err != nil {
		return Account{}, err
	}
	return s.cfg.Store.CreateStaff(ctx, Account{ID: s.cfg.NewID(), Username: username, Name: strings.TrimSpace(n.Name),
		Department: n.Department, Roles: roles, PasswordHash: hash, CreatedAt: s.cfg.Now()})
}

// hash hashes a new password, refusing a weak one.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	hash, err := s.cfg.Passwords.Hash(ctx, password)
	if errors.Is(err, ErrWeakPassword) {
		return "", errWeakPassword
	}
	return hash, err
}

// checkRoles parses roles: known ones, a department for every role but
// administrator, and no case handling by an administrator.
func checkRoles(names []string, department string) ([]Role, error) {
	roles, err := ParseRoles(names)
	if err != nil {
		return nil, errRoles
	}
	admin := slices.Contains(roles, RoleAdministrator)
	switch {
	case admin && (slices.Contains(roles, RoleClerk) || slices.Contains(roles, RoleReviewer)):
		return nil, errAdminHandles
	case !admin && department == "":
		return nil, errDepartmentDue
	}
	return roles, nil
}

func checkName(name string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > 32 {
		return refuse(workflow.ErrInvalidInput, "invalid_field", "请填写1至32字的姓名", field("name"))
	}
	return nil
}

// AccountChange is an administrator's change of an account; absent fields
// stay.
type AccountChange struct {
	Name       *string  `json:"name"`
	Department *string  `json:"department"`
	Roles      []string `json:"roles"`
	Disabled   *bool    `json:"disabled"`
	Password   *string  `json:"password"`
	Unlock     bool     `json:"unlock"`
}

// UpdateAccount changes an account. New roles or a new department are
// checked together with what the account keeps. A change of roles,
// department or password, and disabling, end the account's sessions.
func (s *Service) UpdateAccount(ctx context.Context, id string, ch AccountChange) (Account, error) {
	u := AccountUpdate{Disabled: ch.Disabled, Unlock: ch.Unlock}
	if ch.Name != nil {
		if err := checkName(*ch.Name); err != nil {
			return Account{}, err
		}
		u.Name = ch.Name
	}
	if ch.Department != nil {
		if *ch.Department != "" && !s.IsDepartment(*ch.Department) {
			return Account{}, errNoDepartment
		}
		u.Department = ch.Department
	}
	if ch.Roles != nil || ch.Department != nil {
		roles, err := s.changedRoles(ctx, id, ch)
		if err != nil {
			return Account{}, err
		}
		u.Roles = roles
	}
	if ch.Password != nil {
		hash, err := s.hash(ctx, *ch.Password)
		if err != nil {
			return Account{}, err
		}
		u.PasswordHash = &hash
	}
	a, err := s.cfg.Store.UpdateStaff(ctx, id, u, s.cfg.Now())
	if err != nil || !ch.endsSessions() || s.cfg.Sessions == nil {
		return a, err
	}
	if err := s.cfg.Sessions.EndSessions(ctx, a.ID); err != nil {
		return Account{}, fmt.Errorf("%w: end sessions of %s: %w", workflow.ErrUnavailable, a.ID, err)
	}
	return a, nil
}

// endsSessions reports whether the change makes the account's tokens
// untrue: new roles or department (which tokens carry), a new password
// (whoever knew the old one signed in), or disabling.
func (ch AccountChange) endsSessions() bool {
	return ch.Roles != nil || ch.Department != nil || ch.Password != nil || (ch.Disabled != nil && *ch.Disabled)
}

// changedRoles checks the roles and department an account will have after
// ch, and returns the new roles (nil when ch keeps them).
func (s *Service) changedRoles(ctx context.Context, id string, ch AccountChange) ([]Role, error) {
	cur, err := s.cfg.Store.GetStaff(ctx, id)
	if err != nil {
		return nil, err
	}
	names, dept := ch.Roles, cur.Department
	if names == nil {
		for _, r := range cur.Roles {
			names = append(names, string(r))
		}
	}
	if ch.Department != nil {
		dept = *ch.Department
	}
	roles, err := checkRoles(names, dept)
	if err != nil || ch.Roles == nil {
		return nil, err
	}
	return roles, nil
}

// maxAccountID bounds the page key of the accounts, an account id.
const maxAccountID = 64

// Accounts pages through accounts by id, of one department or all, from
// the key after (the last id of the previous page, "" for the first); next
// is the key of the following page, empty on the last.
func (s *Service) Accounts(ctx context.Context, department, after string, limit int) (list []Account, next string, err error) {
	if len(after) > maxAccountID {
		return nil, "", workflow.ErrBadCursor
	}
	list, err = s.cfg.Store.ListStaff(ctx, department, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit && limit > 0 {
		list = list[:limit]
		next = list[limit-1].ID
	}
	return list, next, nil
}

// Colleagues lists the enabled staff of the caller's department (an
// administrator picks the department), for hand-overs and reassignments.
func (s *Service) Colleagues(ctx context.Context, who Caller, department string) ([]Account, error) {
	dept := who.Department
	if who.Admin() {
		dept = department
	}
	list, err := s.cfg.Store.ListStaff(ctx, dept, "", 500)
	if err != nil {
		return nil, err
	}
	out := []Account{}
	for _, a := range list {
		if !a.Disabled && dept != "" {
			out = append(out, a)
		}
	}
	return out, nil
}

// UpdateAccountBy is UpdateAccount by the administrator who; they may not
// disable their own account or drop their own administrator role, which
// would lock them out of the console with nobody to let them back in.
func (s *Service) UpdateAccountBy(ctx context.Context, who Caller, id string, ch AccountChange) (Account, error) {
	if id == who.ID {
		disabling := ch.Disabled != nil && *ch.Disabled
		dropping := ch.Roles != nil && !slices.Contains(ch.Roles, string(RoleAdministrator))
		if disabling || dropping {
			return Account{}, refuse(workflow.ErrForbidden, "own_account", "不能停用本人账号或取消本人的管理员角色，请由其他管理员操作", nil)
		}
	}
	return s.UpdateAccount(ctx, id, ch)
}
