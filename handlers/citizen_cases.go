package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
)

// citizenCases pages through the caller's cases (and those of businesses
// they act for), newest first, optionally in one status.
func (h *Handler) citizenCases(c *gin.Context) {
	ctx := c.Request.Context()
	p, err := readPage(c, 20, 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	ps, err := h.principals(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	page, err := h.citizen.Applications.Cases(ctx, ps, apply.Query{Status: c.Query("status"), Cursor: p.Key, Limit: p.Limit})
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenCaseView, 0, len(page.Cases))
	for _, cs := range page.Cases {
		items = append(items, h.caseView(ctx, cs))
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": items}, page.Next))
}

// citizenCase returns one of the caller's cases.
func (h *Handler) citizenCase(c *gin.Context) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, h.caseView(c.Request.Context(), cs))
}

// citizenTimeline returns a case's history, oldest first.
func (h *Handler) citizenTimeline(c *gin.Context) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	items, err := h.citizen.Applications.Timeline(c.Request.Context(), cs)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type citizenSupplementRequest struct {
	Materials []apply.MaterialRef `json:"materials"`
	Note      string              `json:"note,omitempty"`
}

// citizenSupplement hands in the correction a clerk asked for (补正).
func (h *Handler) citizenSupplement(c *gin.Context) {
	var req citizenSupplementRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cs, idem, ok := h.mustCaseEvent(c, req)
	if !ok {
		return
	}
	done, err := h.citizen.Applications.Supplement(c.Request.Context(), cs, req.Note, req.Materials, idem)
	h.handleCaseAnswer(c, done, err)
}

type citizenProvideRequest struct {
	UploadID string `json:"upload_id"`
}

// citizenProvideMaterial hands in a material promised for later (容缺).
func (h *Handler) citizenProvideMaterial(c *gin.Context) {
	var req citizenProvideRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cs, idem, ok := h.mustCaseEvent(c, req)
	if !ok {
		return
	}
	done, err := h.citizen.Applications.ProvideMaterial(c.Request.Context(), cs, c.Param("code"), req.UploadID, idem)
	h.handleCaseAnswer(c, done, err)
}

type citizenStatementRequest struct {
	Text        string              `json:"text"`
	Attachments []apply.MaterialRef `json:"attachments,omitempty"`
	Final       bool                `json:"final,omitempty"`
}

// citizenStateCase hands in a statement (陈述申辩) during a rectification.
func (h *Handler) citizenStateCase(c *gin.Context) {
	var req citizenStatementRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cs, idem, ok := h.mustCaseEvent(c, req)
	if !ok {
		return
	}
	done, err := h.citizen.Applications.StateCase(c.Request.Context(), cs, req.Text, req.Attachments, req.Final, idem)
	h.handleCaseAnswer(c, done, err)
}

type citizenWithdrawRequest struct {
	Reason string `json:"reason,omitempty"`
}

// citizenWithdraw takes an application back before a decision.
func (h *Handler) citizenWithdraw(c *gin.Context) {
	var req citizenWithdrawRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	cs, idem, ok := h.mustCaseEvent(c, req)
	if !ok {
		return
	}
	done, err := h.citizen.Applications.Withdraw(c.Request.Context(), cs, req.Reason, idem)
	h.handleCaseAnswer(c, done, err)
}

// mustCaseEvent loads the caller's case and the Idempotency-Key of an
// event on it.
func (h *Handler) mustCaseEvent(c *gin.Context, body any) (workflow.Case, *workflow.IdempotencyRequest, bool) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return cs, nil, false
	}
	idem, err := idempotencyKey(c, "citizen-case:"+cs.ID, body)
	if err != nil {
		h.fail(c, err)
		return cs, nil, false
	}
	return cs, idem, true
}

// handleCaseAnswer answers with the case, or the error that kept it.
func (h *Handler) handleCaseAnswer(c *gin.Context, cs workflow.Case, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.caseView(c.Request.Context(), cs))
}

type citizenLicenceView struct {
	ID         string `json:"licence_id"`
	Type       string `json:"licence_type"`
	Name       string `json:"name"`
	HolderName string `json:"holder_name"`
	Issuer     string `json:"issuer"`
	IssuedOn   string `json:"issued_on"`
	ExpiresOn  string `json:"expires_on,omitempty"`
	Status     string `json:"status"`
	FileSM3    string `json:"file_sm3"`
}

// citizenLicences lists the result licences of a case.
func (h *Handler) citizenLicences(c *gin.Context) {
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	ls, err := h.citizen.Applications.Licences(c.Request.Context(), cs)
	if err != nil {
		h.fail(c, err)
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
	cs, _, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	l, b, err := h.citizen.Applications.LicenceFile(c.Request.Context(), cs, c.Param("licence"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="licence.bin"`)
	c.Header("X-Content-SM3", l.FileSM3)
	c.Data(http.StatusOK, http.DetectContentType(b), b)
}
