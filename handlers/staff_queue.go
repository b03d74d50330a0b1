package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/staff"
)

// queueFilter reads the filters of a queue from the query string.
func queueFilter(query func(string) string) (staff.QueueFilter, error) {
	f := staff.QueueFilter{Item: query("item"), State: query("state"), ApplicantType: query("applicant_type"), Claimed: query("claimed")}
	if raw := query("trust_first"); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return staff.QueueFilter{}, &APIError{http.StatusBadRequest, "invalid_query", "trust_first 须为 true 或 false", map[string]string{"field": "trust_first"}}
		}
		f.TrustFirst = &v
	}
	return f, nil
}

// handleQueue answers a page of a queue.
func (h *Handler) handleQueue(c *gin.Context, kind staff.QueueKind) {
	f, err := queueFilter(c.Query)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, err := readPage(c, 20, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	page, err := h.staff.Service.Queue(c.Request.Context(), who, staff.QueueRequest{Kind: kind, Filter: f,
		Department: c.Query("department"), Cursor: p.Key, Limit: p.Limit})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": h.summaries(page, who.ID), "total": page.Total}, page.NextCursor))
}

// summaries are the cases of a page of a queue.
func (h *Handler) summaries(page staff.QueuePage, me string) []caseSummary {
	items := make([]caseSummary, 0, len(page.Items))
	for _, e := range page.Items {
		s := h.summarize(e.Case, e.Claim, me, page.Names)
		s.ApplicantName = page.Applicants[e.Case.ApplicantID]
		items = append(items, s)
	}
	return items
}

// staffQueue pages through the department's work queue: red card first,
// then yellow, then by deadline.
func (h *Handler) staffQueue(c *gin.Context) { h.handleQueue(c, staff.WorkQueue) }

// staffVerifications pages through the department's trust-first cases
// awaiting verification on completion by a clerk, overdue first.
func (h *Handler) staffVerifications(c *gin.Context) { h.handleQueue(c, staff.VerificationQueue) }

// staffClaimNext claims the most urgent free case of the caller's queue
// that the filters select.
func (h *Handler) staffClaimNext(c *gin.Context) {
	var req staff.ClaimNextRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	who := subjectOf(c).staff()
	e, err := h.staff.Service.ClaimNext(c.Request.Context(), who, req, c.Query("department"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(e.Claim, who.ID), "case": h.summarize(e.Case, e.Claim, who.ID, nil)})
}
