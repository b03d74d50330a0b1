package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// citizenItemSummary is an item in the catalogue list.
type citizenItemSummary struct {
	Code            string                    `json:"code"`
	Name            string                    `json:"name"`
	Department      string                    `json:"department"`
	DepartmentName  string                    `json:"department_name"`
	PromisedDays    int                       `json:"promised_days"`
	LegalDays       int                       `json:"legal_days"`
	FeeFen          int64                     `json:"fee_fen"`
	TrustFirst      bool                      `json:"trust_first"`
	ApproveOnCommit bool                      `json:"approve_on_commit"`
	Delivery        []workflow.DeliveryMethod `json:"delivery"`
}

func itemSummary(it workflow.Item) citizenItemSummary {
	return citizenItemSummary{Code: it.Code, Name: it.Name, Department: it.Department, DepartmentName: it.DepartmentName,
		PromisedDays: it.PromisedDays, LegalDays: it.LegalDays, FeeFen: it.FeeFen(), TrustFirst: it.TrustFirst,
		ApproveOnCommit: it.ApproveOnCommit, Delivery: it.Delivery}
}

const maxQuery = 64

// citizenItems browses and searches the catalogue, paged.
func (h *Handler) citizenItems(c *gin.Context) {
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	dept := c.Query("department")
	if len([]rune(q)) > maxQuery || len(dept) > maxQuery {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_query", "查询参数过长", nil})
		return
	}
	p, err := readPage(c, 20, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	offset, err := p.idKey()
	matched := citizen.Search(h.svc.Engine().Catalogue(), q, dept)
	if err == nil && offset > int64(len(matched)) {
		err = workflow.ErrBadCursor
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	from, to := int(offset), min(len(matched), int(offset)+p.Limit)
	page := []citizenItemSummary{}
	for _, it := range matched[from:to] {
		page = append(page, itemSummary(it))
	}
	next := ""
	if to < len(matched) {
		next = idCursor(int64(to))
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": page, "total": len(matched), "limit": p.Limit}, next))
}

type citizenItemMaterial struct {
	Code               string              `json:"code"`
	Name               string              `json:"name"`
	Source             workflow.SourceKind `json:"source"`
	Core               bool                `json:"core"`
	Optional           bool                `json:"optional"`
	VerifyOnCompletion bool                `json:"verify_on_completion"`
}

type citizenItemDetail struct {
	citizenItemSummary
	Fees       []workflow.Fee        `json:"fees"`
	Materials  []citizenItemMaterial `json:"materials"`
	Commitment *workflow.Commitment  `json:"commitment,omitempty"`
}

// citizenItem returns one item with its materials and, for a trust-first
// item, the commitment letter to show and sign (with the SM3 hash of its
// exact text).
func (h *Handler) citizenItem(c *gin.Context) {
	it, err := citizen.Item(h.svc.Engine().Catalogue(), c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	d := citizenItemDetail{citizenItemSummary: itemSummary(it), Fees: it.Fees, Materials: []citizenItemMaterial{}}
	if d.Fees == nil {
		d.Fees = []workflow.Fee{}
	}
	for _, m := range it.Materials {
		d.Materials = append(d.Materials, citizenItemMaterial{Code: m.Code, Name: m.Name, Source: m.Source.Kind(),
			Core: m.Core, Optional: m.Optional, VerifyOnCompletion: m.VerifyOnCompletion})
	}
	if it.TrustFirst {
		cm := it.Commitment
		d.Commitment = &cm
	}
	c.JSON(http.StatusOK, d)
}

// citizenPrefill shows, for an item, which materials the government holds
// for the caller (or the business they name) and which are still needed.
func (h *Handler) citizenPrefill(c *gin.Context) {
	it, err := citizen.Item(h.svc.Engine().Catalogue(), c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	ps, err := h.citizen.People.PrefillFor(c.Request.Context(), mustCaller(c), it, c.Query("business_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"item_code": it.Code, "materials": materialViews(it, applicationMaterials(ps), nil)})
}

// mustPrincipal is who applies: the caller, or a business they act for.
func (h *Handler) mustPrincipal(c *gin.Context, cc citizenCaller, businessID string) (citizen.Citizen, bool) {
	p, err := h.citizen.People.Principal(c.Request.Context(), cc, businessID)
	if err != nil {
		h.fail(c, err)
		return citizen.Citizen{}, false
	}
	return p, true
}
