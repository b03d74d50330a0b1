package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/staff"
)

// staffAccounts pages through staff accounts (administrators), optionally
// of one department.
func (h *Handler) staffAccounts(c *gin.Context) {
	p, err := readPage(c, 50, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	list, next, err := h.staff.Service.Accounts(c.Request.Context(), c.Query("department"), p.Key, p.Limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(list))
	for _, st := range list {
		items = append(items, h.staffView(st))
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, next))
}

// staffCreateAccount opens a staff account (administrators).
func (h *Handler) staffCreateAccount(c *gin.Context) {
	var req staff.NewAccount
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	st, err := h.staff.Service.CreateAccount(c.Request.Context(), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff account created", "request_id", requestID(c), "by", subjectOf(c).ID, "staff_id", st.ID)
	c.JSON(http.StatusCreated, h.staffView(st))
}

// staffUpdateAccount changes an account (administrators). A change of
// roles, department or password, or disabling, revokes every token the
// member holds (staff.Service.UpdateAccount), so it applies at once.
func (h *Handler) staffUpdateAccount(c *gin.Context) {
	var req staff.AccountChange
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	id := c.Param("id")
	if id == "" || len(id) > 64 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "账号编号不正确", nil})
		return
	}
	st, err := h.staff.Service.UpdateAccountBy(c.Request.Context(), subjectOf(c).staff(), id, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff account updated", "request_id", requestID(c), "by", subjectOf(c).ID, "staff_id", st.ID)
	c.JSON(http.StatusOK, h.staffView(st))
}
