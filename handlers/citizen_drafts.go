package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
)

type citizenDraftRequest struct {
	ItemCode   string `json:"item_code"`
	BusinessID string `json:"business_id,omitempty"`
}

// citizenCreateDraft opens a draft case with a fresh case number and works
// out which materials the government already holds. With an
// Idempotency-Key a retry answers with the same draft.
func (h *Handler) citizenCreateDraft(c *gin.Context) {
	var req citizenDraftRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	if !h.mustBeVerified(c, cc) {
		return
	}
	it, err := h.citizen.Applications.Item(req.ItemCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	principal, ok := h.mustPrincipal(c, cc, req.BusinessID)
	if !ok {
		return
	}
	idem, err := idempotencyKey(c, "citizen-draft:"+principal.ID, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	d, err := h.citizen.Applications.CreateDraft(c.Request.Context(), apply.NewDraft{Item: it, Account: cc.Account,
		Person: cc.Citizen, Principal: principal, Idem: idem,
		Prefill: func(ctx context.Context) []apply.Material { return h.prefill(ctx, it, principal, cc.Citizen) }})
	h.handleDraft(c, http.StatusCreated, d, err)
}

// citizenApplicationView is a draft as the mini program fills it in.
type citizenApplicationView struct {
	Case       citizenCaseView             `json:"case"`
	Materials  []citizenMaterialView       `json:"materials"`
	Commitment *citizenCommitmentView      `json:"commitment,omitempty"`
	Promised   []workflow.PromisedMaterial `json:"promised"`
	Delivery   *citizenDeliveryView        `json:"delivery,omitempty"`
	// Missing lists the materials still to provide before submitting.
	Missing []string `json:"missing"`
	Ready   bool     `json:"ready"`
}

type citizenCommitmentView struct {
	TemplateVersion string              `json:"template_version"`
	Text            string              `json:"text"`
	TextHash        string              `json:"text_hash"`
	Signed          *workflow.Signature `json:"signed,omitempty"`
}

type citizenDeliveryView struct {
	Method    workflow.DeliveryMethod `json:"method"`
	AddressID string                  `json:"address_id,omitempty"`
	// Address is the masked address the result goes to.
	Address string `json:"address,omitempty"`
}

// handleDraft answers with the application, or the error that kept it.
func (h *Handler) handleDraft(c *gin.Context, status int, d apply.Draft, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	app, it := d.Application, d.Item
	v := citizenApplicationView{Case: h.caseView(c.Request.Context(), d.Case), Materials: materialViews(it, app.Materials, app.Promised),
		Promised: app.Promised, Missing: d.Missing, Ready: d.Ready}
	if v.Promised == nil {
		v.Promised = []workflow.PromisedMaterial{}
	}
	if it.TrustFirst {
		v.Commitment = &citizenCommitmentView{TemplateVersion: it.Commitment.TemplateVersion, Text: it.Commitment.Text,
			TextHash: it.Commitment.TextHash, Signed: app.Signature}
	}
	if app.Delivery != nil {
		v.Delivery = &citizenDeliveryView{Method: app.Delivery.Method, AddressID: app.Delivery.AddressRef, Address: d.Address}
	}
	c.JSON(status, v)
}

// citizenApplication returns a case's application.
func (h *Handler) citizenApplication(c *gin.Context) {
	f, _, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	d, err := h.citizen.Applications.Application(c.Request.Context(), f)
	h.handleDraft(c, http.StatusOK, d, err)
}

type citizenSignRequest struct {
	TemplateVersion string `json:"template_version"`
	TextHash        string `json:"text_hash"`
}

// citizenSign records the signature of the commitment letter (告知承诺书).
func (h *Handler) citizenSign(c *gin.Context) {
	var req citizenSignRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	f, cc, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	d, err := h.citizen.Applications.Sign(c.Request.Context(), f, cc, req.TemplateVersion, req.TextHash)
	h.handleDraft(c, http.StatusOK, d, err)
}

type citizenPromiseRequest struct {
	Items []workflow.PromisedMaterial `json:"items"`
}

// citizenPromise records the non-core materials promised for later (容缺).
func (h *Handler) citizenPromise(c *gin.Context) {
	var req citizenPromiseRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	f, _, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	d, err := h.citizen.Applications.Promise(c.Request.Context(), f, req.Items)
	h.handleDraft(c, http.StatusOK, d, err)
}

type citizenDeliveryRequest struct {
	Method    workflow.DeliveryMethod `json:"method"`
	AddressID string                  `json:"address_id,omitempty"`
}

// citizenDelivery records how the result is delivered.
func (h *Handler) citizenDelivery(c *gin.Context) {
	var req citizenDeliveryRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	f, cc, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	d, err := h.citizen.Applications.Deliver(c.Request.Context(), f, cc.Citizen, req.Method, req.AddressID)
	h.handleDraft(c, http.StatusOK, d, err)
}
