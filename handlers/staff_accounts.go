package handlers

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"zerovisit/models"
)

var validUsername = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// staffAccounts pages through staff accounts (administrators), optionally
// of one department.
func (h *Handler) staffAccounts(c *gin.Context) {
	limit, err := queryInt(c, "limit", 50, 1, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	after := c.Query("after")
	list, err := h.staff.Store.ListStaff(c.Request.Context(), c.Query("department"), after, limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(list))
	for _, st := range list {
		items = append(items, h.staffView(st))
	}
	resp := gin.H{"items": items}
	if len(list) == limit {
		resp["next_after"] = list[len(list)-1].ID
	}
	c.JSON(http.StatusOK, resp)
}

type createAccountRequest struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Roles      []string `json:"roles"`
	Password   string   `json:"password"`
}

// staffCreateAccount opens a staff account (administrators).
func (h *Handler) staffCreateAccount(c *gin.Context) {
	var req createAccountRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	st, err := NewStaffAccount(c.Request.Context(), h.staff.Passwords, h.isDepartment, req.Username, req.Name, req.Department, req.Roles, req.Password)
	if err != nil {
		h.fail(c, err)
		return
	}
	st.CreatedAt = h.staffNow()
	st, err = h.staff.Store.CreateStaff(c.Request.Context(), st)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff account created", "request_id", requestID(c), "by", subjectOf(c).ID, "staff_id", st.ID)
	c.JSON(http.StatusCreated, h.staffView(st))
}

// NewStaffAccount checks the fields of a new account and hashes its
// password; the `zerovisit staff add` command and the API share it.
// isDepartment says which department codes exist. Every role but
// administrator needs a department, and an administrator handles no cases.
func NewStaffAccount(ctx context.Context, pw PasswordChecker, isDepartment func(string) bool,
	username, name, department string, roleNames []string, password string) (models.Staff, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if !validUsername.MatchString(username) {
		return models.Staff{}, &APIError{http.StatusUnprocessableEntity, "invalid_field",
			"用户名须为3至32位小写字母、数字、点、下划线或连字符", map[string]string{"field": "username"}}
	}
	if err := checkName(name); err != nil {
		return models.Staff{}, err
	}
	roles, err := checkRoles(roleNames, department)
	if err != nil {
		return models.Staff{}, err
	}
	if department != "" && !isDepartment(department) {
		return models.Staff{}, &APIError{http.StatusUnprocessableEntity, "invalid_field", "部门不存在", map[string]string{"field": "department"}}
	}
	hash, err := pw.Hash(ctx, password)
	if errors.Is(err, models.ErrWeakPassword) {
		return models.Staff{}, &APIError{http.StatusUnprocessableEntity, "weak_password", "密码长度应为10至256个字符", map[string]string{"field": "password"}}
	}
	if err != nil {
		return models.Staff{}, err
	}
	return models.Staff{ID: uuid.NewString(), Username: username, Name: strings.TrimSpace(name), Department: department,
		Roles: roles, PasswordHash: hash}, nil
}

// checkRoles parses roles: known ones, a department for every role but
// administrator, and no case handling by an administrator.
func checkRoles(names []string, department string) ([]models.Role, error) {
	roles, err := models.ParseRoles(names)
	if err != nil {
		return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "岗位不正确", map[string]string{"field": "roles"}}
	}
	admin := slices.Contains(roles, models.RoleAdministrator)
	switch {
	case admin && (slices.Contains(roles, models.RoleClerk) || slices.Contains(roles, models.RoleReviewer)):
		return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "管理员账号不办理业务，请另设窗口或审核岗位账号", map[string]string{"field": "roles"}}
	case !admin && department == "":
		return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请选择所属部门", map[string]string{"field": "department"}}
	}
	return roles, nil
}

// staffAccountUpdate is a change of an account; absent fields stay.
type staffAccountUpdate struct {
	Name       *string  `json:"name"`
	Department *string  `json:"department"`
	Roles      []string `json:"roles"`
	Disabled   *bool    `json:"disabled"`
	Password   *string  `json:"password"`
	Unlock     bool     `json:"unlock"`
}

// staffUpdateAccount changes an account (administrators). Every token the
// member holds is revoked, so new roles or a new department apply at once
// and a disabled account is out at once.
func (h *Handler) staffUpdateAccount(c *gin.Context) {
	var req staffAccountUpdate
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	id := c.Param("id")
	if id == "" || len(id) > 64 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "账号编号不正确", nil})
		return
	}
	var u models.StaffUpdate
	if req.Name != nil {
		if err := checkName(*req.Name); err != nil {
			h.fail(c, err)
			return
		}
		u.Name = req.Name
	}
	if req.Department != nil {
		if *req.Department != "" && !h.isDepartment(*req.Department) {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "部门不存在", map[string]string{"field": "department"}})
			return
		}
		u.Department = req.Department
	}
	if req.Roles != nil || req.Department != nil {
		cur, err := h.staff.Store.GetStaff(c.Request.Context(), id)
		if err != nil {
			h.fail(c, err)
			return
		}
		names, dept := req.Roles, cur.Department
		if names == nil {
			for _, r := range cur.Roles {
				names = append(names, string(r))
			}
		}
		if req.Department != nil {
			dept = *req.Department
		}
		roles, err := checkRoles(names, dept)
		if err != nil {
			h.fail(c, err)
			return
		}
		if req.Roles != nil {
			u.Roles = roles
		}
	}
	if req.Password != nil {
		hash, err := h.staff.Passwords.Hash(c.Request.Context(), *req.Password)
		if errors.Is(err, models.ErrWeakPassword) {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "weak_password", "密码长度应为10至256个字符", map[string]string{"field": "password"}})
			return
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		u.PasswordHash = &hash
	}
	u.Disabled, u.Unlock = req.Disabled, req.Unlock
	st, err := h.staff.Store.UpdateStaff(c.Request.Context(), id, u, h.staffNow())
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.tokens.Ban(c.Request.Context(), staffSubject(st)); err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff account updated", "request_id", requestID(c), "by", subjectOf(c).ID, "staff_id", st.ID)
	c.JSON(http.StatusOK, h.staffView(st))
}

func checkName(name string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > 32 {
		return &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写1至32字的姓名", map[string]string{"field": "name"}}
	}
	return nil
}
