package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
)

// staffEnabled answers 503 while the staff area is not wired.
func (h *Handler) staffEnabled(c *gin.Context) {
	if h.staff.Store == nil || h.tokens == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "staff_area_disabled", Message: "工作人员服务未启用"})
		return
	}
	c.Next()
}

// staffRoles lets through a member of staff holding any of roles.
func (h *Handler) staffRoles(roles ...models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		sub := subjectOf(c)
		if !slices.ContainsFunc(roles, func(r models.Role) bool { return sub.HasRole(string(r)) }) {
			h.fail(c, &APIError{http.StatusForbidden, "role_required", "当前岗位无权进行此操作", map[string]any{"roles": roles}})
			return
		}
		c.Next()
	}
}

// staffSubject builds the token subject of an account.
func staffSubject(st models.Staff) Subject {
	roles := make([]string, len(st.Roles))
	for i, r := range st.Roles {
		roles[i] = string(r)
	}
	return Subject{Kind: SubjectStaff, ID: st.ID, Roles: roles, Department: st.Department}
}

type staffLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

var (
	errBadCredentials = &APIError{http.StatusUnauthorized, "invalid_credentials", "用户名或密码不正确", nil}
	errDisabled       = &APIError{http.StatusForbidden, "account_disabled", "账号已停用，请联系管理员", nil}
)

func errLocked(until time.Time, now time.Time) *APIError {
	return &APIError{http.StatusLocked, "account_locked", "密码错误次数过多，账号已临时锁定，请稍后再试",
		map[string]any{"locked_until": until, "retry_after_seconds": int(until.Sub(now).Seconds()) + 1}}
}

// staffLogin checks a username and password and issues tokens. Unknown
// usernames and wrong passwords get the same answer and take the same
// time; repeated failures lock the account for a while.
func (h *Handler) staffLogin(c *gin.Context) {
	var req staffLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if req.Username == "" || req.Password == "" || utf8.RuneCountInString(req.Username) > 64 || len(req.Password) > 256 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请输入用户名和密码", nil})
		return
	}
	d, now := h.staff, h.staffNow()
	st, err := d.Store.StaffByUsername(c.Request.Context(), strings.TrimSpace(req.Username))
	if isNotFound(err) {
		_, _ = d.Passwords.Verify(c.Request.Context(), "", req.Password)
		h.fail(c, errBadCredentials)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if st.Locked(now) {
		c.Header("Retry-After", strconv.Itoa(int(st.LockedUntil.Sub(now).Seconds())+1))
		h.fail(c, errLocked(st.LockedUntil, now))
		return
	}
	ok, err := d.Passwords.Verify(c.Request.Context(), st.PasswordHash, req.Password)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok {
		st, err = d.Store.LoginFailed(c.Request.Context(), st.ID, now, d.Login)
		if err != nil {
			h.fail(c, err)
			return
		}
		h.log.InfoContext(c.Request.Context(), "staff login failed", "request_id", requestID(c), "staff_id", st.ID, "failures", st.FailedLogins)
		if st.Locked(now) {
			c.Header("Retry-After", strconv.Itoa(int(st.LockedUntil.Sub(now).Seconds())+1))
			h.fail(c, errLocked(st.LockedUntil, now))
			return
		}
		h.fail(c, errBadCredentials)
		return
	}
	if st.Disabled {
		h.fail(c, errDisabled)
		return
	}
	if err := d.Store.LoginSucceeded(c.Request.Context(), st.ID); err != nil {
		h.fail(c, err)
		return
	}
	pair, err := h.tokens.Issue(staffSubject(st))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff login", "request_id", requestID(c), "staff_id", st.ID)
	c.JSON(http.StatusOK, gin.H{"tokens": pair, "staff": h.staffView(st)})
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// staffRefresh rotates a refresh token of a member of staff whose account
// is still enabled.
func (h *Handler) staffRefresh(c *gin.Context) {
	var req refreshRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	pair, sub, err := h.tokens.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		h.fail(c, err)
		return
	}
	if sub.Kind != SubjectStaff {
		h.fail(c, workflow.ErrForbidden)
		return
	}
	st, err := h.staff.Store.GetStaff(c.Request.Context(), sub.ID)
	if err != nil || st.Disabled {
		_ = h.tokens.Ban(c.Request.Context(), sub)
		h.fail(c, workflow.ErrUnauthorized)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": pair, "staff": h.staffView(st)})
}

// staffLogout revokes the caller's access token and, if sent, its refresh token.
func (h *Handler) staffLogout(c *gin.Context) {
	var req refreshRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	access, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if err := h.tokens.Logout(c.Request.Context(), access, req.RefreshToken); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// staffMe returns the caller's account.
func (h *Handler) staffMe(c *gin.Context) {
	st, err := h.staff.Store.GetStaff(c.Request.Context(), subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.staffView(st))
}

// staffReference is what the console's forms offer: departments, the
// catalogue's items, special procedures, states and roles.
func (h *Handler) staffReference(c *gin.Context) {
	type item struct {
		Code       string              `json:"code"`
		Name       string              `json:"name"`
		Department string              `json:"department"`
		TrustFirst bool                `json:"trust_first"`
		Delivery   []string            `json:"delivery"`
		Materials  []workflow.Material `json:"materials"`
	}
	type procedure struct {
		Kind    workflow.ProcedureKind `json:"kind"`
		Name    string                 `json:"name"`
		MaxDays int                    `json:"max_days"`
	}
	items := []item{}
	for _, it := range h.svc.Engine().Catalogue().Items() {
		var delivery []string
		for _, m := range it.Delivery {
			delivery = append(delivery, string(m))
		}
		items = append(items, item{it.Code, it.Name, it.Department, it.TrustFirst, delivery, it.Materials})
	}
	procs := []procedure{}
	for _, k := range workflow.ProcedureKinds() {
		procs = append(procs, procedure{k, k.Name(), k.MaxDays()})
	}
	states := map[string]string{}
	for _, s := range workflow.Statuses() {
		states[string(s)] = statusName(s)
	}
	depts := h.staff.Departments
	if depts == nil {
		depts = []workflow.Department{}
	}
	c.JSON(http.StatusOK, gin.H{"departments": depts, "items": items, "procedures": procs, "states": states,
		"queue_states": models.QueueStatuses(), "roles": models.Roles()})
}

// staffColleagues lists the enabled staff of the caller's department, for
// hand-overs and reassignments.
func (h *Handler) staffColleagues(c *gin.Context) {
	sub := subjectOf(c)
	dept := sub.Department
	if sub.HasRole(string(models.RoleAdministrator)) {
		dept = c.Query("department")
	}
	list, err := h.staff.Store.ListStaff(c.Request.Context(), dept, "", 500)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := []gin.H{}
	for _, st := range list {
		if !st.Disabled && dept != "" {
			out = append(out, gin.H{"id": st.ID, "name": st.Name, "roles": st.Roles, "department": st.Department})
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// staffView is an account as the API shows it: no password hash.
func (h *Handler) staffView(st models.Staff) gin.H {
	return gin.H{"id": st.ID, "username": st.Username, "name": st.Name, "department": st.Department,
		"department_name": h.departmentName(st.Department), "roles": st.Roles, "disabled": st.Disabled,
		"locked": st.Locked(h.staffNow()), "created_at": st.CreatedAt}
}

func (h *Handler) departmentName(code string) string {
	for _, d := range h.staff.Departments {
		if d.Code == code {
			return d.Name
		}
	}
	return ""
}

// isDepartment reports whether code is an approving department.
func (h *Handler) isDepartment(code string) bool {
	return slices.ContainsFunc(h.staff.Departments, func(d workflow.Department) bool { return d.Code == code })
}
