package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/ident"
)

// scanTypes are the kinds of file a counter scanner produces.
var scanTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// staffScan stores a material scanned at the counter (the request body, as
// image/jpeg, image/png or application/pdf) and returns its key, which the
// intake names as the material's ref.
func (h *Handler) staffScan(c *gin.Context) {
	if h.staff.Blobs == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "scans_disabled", "材料扫描未启用", nil})
		return
	}
	if ct := c.ContentType(); !slices.Contains(scanTypes, ct) {
		h.fail(c, &APIError{http.StatusUnsupportedMediaType, "unsupported_media_type", "扫描件须为 JPEG、PNG 或 PDF", map[string]any{"accepted": scanTypes}})
		return
	}
	limit := h.staff.MaxScanBytes
	if limit <= 0 {
		limit = 10 << 20
	}
	obj, err := h.staff.Blobs.Put(c.Request.Context(), c.Request.Body, limit)
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
	if !slices.Contains(scanTypes, obj.ContentType) && !strings.HasPrefix(obj.ContentType, "image/") {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "unrecognised_scan", "文件内容不是图片或 PDF", map[string]string{"detected": obj.ContentType}})
		return
	}
	c.JSON(http.StatusCreated, obj)
}

type intakeRequest struct {
	ItemCode      string `json:"item_code"`
	ApplicantType string `json:"applicant_type"`
	Applicant     struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	} `json:"applicant"`
	CompanyUSCC      string                      `json:"company_uscc"`
	Materials        []workflow.ProvidedMaterial `json:"materials"`
	Promised         []workflow.PromisedMaterial `json:"promised"`
	CommitmentSigned bool                        `json:"commitment_signed"`
	Delivery         workflow.Delivery           `json:"delivery"`
}

// staffIntake registers a walk-in application at the counter (窗口收件)
// into the same workflow as online ones: the applicant is found or
// registered after a real-name check, scanned materials are named by their
// scan keys, the credit library is asked, and the case is opened and
// submitted by the clerk, who then holds it. The submission is tried on
// the engine first, so a refused one stores nothing.
func (h *Handler) staffIntake(c *gin.Context) {
	d := h.staff
	if d.Citizens == nil || d.Numbers == nil || d.Credit == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "intake_disabled", "窗口收件未启用", nil})
		return
	}
	var req intakeRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	sub, now := subjectOf(c), h.staffNow()
	it, err := h.svc.Engine().Catalogue().Lookup(req.ItemCode)
	if err != nil {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "办理事项不存在", map[string]string{"field": "item_code"}})
		return
	}
	if it.Department != sub.Department {
		h.fail(c, &APIError{http.StatusForbidden, "other_department", "只能受理本部门的事项", nil})
		return
	}
	id, err := ident.ParseResidentID(req.Applicant.IDNumber, now)
	if err != nil {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_id_number", "身份证号码不正确", map[string]string{"field": "applicant.id_number"}})
		return
	}
	name := strings.TrimSpace(req.Applicant.Name)
	if name == "" || utf8.RuneCountInString(name) > 64 || len(req.Applicant.Phone) > 20 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写申请人姓名和联系电话", map[string]string{"field": "applicant"}})
		return
	}
	kind := workflow.ApplicantType(req.ApplicantType)
	subject := id.Number
	switch kind {
	case "", workflow.ApplicantPerson:
		kind = workflow.ApplicantPerson
	case workflow.ApplicantBusiness:
		code, err := ident.ParseUSCC(req.CompanyUSCC)
		if err != nil {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_uscc", "统一社会信用代码不正确", map[string]string{"field": "company_uscc"}})
			return
		}
		subject = code.Code
	default:
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "申请人类型须为 person 或 business", map[string]string{"field": "applicant_type"}})
		return
	}
	if len(req.Materials) > 50 || len(req.Promised) > 50 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "材料过多", map[string]string{"field": "materials"}})
		return
	}
	for i, m := range req.Materials {
		if m.Source == workflow.SourceUpload && !h.scanExists(c.Request.Context(), m.Ref) {
			h.fail(c, &APIError{http.StatusUnprocessableEntity, "unknown_scan", "扫描件不存在，请重新扫描", map[string]any{"field": "materials", "index": i}})
			return
		}
	}
	applicant, err := d.Citizens.FindOrRegister(c.Request.Context(), name, id.Number, req.Applicant.Phone)
	if err != nil {
		h.fail(c, err)
		return
	}
	actor := workflow.Actor{Kind: workflow.ActorClerk, ID: sub.ID}
	ev := workflow.Submit{Meta: workflow.Meta{Actor: actor, At: now}, Materials: req.Materials, Promised: req.Promised,
		Credit: d.Credit.Standing(c.Request.Context(), subject), Delivery: req.Delivery}
	if req.CommitmentSigned && it.TrustFirst {
		ev.Signature = &workflow.Signature{TemplateVersion: it.Commitment.TemplateVersion, TextHash: it.Commitment.TextHash,
			SignedAt: now, Channel: workflow.ChannelCounter}
	}
	draft := workflow.Draft{ID: uuid.NewString(), Number: "pending", ItemCode: it.Code, ApplicantID: applicant,
		Channel: workflow.ChannelCounter, ApplicantType: kind, Actor: actor, At: now}
	// Dry run: nothing is stored for a submission the engine refuses.
	trial, _, err := h.svc.Engine().New(draft)
	if err == nil {
		_, _, _, err = h.svc.Engine().Apply(trial, ev)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if draft.Number, err = d.Numbers.NextCaseNumber(c.Request.Context(), now); err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.svc.Create(c.Request.Context(), draft, nil); err != nil {
		h.fail(c, err)
		return
	}
	after, err := h.svc.Do(c.Request.Context(), draft.ID, ev, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	cl, err := d.Store.Claim(c.Request.Context(), after.ID, after.Department, sub.ID, now, d.ClaimLease)
	if err != nil {
		h.handleClaimError(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "counter intake", "request_id", requestID(c), "staff_id", sub.ID, "case_id", after.ID, "status", after.Status)
	c.JSON(http.StatusCreated, gin.H{
		"case": h.detail(after, &cl, sub),
		"applicant": gin.H{"id": applicant, "name": ident.MaskName(name), "id_number": ident.MaskResidentID(id.Number),
			"phone": ident.MaskPhone(req.Applicant.Phone)},
	})
}

// scanExists reports whether ref names a stored scan.
func (h *Handler) scanExists(ctx context.Context, ref string) bool {
	if h.staff.Blobs == nil || !blobKey.MatchString(ref) {
		return false
	}
	r, err := h.staff.Blobs.Open(ctx, ref)
	if err != nil {
		return false
	}
	_ = r.Close()
	return true
}

// staffLibraryCheck checks one material of a case under verification
// against the e-license and base-data libraries, for the clerk to record.
func (h *Handler) staffLibraryCheck(c *gin.Context) {
	cs, ok := h.mustDeptCase(c)
	if !ok {
		return
	}
	material := c.Query("material")
	if _, found := h.svc.Engine().Catalogue().Lookup(cs.ItemCode); found != nil || material == "" || len(material) > 64 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "请指定材料", map[string]string{"field": "material"}})
		return
	}
	if !slices.ContainsFunc(cs.Materials, func(m workflow.CaseMaterial) bool { return m.Code == material }) {
		h.fail(c, &APIError{http.StatusNotFound, "material_not_found", "该办件没有此项材料", nil})
		return
	}
	if h.staff.Libraries == nil {
		h.fail(c, &APIError{http.StatusServiceUnavailable, "libraries_disabled", "数据库比对未启用", nil})
		return
	}
	res, err := h.staff.Libraries.Check(c.Request.Context(), cs, material)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
