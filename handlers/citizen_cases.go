package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/elicense"
	"zerovisit/workflow"
)

// citizenCases pages through the caller's cases (and those of businesses
// they act for), newest first, optionally in one status.
func (h *Handler) citizenCases(c *gin.Context) {
	ctx := c.Request.Context()
	limit, err := queryInt(c, "limit", 20, 1, 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	var status workflow.Status
	if s := c.Query("status"); s != "" {
		if status, err = workflow.ParseStatus(s); err != nil {
			h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "status 不是有效的办件状态", map[string]string{"field": "status"}})
			return
		}
	}
	cursor := c.Query("cursor")
	if len(cursor) > 128 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "cursor 不正确", map[string]string{"field": "cursor"}})
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	page, err := h.citizen.Cases.CasesOfApplicants(ctx, ps, status, cursor, limit)
	if errors.Is(err, workflow.ErrInvalidInput) {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "cursor 不正确", map[string]string{"field": "cursor"}})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenCaseView, 0, len(page.Cases))
	for _, cs := range page.Cases {
		items = append(items, h.caseView(ctx, cs))
	}
	resp := gin.H{"items": items}
	if page.Next != "" {
		resp["next_cursor"] = page.Next
	}
	c.JSON(http.StatusOK, resp)
}

// citizenCase returns one of the caller's cases.
func (h *Handler) citizenCase(c *gin.Context) {
	ctx := c.Request.Context()
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, h.caseView(ctx, cs))
}

// citizenTimelineEntry is one event of a case's history as the applicant
// sees it: who (an opaque actor id, never personal data), what and when.
type citizenTimelineEntry struct {
	Seq    int64           `json:"seq"`
	Event  string          `json:"event"`
	Label  string          `json:"label"`
	Actor  workflow.Actor  `json:"actor"`
	At     time.Time       `json:"at"`
	From   workflow.Status `json:"from,omitempty"`
	To     workflow.Status `json:"to"`
	Reason string          `json:"reason,omitempty"`
}

var eventLabels = map[string]string{
	"create": "创建申请", "submit": "提交申请", "accept": "受理", "request_supplement": "要求补正",
	"supply_supplement": "提交补正材料", "approve": "批准", "reject": "不予许可", "withdraw": "撤回",
	"pay": "缴费", "provide_material": "补齐容缺材料", "dispatch": "发放结果", "deliver": "送达",
	"start_verification": "开始办结核验", "record_verification": "核验", "tick": "时限处理",
}

// citizenTimeline returns a case's history, oldest first.
func (h *Handler) citizenTimeline(c *gin.Context) {
	ctx := c.Request.Context()
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	evs, err := h.svc.History(ctx, cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenTimelineEntry, 0, len(evs))
	for _, e := range evs {
		label := eventLabels[e.Name]
		if label == "" {
			label = e.Name
		}
		items = append(items, citizenTimelineEntry{Seq: e.Seq, Event: e.Name, Label: label, Actor: e.Actor, At: e.At,
			From: e.From, To: e.To, Reason: e.Reason})
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type citizenMaterialRef struct {
	Code     string `json:"code"`
	UploadID string `json:"upload_id"`
}

type citizenSupplementRequest struct {
	Materials []citizenMaterialRef `json:"materials"`
	Note      string               `json:"note,omitempty"`
}

const maxNote = 500

// citizenSupplement hands in the correction a clerk asked for (补正).
func (h *Handler) citizenSupplement(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenSupplementRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	if len([]rune(req.Note)) > maxNote || len(req.Materials) > 50 {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "too_long", "补正说明或材料过多", nil})
		return
	}
	ev := workflow.SupplySupplement{Meta: workflow.Meta{Actor: actorFor(cs), At: h.citizenNow()}, Note: req.Note}
	for _, m := range req.Materials {
		pm, err := h.uploadedMaterial(ctx, cs, m)
		if err != nil {
			h.fail(c, err)
			return
		}
		ev.Materials = append(ev.Materials, pm)
	}
	h.handleCaseEvent(c, cs, ev, req)
}

type citizenProvideRequest struct {
	UploadID string `json:"upload_id"`
}

// citizenProvideMaterial hands in a material promised for later (容缺).
func (h *Handler) citizenProvideMaterial(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenProvideRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	pm, err := h.uploadedMaterial(ctx, cs, citizenMaterialRef{Code: c.Param("code"), UploadID: req.UploadID})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.handleCaseEvent(c, cs, workflow.ProvideMaterial{Meta: workflow.Meta{Actor: actorFor(cs), At: h.citizenNow()}, Material: pm}, req)
}

type citizenWithdrawRequest struct {
	Reason string `json:"reason,omitempty"`
}

// citizenWithdraw takes an application back before a decision; a paid fee
// is refunded (the workflow's RefundFee effect).
func (h *Handler) citizenWithdraw(c *gin.Context) {
	var req citizenWithdrawRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	if len([]rune(req.Reason)) > maxNote {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "too_long", "撤回理由过长", nil})
		return
	}
	h.handleCaseEvent(c, cs, workflow.Withdraw{Meta: workflow.Meta{Actor: actorFor(cs), At: h.citizenNow()}, Reason: req.Reason}, req)
}

// citizenDo applies the applicant's event (idempotently, with an
// Idempotency-Key) and answers with the case.
func (h *Handler) handleCaseEvent(c *gin.Context, cs workflow.Case, ev workflow.Event, body any) {
	ctx := c.Request.Context()
	idem, err := idempotencyKey(c, "citizen-case:"+cs.ID, body)
	if err != nil {
		h.fail(c, err)
		return
	}
	done, err := h.svc.Do(ctx, cs.ID, ev, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.caseView(ctx, done))
}

type citizenLicenceView struct {
	ID         string          `json:"licence_id"`
	Type       string          `json:"licence_type"`
	Name       string          `json:"name"`
	HolderName string          `json:"holder_name"`
	Issuer     string          `json:"issuer"`
	IssuedOn   string          `json:"issued_on"`
	ExpiresOn  string          `json:"expires_on,omitempty"`
	Status     elicense.Status `json:"status"`
	FileSM3    string          `json:"file_sm3"`
}

// resultLicences returns the licences the e-license library issued for the case.
func (h *Handler) mustResultLicences(c *gin.Context, cs workflow.Case) ([]elicense.Licence, bool) {
	ctx := c.Request.Context()
	if cs.Terms.ResultLicence == "" {
		h.fail(c, &APIError{http.StatusNotFound, "no_result_licence", "该事项的办理结果不是电子证照", nil})
		return nil, false
	}
	principal, err := h.citizen.Citizens.Get(ctx, cs.ApplicantID)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	all, err := h.citizen.Licences.Licences(ctx, principal.IDNumber, cs.Terms.ResultLicence)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	var out []elicense.Licence
	for _, l := range all {
		if l.CaseNumber == cs.Number {
			out = append(out, l)
		}
	}
	return out, true
}

// citizenLicences lists the result licences of a case.
func (h *Handler) citizenLicences(c *gin.Context) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	ls, ok := h.mustResultLicences(c, cs)
	if !ok {
		return
	}
	items := make([]citizenLicenceView, 0, len(ls))
	for _, l := range ls {
		v := citizenLicenceView{ID: l.ID, Type: l.Type, Name: l.Name, HolderName: l.HolderName, Issuer: l.Issuer,
			IssuedOn: l.IssuedOn.String(), Status: l.Status, FileSM3: l.FileSM3}
		if !l.ExpiresOn.IsZero() {
			v.ExpiresOn = l.ExpiresOn.String()
		}
		items = append(items, v)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// citizenLicenceFile downloads a result licence's file, checked against
// its SHA-256 and SM3 digests.
func (h *Handler) citizenLicenceFile(c *gin.Context) {
	ctx := c.Request.Context()
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	ls, ok := h.mustResultLicences(c, cs)
	if !ok {
		return
	}
	for _, l := range ls {
		if l.ID != c.Param("licence") {
			continue
		}
		b, err := h.citizen.Licences.File(ctx, l.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="licence.bin"`)
		c.Header("X-Content-SM3", l.FileSM3)
		c.Data(http.StatusOK, http.DetectContentType(b), b)
		return
	}
	h.fail(c, &APIError{http.StatusNotFound, "licence_not_found", "未找到该证照", nil})
}
