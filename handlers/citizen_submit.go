package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

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
// with the same key gets the same answer and changes nothing.
func (h *Handler) citizenSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	f, cc, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	idem, err := idempotencyKey(c, "citizen-submit:"+f.Case.ApplicantID, struct{}{})
	if err != nil {
		h.fail(c, err)
		return
	}
	done, err := h.citizen.Applications.Submit(ctx, f, cc.Citizen, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, citizenSubmitResponse{Case: h.caseView(ctx, done),
		Path: citizenPathView{TrustFirst: done.TrustFirst, Reason: done.PathReason, Note: done.PathNote}})
}
