package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/basedata"
	"zerovisit/models"
	"zerovisit/workflow"
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
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		h.fail(c, err)
		return
	}
	offset, err := queryInt(c, "offset", 0, 0, 100000)
	if err != nil {
		h.fail(c, err)
		return
	}
	var matched []citizenItemSummary
	for _, it := range h.svc.Engine().Catalogue().Items() {
		if dept != "" && it.Department != dept {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(it.Name), q) && !strings.Contains(strings.ToLower(it.Code), q) &&
			!strings.Contains(it.DepartmentName, q) {
			continue
		}
		matched = append(matched, itemSummary(it))
	}
	page := []citizenItemSummary{}
	if offset < len(matched) {
		page = matched[offset:min(len(matched), offset+limit)]
	}
	c.JSON(http.StatusOK, gin.H{"items": page, "total": len(matched), "offset": offset, "limit": limit})
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
	it, err := h.svc.Engine().Catalogue().Lookup(c.Param("code"))
	if err != nil {
		h.fail(c, &APIError{http.StatusNotFound, "item_not_found", "办理事项不存在", nil})
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

// Notes on why a material must be uploaded although the item names a library.
const (
	notePopulationUnavailable = "人口库暂不可用，请上传材料"
	notePopulationNone        = "人口库中未查到相关信息，请上传材料"
	noteLibraryError          = "共享数据查询失败，请上传材料"
	noteSharedByDepartment    = "由审批部门通过数据共享获取"
)

// prefill works out, for an item and an applicant, which materials the
// government already holds (e-license library, base data) and which the
// applicant must still provide, and why. A library that cannot be asked
// degrades to an upload with the reason noted.
func (h *Handler) prefill(ctx context.Context, it workflow.Item, principal, person models.Citizen) []models.ApplicationMaterial {
	out := make([]models.ApplicationMaterial, 0, len(it.Materials))
	for _, m := range it.Materials {
		am := models.ApplicationMaterial{Code: m.Code}
		switch m.Source.Kind() {
		case workflow.SourceELicense:
			res, err := h.citizen.Licences.Lookup(ctx, principal.IDNumber, m.Source.Arg())
			switch {
			case err != nil:
				am.Note = noteLibraryError
			case len(res.Licences) > 0:
				am.Held, am.Source, am.Ref = true, workflow.SourceELicense, res.Licences[0].ID
			default:
				am.Note = res.Reason
			}
		case workflow.SourceBaseData:
			am.Held, am.Note = h.baseDataHeld(ctx, m.Source.Arg(), person)
			if am.Held {
				// The reference names the field and the principal, never the data.
				am.Source, am.Ref = workflow.SourceBaseData, m.Source.Arg()+"@"+principal.ID
			}
		}
		out = append(out, am)
	}
	return out
}

// baseDataHeld says whether a base-data field is held for the person.
func (h *Handler) baseDataHeld(ctx context.Context, field string, person models.Citizen) (bool, string) {
	switch field {
	case "identity":
		return person.Verified(), ""
	case basedata.FieldName, basedata.FieldAddress, basedata.FieldHousehold:
		r, err := h.citizen.Identity.Resident(ctx, person.IDNumber, []string{field})
		switch {
		case errors.Is(err, workflow.ErrUnavailable):
			return false, notePopulationUnavailable
		case errors.Is(err, basedata.ErrNoRecord):
			return false, notePopulationNone
		case err != nil:
			return false, noteLibraryError
		case (field == basedata.FieldName && r.Name == "") || (field == basedata.FieldAddress && r.Address == "") ||
			(field == basedata.FieldHousehold && r.Household == nil):
			return false, notePopulationNone
		}
		return true, ""
	}
	// Other libraries (housing fund, real estate …) are read by the
	// approving department through the exchange.
	return true, noteSharedByDepartment
}

type citizenMaterialView struct {
	Code     string              `json:"code"`
	Name     string              `json:"name"`
	Core     bool                `json:"core"`
	Optional bool                `json:"optional"`
	Held     bool                `json:"held"`
	Source   workflow.SourceKind `json:"source,omitempty"`
	Ref      string              `json:"ref,omitempty"`
	Note     string              `json:"note,omitempty"`
	Upload   *models.Upload      `json:"upload,omitempty"`
	// PromisedDue is set when the material is promised for later (容缺).
	PromisedDue string `json:"promised_due,omitempty"`
	// Needed is true while the applicant still has to provide it.
	Needed bool `json:"needed"`
}

func materialViews(it workflow.Item, ms []models.ApplicationMaterial, promised []workflow.PromisedMaterial) []citizenMaterialView {
	out := make([]citizenMaterialView, 0, len(ms))
	for _, am := range ms {
		m, _ := it.Material(am.Code)
		v := citizenMaterialView{Code: am.Code, Name: m.Name, Core: m.Core, Optional: m.Optional, Held: am.Held,
			Source: am.Source, Ref: am.Ref, Note: am.Note, Upload: am.Upload}
		for _, p := range promised {
			if p.Code == am.Code {
				v.PromisedDue = p.Due.String()
			}
		}
		v.Needed = !am.Held && am.Upload == nil && v.PromisedDue == "" && !m.Optional
		out = append(out, v)
	}
	return out
}

// citizenPrefill shows, for an item, which materials the government holds
// for the caller (or the business they name) and which are still needed.
func (h *Handler) citizenPrefill(c *gin.Context) {
	ctx := c.Request.Context()
	it, err := h.svc.Engine().Catalogue().Lookup(c.Param("code"))
	if err != nil {
		h.fail(c, &APIError{http.StatusNotFound, "item_not_found", "办理事项不存在", nil})
		return
	}
	cc := mustCaller(c)
	if !h.mustBeVerified(c, cc) {
		return
	}
	principal, ok := h.mustPrincipal(c, cc, c.Query("business_id"))
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"item_code": it.Code, "materials": materialViews(it, h.prefill(ctx, it, principal, cc.Citizen), nil)})
}

// principalFor is who applies: the caller, or a business they act for.
func (h *Handler) mustPrincipal(c *gin.Context, cc citizenCaller, businessID string) (models.Citizen, bool) {
	ctx := c.Request.Context()
	if businessID == "" {
		return cc.Citizen, true
	}
	a, err := h.citizen.Citizens.Agency(ctx, businessID, cc.Citizen.ID)
	if err != nil {
		h.fail(c, &APIError{http.StatusForbidden, "not_authorised_for_business", "您未获该企业授权办理", nil})
		return models.Citizen{}, false
	}
	return a.Business, true
}
