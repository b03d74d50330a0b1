package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

type citizenDraftRequest struct {
	ItemCode   string `json:"item_code"`
	BusinessID string `json:"business_id,omitempty"`
}

// citizenCreateDraft opens a draft case with a fresh case number and works
// out which materials the government already holds. With an
// Idempotency-Key a retry answers with the same draft.
func (h *Handler) citizenCreateDraft(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenDraftRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	if !h.mustBeVerified(c, cc) {
		return
	}
	it, err := h.svc.Engine().Catalogue().Lookup(req.ItemCode)
	if err != nil {
		h.fail(c, &APIError{http.StatusNotFound, "item_not_found", "办理事项不存在", nil})
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
	if idem == nil || !h.citizenReplay(ctx, idem) {
		open, err := h.citizen.Cases.CasesOfApplicants(ctx, []string{principal.ID}, workflow.StatusDraft, "", maxOpenDrafts)
		if err != nil {
			h.fail(c, err)
			return
		}
		if len(open.Cases) >= maxOpenDrafts {
			h.fail(c, &APIError{http.StatusConflict, "too_many_drafts", "未提交的草稿过多，请先提交或撤回已有的草稿", map[string]int{"limit": maxOpenDrafts}})
			return
		}
	}
	now := h.citizenNow()
	number, err := h.citizen.Cases.NextCaseNumber(ctx, now)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := workflow.Draft{ID: h.citizen.Citizens.NewID(), Number: number, ItemCode: it.Code, ApplicantID: principal.ID,
		Channel: cc.Account.Channel, Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: principal.ID}, At: now,
		ApplicantType: workflow.ApplicantPerson}
	if principal.Kind == models.KindBusiness {
		d.ApplicantType = workflow.ApplicantBusiness
	}
	cs, err := h.svc.Create(ctx, d, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	app, err := h.citizen.Citizens.Application(ctx, cs.ID)
	if errors.Is(err, workflow.ErrNotFound) {
		app = models.Application{CaseID: cs.ID, PrincipalID: principal.ID, PersonID: cc.Citizen.ID, Channel: cc.Account.Channel,
			Materials: h.prefill(ctx, it, principal, cc.Citizen)}
		if err = h.citizen.Citizens.CreateApplication(ctx, app); errors.Is(err, workflow.ErrDuplicate) {
			app, err = h.citizen.Citizens.Application(ctx, cs.ID)
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.handleApplication(c, http.StatusCreated, cs, app)
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

func (h *Handler) handleApplication(c *gin.Context, status int, cs workflow.Case, app models.Application) {
	ctx := c.Request.Context()
	it, err := h.svc.Engine().Catalogue().Lookup(cs.ItemCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := citizenApplicationView{Case: h.caseView(ctx, cs), Materials: materialViews(it, app.Materials, app.Promised),
		Promised: app.Promised, Missing: []string{}}
	if v.Promised == nil {
		v.Promised = []workflow.PromisedMaterial{}
	}
	if it.TrustFirst {
		v.Commitment = &citizenCommitmentView{TemplateVersion: it.Commitment.TemplateVersion, Text: it.Commitment.Text,
			TextHash: it.Commitment.TextHash, Signed: app.Signature}
	}
	if app.Delivery != nil {
		v.Delivery = &citizenDeliveryView{Method: app.Delivery.Method, AddressID: app.Delivery.AddressRef}
		if app.Delivery.AddressRef != "" {
			if a, err := h.citizen.Citizens.AddressOf(ctx, app.PersonID, app.Delivery.AddressRef); err == nil {
				v.Delivery.Address = maskAddress(a)
			}
		}
	}
	for _, m := range v.Materials {
		if m.Needed {
			v.Missing = append(v.Missing, m.Code)
		}
	}
	v.Ready = len(v.Missing) == 0 && app.Delivery != nil && cs.Status == workflow.StatusDraft
	c.JSON(status, v)
}

// maskAddress shows the region and hides the street address.
func maskAddress(a models.Address) string {
	return a.Region + "****（" + ident.MaskName(a.Recipient) + " " + ident.MaskPhone(a.Phone) + "）"
}

// draftOf loads the caller's draft and its application.
func (h *Handler) mustDraft(c *gin.Context) (workflow.Case, models.Application, citizenCaller, bool) {
	ctx := c.Request.Context()
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return workflow.Case{}, models.Application{}, cc, false
	}
	app, err := h.citizen.Citizens.Application(ctx, cs.ID)
	if errors.Is(err, workflow.ErrNotFound) {
		h.fail(c, errApplicationNotFound)
		return workflow.Case{}, models.Application{}, cc, false
	}
	if err != nil {
		h.fail(c, err)
		return workflow.Case{}, models.Application{}, cc, false
	}
	return cs, app, cc, true
}

var errApplicationNotFound = &APIError{http.StatusNotFound, "application_not_found", "未找到该办件的申请表", nil}

var errNotDraft = &APIError{http.StatusConflict, "not_a_draft", "办件已提交，不能再修改申请内容", nil}

// editDraft applies edit to the caller's draft application and answers
// with the application.
func (h *Handler) handleEditDraft(c *gin.Context, edit func(workflow.Item, citizenCaller, *models.Application) error) {
	ctx := c.Request.Context()
	cs, cc, ok := h.mustOwnCase(c)
	if !ok {
		return
	}
	if cs.Status != workflow.StatusDraft {
		h.fail(c, errNotDraft)
		return
	}
	it, err := h.svc.Engine().Catalogue().Lookup(cs.ItemCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	var editErr error
	app, err := h.citizen.Citizens.UpdateApplication(ctx, cs.ID, func(a *models.Application) error {
		editErr = edit(it, cc, a)
		return editErr
	})
	if editErr == nil && errors.Is(err, workflow.ErrNotFound) {
		h.fail(c, errApplicationNotFound)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.handleApplication(c, http.StatusOK, cs, app)
}

// citizenApplication returns a case's application.
func (h *Handler) citizenApplication(c *gin.Context) {
	cs, app, _, ok := h.mustDraft(c)
	if !ok {
		return
	}
	h.handleApplication(c, http.StatusOK, cs, app)
}

type citizenSignRequest struct {
	TemplateVersion string `json:"template_version"`
	TextHash        string `json:"text_hash"`
}

// citizenSign records the signature of the commitment letter (告知承诺书):
// the template version and the SM3 hash of the exact text shown, with the
// time and channel. A hash that does not match the current template's
// text is refused: the applicant was shown other wording.
func (h *Handler) citizenSign(c *gin.Context) {
	var req citizenSignRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	h.handleEditDraft(c, func(it workflow.Item, cc citizenCaller, a *models.Application) error {
		switch {
		case !it.TrustFirst:
			return &APIError{http.StatusUnprocessableEntity, "commitment_not_offered", "该事项未实行告知承诺制", nil}
		case req.TemplateVersion == "" || len(req.TemplateVersion) > 64 || len(req.TextHash) != 64:
			return &APIError{http.StatusUnprocessableEntity, "invalid_commitment", "承诺书版本或摘要不正确", nil}
		case req.TemplateVersion == it.Commitment.TemplateVersion && req.TextHash != it.Commitment.TextHash:
			return &APIError{http.StatusUnprocessableEntity, "commitment_text_mismatch", "所签承诺书内容与现行版本不一致，请重新阅读后签署", nil}
		}
		a.Signature = &workflow.Signature{TemplateVersion: req.TemplateVersion, TextHash: req.TextHash,
			SignedAt: h.citizenNow(), Channel: cc.Account.Channel}
		return nil
	})
}

type citizenPromiseRequest struct {
	Items []workflow.PromisedMaterial `json:"items"`
}

// citizenPromise records the non-core materials promised for later (容缺);
// the workflow checks the due dates against the item's time limit at
// submission. An empty list withdraws every promise.
func (h *Handler) citizenPromise(c *gin.Context) {
	var req citizenPromiseRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	h.handleEditDraft(c, func(it workflow.Item, _ citizenCaller, a *models.Application) error {
		seen := map[string]bool{}
		for _, p := range req.Items {
			m, ok := it.Material(p.Code)
			am := a.Material(p.Code)
			switch {
			case !ok || am == nil:
				return &APIError{http.StatusUnprocessableEntity, "unknown_material", "材料不属于该事项", map[string]string{"material": p.Code}}
			case m.Core:
				return &APIError{http.StatusUnprocessableEntity, "core_material", m.Name + "为核心材料，不能容缺", map[string]string{"material": p.Code}}
			case am.Held || am.Upload != nil:
				return &APIError{http.StatusUnprocessableEntity, "material_provided", m.Name + "已提供，无需承诺", map[string]string{"material": p.Code}}
			case p.Due.IsZero() || seen[p.Code]:
				return &APIError{http.StatusUnprocessableEntity, "invalid_promise", "请为每项容缺材料填写一个补齐日期", map[string]string{"material": p.Code}}
			}
			seen[p.Code] = true
		}
		a.Promised = slices.Clone(req.Items)
		return nil
	})
}

type citizenDeliveryRequest struct {
	Method    workflow.DeliveryMethod `json:"method"`
	AddressID string                  `json:"address_id,omitempty"`
}

// citizenDelivery records how the result is delivered; a courier delivery
// (or an item whose originals a courier collects) needs an address from
// the caller's address book.
func (h *Handler) citizenDelivery(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenDeliveryRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	h.handleEditDraft(c, func(it workflow.Item, cc citizenCaller, a *models.Application) error {
		switch {
		case !req.Method.Valid() || !it.Offers(req.Method):
			return &APIError{http.StatusUnprocessableEntity, "delivery_not_offered", "该事项不支持所选送达方式", map[string]string{"field": "method"}}
		case (req.Method == workflow.DeliveryCourier || it.NeedsOriginalsPickup) && req.AddressID == "":
			return &APIError{http.StatusUnprocessableEntity, "address_required", "请选择收件地址", map[string]string{"field": "address_id"}}
		}
		if req.AddressID != "" {
			if _, err := h.citizen.Citizens.AddressOf(ctx, cc.Citizen.ID, req.AddressID); err != nil {
				if errors.Is(err, workflow.ErrNotFound) {
					return &APIError{http.StatusUnprocessableEntity, "address_not_found", "收件地址不存在", map[string]string{"field": "address_id"}}
				}
				return err
			}
		}
		a.Delivery = &workflow.Delivery{Method: req.Method, AddressRef: req.AddressID}
		return nil
	})
}

// maxOpenDrafts bounds the drafts one applicant keeps open: enough for any
// real errand, and a stop to a script filling the store.
const maxOpenDrafts = 20

// citizenReplay reports whether idem was answered before: a retried
// request replays its first answer and must not be refused by limits the
// first one passed.
func (h *Handler) citizenReplay(ctx context.Context, idem *workflow.IdempotencyRequest) bool {
	_, err := h.citizen.Cases.Idempotency(ctx, idem.Scope, idem.Key)
	return err == nil
}
