package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
)

// queueFilters are the filters a queue request may carry, in the query
// string (listing) or the body (claim next).
type queueFilters struct {
	Item          string `json:"item"`
	State         string `json:"state"`
	TrustFirst    *bool  `json:"trust_first"`
	ApplicantType string `json:"applicant_type"`
	Claimed       string `json:"claimed"`
}

// mustQuery turns the filters into a store query over the departments the
// caller may see; it fails with an *APIError on a bad filter.
func (h *Handler) mustQuery(c *gin.Context, f queueFilters, kind models.QueueKind) (models.QueueQuery, error) {
	sub := subjectOf(c)
	q := models.QueueQuery{Kind: kind, Departments: []string{sub.Department}, ItemCode: f.Item, TrustFirst: f.TrustFirst,
		StaffID: sub.ID, Now: h.staffNow(), Claimed: f.Claimed}
	if sub.HasRole(string(models.RoleAdministrator)) {
		q.Departments = nil
		if d := c.Query("department"); d != "" {
			q.Departments = []string{d}
		}
	}
	bad := func(field, msg string) (models.QueueQuery, error) {
		return models.QueueQuery{}, &APIError{http.StatusBadRequest, "invalid_query", msg, map[string]string{"field": field}}
	}
	if len(f.Item) > 64 {
		return bad("item", "事项编码不正确")
	}
	if f.State != "" {
		st, err := workflow.ParseStatus(f.State)
		if err != nil {
			return bad("state", "办件状态不正确")
		}
		q.Status = st
	}
	switch t := workflow.ApplicantType(f.ApplicantType); t {
	case "", workflow.ApplicantPerson, workflow.ApplicantBusiness:
		q.ApplicantType = t
	default:
		return bad("applicant_type", "申请人类型须为 person 或 business")
	}
	switch f.Claimed {
	case models.ClaimedAny, models.ClaimedMine, models.ClaimedFree, models.ClaimedOthers:
	default:
		return bad("claimed", "claimed 须为 mine、free 或 others")
	}
	return q, nil
}

// mustFilters reads the filters from the query string.
func mustFilters(c *gin.Context) (queueFilters, error) {
	f := queueFilters{Item: c.Query("item"), State: c.Query("state"), ApplicantType: c.Query("applicant_type"), Claimed: c.Query("claimed")}
	if raw := c.Query("trust_first"); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return queueFilters{}, &APIError{http.StatusBadRequest, "invalid_query", "trust_first 须为 true 或 false", map[string]string{"field": "trust_first"}}
		}
		f.TrustFirst = &v
	}
	return f, nil
}

// handleQueue answers a page of a queue.
func (h *Handler) handleQueue(c *gin.Context, kind models.QueueKind) {
	f, err := mustFilters(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	q, err := h.mustQuery(c, f, kind)
	if err != nil {
		h.fail(c, err)
		return
	}
	if q.Limit, err = queryInt(c, "limit", 20, 1, 100); err != nil {
		h.fail(c, err)
		return
	}
	if q.Cursor = c.Query("cursor"); len(q.Cursor) > 512 {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "分页游标不正确", map[string]string{"field": "cursor"}})
		return
	}
	page, err := h.staff.Store.Queue(c.Request.Context(), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	me := subjectOf(c).ID
	items := make([]caseSummary, 0, len(page.Items))
	for _, e := range page.Items {
		items = append(items, h.summarize(e.Case, e.Claim, me))
	}
	if err := h.nameClaims(c.Request.Context(), items); err != nil {
		h.fail(c, err)
		return
	}
	resp := gin.H{"items": items, "total": page.Total}
	if page.NextCursor != "" {
		resp["next_cursor"] = page.NextCursor
	}
	c.JSON(http.StatusOK, resp)
}

// staffQueue pages through the department's work queue: red card first,
// then yellow, then by deadline.
func (h *Handler) staffQueue(c *gin.Context) { h.handleQueue(c, models.WorkQueue) }

// staffVerifications pages through the department's trust-first cases
// awaiting verification on completion by a clerk, overdue first.
func (h *Handler) staffVerifications(c *gin.Context) { h.handleQueue(c, models.VerificationQueue) }

type claimNextRequest struct {
	queueFilters
	Queue string `json:"queue"`
}

// staffClaimNext claims the most urgent free case of the caller's queue
// that the filters select.
func (h *Handler) staffClaimNext(c *gin.Context) {
	var req claimNextRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			h.fail(c, err)
			return
		}
	}
	kind := models.WorkQueue
	switch req.Queue {
	case "", string(models.WorkQueue):
	case string(models.VerificationQueue):
		kind = models.VerificationQueue
	default:
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_field", "queue 须为 work 或 verification", map[string]string{"field": "queue"}})
		return
	}
	req.Claimed = ""
	q, err := h.mustQuery(c, req.queueFilters, kind)
	if err != nil {
		h.fail(c, err)
		return
	}
	sub := subjectOf(c)
	e, err := h.staff.Store.ClaimNext(c.Request.Context(), q, sub.ID, h.staff.ClaimLease)
	if isNotFound(err) {
		h.fail(c, &APIError{http.StatusNotFound, "queue_empty", "队列中暂无可领取的办件", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(e.Claim, sub.ID), "case": h.summarize(e.Case, e.Claim, sub.ID)})
}
