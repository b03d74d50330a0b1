package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/handlers/session"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// staffEnabled answers 503 while the staff area is not wired.
func (h *Handler) staffEnabled(c *gin.Context) {
	if h.staff.Service == nil || h.tokens == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "staff_area_disabled", Message: "工作人员服务未启用"})
		return
	}
	c.Next()
}

// staffRoles lets through a member of staff holding any of roles.
func (h *Handler) staffRoles(roles ...staff.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		sub := subjectOf(c)
		if !slices.ContainsFunc(roles, func(r staff.Role) bool { return sub.HasRole(string(r)) }) {
			h.fail(c, &APIError{http.StatusForbidden, "role_required", "当前岗位无权进行此操作", map[string]any{"roles": roles}})
			return
		}
		c.Next()
	}
}

// staffSubject builds the token subject of an account.
func staffSubject(st staff.Account) session.Subject {
	roles := make([]string, len(st.Roles))
	for i, r := range st.Roles {
		roles[i] = string(r)
	}
	return session.Subject{Kind: session.SubjectStaff, ID: st.ID, Roles: roles, Department: st.Department}
}

type staffLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// staffLogin checks a username and password and issues tokens; a locked
// account is told when to try again (Retry-After).
func (h *Handler) staffLogin(c *gin.Context) {
	var req staffLoginRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	st, err := h.staff.Service.Login(c.Request.Context(), req.Username, req.Password)
	if err != nil {
		h.fail(c, err)
		return
	}
	pair, err := h.tokens.Login(c.Request.Context(), staffSubject(st))
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
// is still enabled, and issues the next tokens from the account as it is
// now: roles and department changed since the last token apply.
func (h *Handler) staffRefresh(c *gin.Context) {
	var req refreshRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	sub, err := h.tokens.Rotate(c.Request.Context(), req.RefreshToken)
	if err != nil {
		h.fail(c, err)
		return
	}
	if sub.Kind != session.SubjectStaff {
		h.fail(c, workflow.ErrForbidden)
		return
	}
	st, err := h.staff.Service.ActiveAccount(c.Request.Context(), sub.ID)
	if err != nil {
		_ = h.tokens.Ban(c.Request.Context(), sub)
		h.fail(c, workflow.ErrUnauthorized)
		return
	}
	pair, err := h.tokens.Issue(staffSubject(st))
	if err != nil {
		h.fail(c, err)
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
	st, err := h.staff.Service.Account(c.Request.Context(), subjectOf(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.staffView(st))
}

type referenceItem struct {
	Code       string              `json:"code"`
	Name       string              `json:"name"`
	Department string              `json:"department"`
	TrustFirst bool                `json:"trust_first"`
	Delivery   []string            `json:"delivery"`
	Materials  []workflow.Material `json:"materials"`
}

type referenceProcedure struct {
	Kind    workflow.ProcedureKind `json:"kind"`
	Name    string                 `json:"name"`
	MaxDays int                    `json:"max_days"`
}

// staffReference is what the console's forms offer: departments, the
// catalogue's items, special procedures, states and roles.
func (h *Handler) staffReference(c *gin.Context) {
	items := []referenceItem{}
	for _, it := range h.svc.Engine().Catalogue().Items() {
		var delivery []string
		for _, m := range it.Delivery {
			delivery = append(delivery, string(m))
		}
		items = append(items, referenceItem{it.Code, it.Name, it.Department, it.TrustFirst, delivery, it.Materials})
	}
	procs := []referenceProcedure{}
	for _, k := range workflow.ProcedureKinds() {
		procs = append(procs, referenceProcedure{k, k.Name(), k.MaxDays()})
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
		"queue_states": staff.QueueStatuses(), "roles": staff.Roles()})
}

// staffColleagues lists the enabled staff of the caller's department, for
// hand-overs and reassignments.
func (h *Handler) staffColleagues(c *gin.Context) {
	list, err := h.staff.Service.Colleagues(c.Request.Context(), subjectOf(c).staff(), c.Query("department"))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(list))
	for _, st := range list {
		out = append(out, gin.H{"id": st.ID, "name": st.Name, "roles": st.Roles, "department": st.Department})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// staffView is an account as the API shows it: no password hash.
func (h *Handler) staffView(st staff.Account) gin.H {
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
