package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// maxStaffText bounds every free text a member of staff writes.
const maxStaffText = 500

// checkText refuses a text over maxStaffText characters, or an empty one
// when required.
func checkText(field, value string, required bool) error {
	n := utf8.RuneCountInString(strings.TrimSpace(value))
	switch {
	case required && n == 0:
		return &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写" + fieldName(field), map[string]string{"field": field}}
	case utf8.RuneCountInString(value) > maxStaffText:
		return &APIError{http.StatusUnprocessableEntity, "invalid_field", fieldName(field) + "不能超过500字", map[string]string{"field": field}}
	}
	return nil
}

func fieldName(field string) string {
	if n, ok := map[string]string{"reason": "理由", "note": "说明", "opinion": "审查意见", "legal_basis": "法律依据",
		"outcome": "结论", "items": "补正内容"}[field]; ok {
		return n
	}
	return field
}

// handleAct runs a workflow event of the caller on the case in the path:
// the caller must hold the case's claim. build turns the bound request into
// the event. An Idempotency-Key header makes a retry answer as the first
// time. The answer is the case after the event.
func (h *Handler) handleAct(c *gin.Context, req any, build func(m workflow.Meta) (workflow.Event, error)) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(c, errTooLarge(tooBig.Limit))
			return
		}
		h.fail(c, &APIError{http.StatusBadRequest, "unreadable_body", "请求内容无法读取", nil})
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	if err := bindJSON(c, req); err != nil {
		h.fail(c, err)
		return
	}
	cs, ok := h.mustDeptCase(c)
	if !ok {
		return
	}
	sub := subjectOf(c)
	cl, err := h.liveClaim(c.Request.Context(), cs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if cl == nil || cl.StaffID != sub.ID {
		if cl != nil {
			h.fail(c, &APIError{http.StatusConflict, "claimed_by_other", "该办件已由其他工作人员领取",
				map[string]any{"staff_id": cl.StaffID, "expires_at": cl.ExpiresAt}})
			return
		}
		h.fail(c, &APIError{http.StatusConflict, "claim_required", "请先领取该办件", nil})
		return
	}
	ev, err := build(workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: sub.ID}})
	if err != nil {
		h.fail(c, err)
		return
	}
	var idem *workflow.IdempotencyRequest
	if key := c.GetHeader("Idempotency-Key"); key != "" {
		if len(key) > 128 {
			h.fail(c, &APIError{http.StatusBadRequest, "invalid_header", "幂等键过长", map[string]string{"header": "Idempotency-Key"}})
			return
		}
		sum := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.Path+"\n"), body...))
		idem = &workflow.IdempotencyRequest{Scope: sub.Key(), Key: key, RequestHash: hex.EncodeToString(sum[:])}
	}
	after, err := h.svc.Do(c.Request.Context(), cs.ID, ev, idem)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.log.InfoContext(c.Request.Context(), "staff action", "request_id", requestID(c), "staff_id", sub.ID, "case_id", cs.ID,
		"event", ev.EventName(), "status", after.Status)
	if after.Department != cs.Department {
		// Transferred: the case left this department's queue.
		_ = h.staff.Store.Release(c.Request.Context(), cs.ID, sub.ID, h.staffNow())
		cl = nil
	}
	c.JSON(http.StatusOK, h.detail(after, cl, sub))
}

type noteRequest struct {
	Note string `json:"note"`
}

// staffAccept accepts an ordinary-path application (受理).
func (h *Handler) staffAccept(c *gin.Context) {
	var req noteRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if err := checkText("note", req.Note, false); err != nil {
			return nil, err
		}
		return workflow.Accept{Meta: m, Note: req.Note}, nil
	})
}

type supplementRequest struct {
	Items []workflow.SupplementItem `json:"items"`
	Note  string                    `json:"note"`
}

// staffSupplement asks the applicant for a correction (补正): what and why.
func (h *Handler) staffSupplement(c *gin.Context) {
	var req supplementRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if len(req.Items) == 0 || len(req.Items) > 50 {
			return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请列明需要补正的内容（至多50项）", map[string]string{"field": "items"}}
		}
		for _, it := range req.Items {
			if err := checkText("reason", it.Reason, true); err != nil {
				return nil, err
			}
		}
		if err := checkText("note", req.Note, false); err != nil {
			return nil, err
		}
		return workflow.RequestSupplement{Meta: m, Items: req.Items, Note: req.Note}, nil
	})
}

type approveRequest struct {
	Opinion string `json:"opinion"`
}

// staffApprove grants the application; the result licence is issued by the
// workflow's effect.
func (h *Handler) staffApprove(c *gin.Context) {
	var req approveRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if err := checkText("opinion", req.Opinion, false); err != nil {
			return nil, err
		}
		return workflow.Approve{Meta: m, Opinion: req.Opinion}, nil
	})
}

type rejectRequest struct {
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
}

// staffReject refuses the application with its reason and legal basis.
func (h *Handler) staffReject(c *gin.Context) {
	var req rejectRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if err := checkText("reason", req.Reason, true); err != nil {
			return nil, err
		}
		if err := checkText("legal_basis", req.LegalBasis, true); err != nil {
			return nil, err
		}
		return workflow.Reject{Meta: m, Reason: req.Reason, LegalBasis: req.LegalBasis}, nil
	})
}

type specialRequest struct {
	Kind   workflow.ProcedureKind `json:"kind"`
	Reason string                 `json:"reason"`
	Days   int                    `json:"days"`
}

// staffStartSpecial starts a special procedure (特别程序), pausing the clock.
func (h *Handler) staffStartSpecial(c *gin.Context) {
	var req specialRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		return workflow.StartSpecialProcedure{Meta: m, Kind: req.Kind, Reason: req.Reason, Days: req.Days}, nil
	})
}

type specialEndRequest struct {
	Outcome string `json:"outcome"`
}

// staffEndSpecial ends the special procedure with its outcome.
func (h *Handler) staffEndSpecial(c *gin.Context) {
	var req specialEndRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		return workflow.EndSpecialProcedure{Meta: m, Outcome: req.Outcome}, nil
	})
}

type transferRequest struct {
	Department string `json:"department"`
	Reason     string `json:"reason"`
}

// staffTransfer hands an undecided case to another department (转办).
func (h *Handler) staffTransfer(c *gin.Context) {
	var req transferRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if !h.isDepartment(req.Department) {
			return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "转办部门不存在", map[string]string{"field": "department"}}
		}
		return workflow.Transfer{Meta: m, Department: req.Department, Reason: req.Reason}, nil
	})
}

// staffDispatch sends the approved result out (结果发放).
func (h *Handler) staffDispatch(c *gin.Context) {
	var req noteRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if err := checkText("note", req.Note, false); err != nil {
			return nil, err
		}
		return workflow.Dispatch{Meta: m, Note: req.Note}, nil
	})
}

type verifyRequest struct {
	Results []struct {
		Material string `json:"material"`
		Passed   bool   `json:"passed"`
		Evidence string `json:"evidence"`
		Note     string `json:"note"`
	} `json:"results"`
}

// staffVerify records the clerk's checks of a trust-first case's
// materials: all passed closes it, a failure revokes the decision.
func (h *Handler) staffVerify(c *gin.Context) {
	var req verifyRequest
	h.handleAct(c, &req, func(m workflow.Meta) (workflow.Event, error) {
		if len(req.Results) == 0 || len(req.Results) > 50 {
			return nil, &APIError{http.StatusUnprocessableEntity, "invalid_field", "请填写核验结果", map[string]string{"field": "results"}}
		}
		ev := workflow.RecordVerification{Meta: m}
		for _, r := range req.Results {
			if err := checkText("note", r.Note, !r.Passed); err != nil {
				return nil, err
			}
			if err := checkText("evidence", r.Evidence, false); err != nil {
				return nil, err
			}
			ev.Results = append(ev.Results, workflow.VerificationResult{Material: r.Material, Passed: r.Passed, Evidence: r.Evidence, Note: r.Note})
		}
		return ev, nil
	})
}
