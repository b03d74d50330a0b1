package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// errOtherDepartment is the answer to staff reaching into another
// department's case.
var errOtherDepartment = &APIError{http.StatusForbidden, "other_department", "该办件不属于本部门", nil}

// mustStaffCase reads the case named in the path and checks that the caller
// may see it: staff of its department, or an administrator. It writes the
// error and returns false otherwise.
func (h *Handler) mustStaffCase(c *gin.Context) (workflow.Case, bool) {
	return h.mustStaffCaseOf(c, true)
}

// mustDeptCase is mustStaffCase for acting on the case: only staff of its
// department, administrators included, may.
func (h *Handler) mustDeptCase(c *gin.Context) (workflow.Case, bool) {
	return h.mustStaffCaseOf(c, false)
}

func (h *Handler) mustStaffCaseOf(c *gin.Context, adminReads bool) (workflow.Case, bool) {
	id := c.Param("id")
	if id == "" || len(id) > maxCaseID {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "办件编号格式不正确", map[string]string{"field": "id"}})
		return workflow.Case{}, false
	}
	cs, err := h.svc.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return workflow.Case{}, false
	}
	sub := subjectOf(c)
	if cs.Department != sub.Department && !(adminReads && sub.HasRole(string(models.RoleAdministrator))) {
		h.fail(c, errOtherDepartment)
		return workflow.Case{}, false
	}
	return cs, true
}

// liveClaim is the live claim on a case, or nil.
func (h *Handler) liveClaim(ctx context.Context, caseID string) (*models.Claim, error) {
	cl, ok, err := h.staff.Store.ClaimOf(ctx, caseID, h.staffNow())
	if err != nil || !ok {
		return nil, err
	}
	return &cl, nil
}

// handleClaimError explains a claim refusal: held by someone else, or not held.
func (h *Handler) handleClaimError(c *gin.Context, err error) {
	var held *models.ClaimHeldError
	switch {
	case errors.As(err, &held):
		h.fail(c, &APIError{http.StatusConflict, "claimed_by_other", "该办件已由其他工作人员领取",
			map[string]any{"staff_id": held.Holder.StaffID, "expires_at": held.Holder.ExpiresAt}})
	case errors.Is(err, models.ErrNotHolder):
		h.fail(c, &APIError{http.StatusConflict, "claim_required", "请先领取该办件", nil})
	default:
		h.fail(c, err)
	}
}

// staffCase returns a case with its claim and what the caller may do.
func (h *Handler) staffCase(c *gin.Context) {
	cs, ok := h.mustStaffCase(c)
	if !ok {
		return
	}
	cl, err := h.liveClaim(c.Request.Context(), cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.detail(cs, cl, subjectOf(c)))
}

// staffTimeline merges a case's workflow history and its staff log.
func (h *Handler) staffTimeline(c *gin.Context) {
	cs, ok := h.mustStaffCase(c)
	if !ok {
		return
	}
	evs, err := h.svc.History(c.Request.Context(), cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	log, err := h.staff.Store.StaffLog(c.Request.Context(), cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]timelineEntry, 0, len(evs)+len(log))
	for _, e := range evs {
		out = append(out, timelineEntry{At: e.At, Kind: "event", Name: e.Name, Label: eventLabel(e.Name), Actor: e.Actor,
			From: e.From, To: e.To, Reason: e.Reason, Note: reasonNote(e.Reason), Hash: e.Hash})
	}
	for _, e := range log {
		var detail map[string]any
		_ = json.Unmarshal(e.Data, &detail)
		out = append(out, timelineEntry{At: e.At, Kind: "staff", Name: string(e.Action), Label: eventLabel(string(e.Action)),
			Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: e.StaffID}, Detail: detail, Hash: e.Hash})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// previewTypes are the content types a material preview is served as;
// anything else (HTML, scripts) is offered as a download only.
var previewTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain; charset=utf-8"}

// staffMaterial serves an uploaded material for preview, or describes a
// material that comes from a library.
func (h *Handler) staffMaterial(c *gin.Context) {
	cs, ok := h.mustStaffCase(c)
	if !ok {
		return
	}
	code := c.Param("code")
	i := slices.IndexFunc(cs.Materials, func(m workflow.CaseMaterial) bool { return m.Code == code })
	if i < 0 {
		h.fail(c, &APIError{http.StatusNotFound, "material_not_found", "该办件没有此项材料", nil})
		return
	}
	m := cs.Materials[i]
	if m.Source != workflow.SourceUpload || !blobKey.MatchString(m.Ref) || h.staff.Blobs == nil {
		c.JSON(http.StatusOK, gin.H{"code": m.Code, "source": m.Source, "ref": maskRef(m), "promised": m.Promised,
			"provided_at": m.ProvidedAt})
		return
	}
	r, err := h.staff.Blobs.Open(c.Request.Context(), m.Ref)
	if errors.Is(err, files.ErrNotFound) {
		h.fail(c, &APIError{http.StatusNotFound, "material_file_missing", "材料文件不存在", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	defer r.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(r, head)
	ctype := http.DetectContentType(head[:n])
	disposition := "inline"
	if !slices.Contains(previewTypes, ctype) {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox")
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("Content-Disposition", disposition+`; filename="`+m.Code+`"`)
	c.Status(http.StatusOK)
	c.Header("Content-Type", ctype)
	_, _ = c.Writer.Write(head[:n])
	_, _ = io.Copy(c.Writer, r)
}

// staffClaim takes a case for the caller or renews the caller's claim.
func (h *Handler) staffClaim(c *gin.Context) {
	cs, ok := h.mustDeptCase(c)
	if !ok {
		return
	}
	if !slices.Contains(models.QueueStatuses(), cs.Status) && cs.Status != workflow.StatusVerifying {
		h.fail(c, &APIError{http.StatusConflict, "not_in_queue", "该办件当前无需办理", map[string]any{"status": cs.Status}})
		return
	}
	sub := subjectOf(c)
	cl, err := h.staff.Store.Claim(c.Request.Context(), cs.ID, cs.Department, sub.ID, h.staffNow(), h.staff.ClaimLease)
	if err != nil {
		h.handleClaimError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(&cl, sub.ID), "case": h.summarize(cs, &cl, sub.ID)})
}

// staffRelease gives the caller's claim back to the queue.
func (h *Handler) staffRelease(c *gin.Context) {
	cs, ok := h.mustDeptCase(c)
	if !ok {
		return
	}
	if err := h.staff.Store.Release(c.Request.Context(), cs.ID, subjectOf(c).ID, h.staffNow()); err != nil {
		h.handleClaimError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type handOverRequest struct {
	ToStaffID string `json:"to_staff_id"`
	Reason    string `json:"reason"`
}

// mustColleague checks that id is an enabled member of staff of the department who
// handles cases; it writes the error and returns false otherwise.
func (h *Handler) mustColleague(c *gin.Context, id, department string) bool {
	st, err := h.staff.Store.GetStaff(c.Request.Context(), id)
	switch {
	case isNotFound(err):
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "unknown_staff", "接收人不存在", map[string]string{"field": "to_staff_id"}})
		return false
	case err != nil:
		h.fail(c, err)
		return false
	case st.Disabled || st.Department != department || !(st.Has(models.RoleClerk) || st.Has(models.RoleReviewer)):
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "unsuitable_staff", "接收人须为本部门在岗的窗口或审核人员", map[string]string{"field": "to_staff_id"}})
		return false
	}
	return true
}

// staffHandOver passes the caller's claim to a colleague, with a reason.
func (h *Handler) staffHandOver(c *gin.Context) {
	var req handOverRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := checkText("reason", req.Reason, true); err != nil {
		h.fail(c, err)
		return
	}
	cs, ok := h.mustDeptCase(c)
	if !ok || !h.mustColleague(c, req.ToStaffID, cs.Department) {
		return
	}
	sub := subjectOf(c)
	cl, err := h.staff.Store.HandOver(c.Request.Context(), cs.ID, sub.ID, req.ToStaffID, strings.TrimSpace(req.Reason), h.staffNow(), h.staff.ClaimLease)
	if err != nil {
		h.handleClaimError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(&cl, sub.ID)})
}

type reassignRequest struct {
	ToStaffID string `json:"to_staff_id"`
	Reason    string `json:"reason"`
}

// staffReassign is a supervisor giving a case to a clerk of its department,
// or back to the queue (to_staff_id empty), whoever holds it now.
func (h *Handler) staffReassign(c *gin.Context) {
	var req reassignRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := checkText("reason", req.Reason, true); err != nil {
		h.fail(c, err)
		return
	}
	cs, ok := h.mustStaffCase(c)
	if !ok {
		return
	}
	if req.ToStaffID != "" && !h.mustColleague(c, req.ToStaffID, cs.Department) {
		return
	}
	sub := subjectOf(c)
	cl, err := h.staff.Store.Reassign(c.Request.Context(), cs.ID, cs.Department, req.ToStaffID, sub.ID, strings.TrimSpace(req.Reason), h.staffNow(), h.staff.ClaimLease)
	if err != nil {
		h.fail(c, err)
		return
	}
	if req.ToStaffID == "" {
		c.JSON(http.StatusOK, gin.H{"claim": nil})
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(&cl, sub.ID)})
}
