package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/credit"
	"zerovisit/models"
	"zerovisit/workflow"
)

// citizenSubmitResponse is the answer to a submission: the case, and which
// path it took and why.
type citizenSubmitResponse struct {
	Case citizenCaseView `json:"case"`
	Path citizenPathView `json:"path"`
}

type citizenPathView struct {
	TrustFirst bool                `json:"trust_first"`
	Reason     workflow.PathReason `json:"reason"`
	Note       string              `json:"note"`
}

// citizenSubmit submits a draft. It requires an Idempotency-Key: a retry
// with the same key gets the same answer and changes nothing. The credit
// library is asked for the applicant's standing; the answer says whether
// the case was trusted first (告知承诺) or takes the ordinary path, and why.
func (h *Handler) citizenSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	cs, app, cc, ok := h.mustDraft(c)
	if !ok {
		return
	}
	idem, err := idempotencyKey(c, "citizen-submit:"+cs.ApplicantID, struct{}{})
	if err != nil {
		h.fail(c, err)
		return
	}
	if idem == nil {
		h.fail(c, &APIError{http.StatusBadRequest, "idempotency_key_required", "提交申请须携带 Idempotency-Key 请求头", nil})
		return
	}
	ev, err := h.submission(ctx, cs, app, cc)
	if err != nil && cs.Status == workflow.StatusDraft {
		h.fail(c, err)
		return
	}
	// A submitted case is answered from the stored reply to its key (or
	// refused as an invalid transition when the key is new).
	done, err := h.svc.Do(ctx, cs.ID, ev, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, citizenSubmitResponse{Case: h.caseView(ctx, done),
		Path: citizenPathView{TrustFirst: done.TrustFirst, Reason: done.PathReason, Note: done.PathNote}})
}

// submission builds the workflow's Submit from the application; cc is the
// caller, who is the applicant unless acting for a business.
func (h *Handler) submission(ctx context.Context, cs workflow.Case, app models.Application, cc citizenCaller) (workflow.Submit, error) {
	ev := workflow.Submit{Meta: workflow.Meta{Actor: actorFor(cs), At: h.citizenNow()}, Signature: app.Signature, Promised: app.Promised}
	it, err := h.svc.Engine().Catalogue().Lookup(cs.ItemCode)
	if err != nil {
		return ev, err
	}
	var missing []string
	for _, v := range materialViews(it, app.Materials, app.Promised) {
		if v.Needed {
			missing = append(missing, v.Code)
		}
	}
	if len(missing) > 0 {
		return ev, &APIError{http.StatusUnprocessableEntity, "materials_missing", "还有材料未提供", map[string]any{"materials": missing}}
	}
	if app.Delivery == nil {
		return ev, &APIError{http.StatusUnprocessableEntity, "delivery_required", "请选择办理结果的送达方式", nil}
	}
	ev.Delivery = *app.Delivery
	for _, am := range app.Materials {
		switch {
		case am.Held:
			ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: am.Code, Source: am.Source, Ref: am.Ref})
		case am.Upload != nil:
			ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: am.Code, Source: workflow.SourceUpload,
				Ref: am.Upload.Key, Note: am.Note})
		}
	}
	principal := cc.Citizen
	if principal.ID != cs.ApplicantID {
		var err error
		if principal, err = h.citizen.Citizens.Get(ctx, cs.ApplicantID); err != nil {
			return ev, err
		}
	}
	ev.Credit = credit.StatusOf(h.citizen.Credit.Status(ctx, principal.IDNumber))
	return ev, nil
}
