package handlers

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/files"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/staff"
)

// staffScan stores a material scanned at the counter (the request body, as
// image/jpeg, image/png or application/pdf) and returns its key, which the
// intake names as the material's ref.
func (h *Handler) staffScan(c *gin.Context) {
	if h.staff.Blobs == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "scans_disabled", "材料扫描未启用", nil})
		return
	}
	if ct := c.ContentType(); !slices.Contains(staff.ScanTypes, ct) {
		h.fail(c, &APIError{http.StatusUnsupportedMediaType, "unsupported_media_type", "扫描件须为 JPEG、PNG 或 PDF", map[string]any{"accepted": staff.ScanTypes}})
		return
	}
	limit := h.staff.MaxScanBytes
	if limit <= 0 {
		limit = 10 << 20
	}
	obj, err := h.staff.Service.Scan(c.Request.Context(), subjectOf(c).ID, c.Request.Body, limit)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, files.ErrTooLarge):
		h.fail(c, errTooLarge(limit))
		return
	case errors.As(err, &tooBig):
		h.fail(c, errTooLarge(tooBig.Limit))
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, obj)
}

// staffIntake registers a walk-in application at the counter (窗口收件)
// into the same workflow as online ones; the clerk then holds the case. An
// Idempotency-Key header makes a retry answer as the first time, opening
// no second case.
func (h *Handler) staffIntake(c *gin.Context) {
	var req staff.IntakeRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	idem, err := idempotencyKey(c, "staff-intake:"+who.ID, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	in, err := h.staff.Service.Intake(c.Request.Context(), who, req, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{
		"case": h.detail(in.Case, &in.Claim, who),
		"applicant": gin.H{"id": in.ApplicantID, "name": ident.MaskName(in.Applicant.Name),
			"id_number": ident.MaskResidentID(in.Applicant.IDNumber), "phone": ident.MaskPhone(in.Applicant.Phone)},
	})
}

// staffLibraryCheck checks one material of a case under verification
// against the e-license and base-data libraries, for the clerk to record.
func (h *Handler) staffLibraryCheck(c *gin.Context) {
	res, err := h.staff.Service.CheckMaterial(c.Request.Context(), subjectOf(c).staff(), c.Param("id"), c.Query("material"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
