package citizen

import (
	"context"
	"errors"
	"strings"

	"zerovisit/workflow"
)

// ErrItemNotFound refuses an item code the catalogue does not have.
var ErrItemNotFound = workflow.Refuse(workflow.ErrNotFound, "item_not_found", "办理事项不存在")

// Item returns the catalogue's item with code.
func Item(cat workflow.Catalogue, code string) (workflow.Item, error) {
	it, err := cat.Lookup(code)
	if err != nil {
		return workflow.Item{}, ErrItemNotFound.Because(err)
	}
	return it, nil
}

// Search returns the catalogue's items of a department (any when empty)
// whose name or code contains q, or whose department's name does, without
// regard to case; every item when q is empty.
func Search(cat workflow.Catalogue, q, department string) []workflow.Item {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []workflow.Item
	for _, it := range cat.Items() {
		if department != "" && it.Department != department {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(it.Name), q) && !strings.Contains(strings.ToLower(it.Code), q) &&
			!strings.Contains(it.DepartmentName, q) {
			continue
		}
		out = append(out, it)
	}
	return out
}

// Prefilled is what pre-filling found for one material of an item: held by
// the government (Source and Ref say where), or to be provided, with Note
// saying why when the item names a library.
type Prefilled struct {
	Code   string
	Held   bool
	Source workflow.SourceKind
	Ref    string
	Note   string
}

// Notes on why a material must be uploaded although the item names a library.
const (
	notePopulationUnavailable = "人口库暂不可用，请上传材料"
	notePopulationNone        = "人口库中未查到相关信息，请上传材料"
	noteLibraryError          = "共享数据查询失败，请上传材料"
	noteSharedByDepartment    = "由审批部门通过数据共享获取"
)

// PrefillFor is Prefill for a verified caller applying as themselves or
// for the business businessID names.
func (s *Service) PrefillFor(ctx context.Context, c Caller, it workflow.Item, businessID string) ([]Prefilled, error) {
	if err := RequireVerified(c); err != nil {
		return nil, err
	}
	principal, err := s.Principal(ctx, c, businessID)
	if err != nil {
		return nil, err
	}
	return s.Prefill(ctx, it, principal, c.Citizen), nil
}

// Prefill works out, for an item, a principal (who applies) and the person
// applying, which materials the government already holds (e-license
// library, base data) and which the applicant must still provide, and why.
// A library that cannot be asked degrades to an upload with the reason
// noted, never to an error.
func (s *Service) Prefill(ctx context.Context, it workflow.Item, principal, person Citizen) []Prefilled {
	out := make([]Prefilled, 0, len(it.Materials))
	for _, m := range it.Materials {
		p := Prefilled{Code: m.Code}
		switch m.Source.Kind() {
		case workflow.SourceELicense:
			p.Held, p.Ref, p.Note = s.licenceHeld(ctx, principal.IDNumber, m.Source.Arg())
			if p.Held {
				p.Source = workflow.SourceELicense
			}
		case workflow.SourceBaseData:
			p.Held, p.Note = s.baseDataHeld(ctx, m.Source.Arg(), person)
			if p.Held {
				// The reference names the field and the principal, never the data.
				p.Source, p.Ref = workflow.SourceBaseData, m.Source.Arg()+"@"+principal.ID
			}
		}
		out = append(out, p)
	}
	return out
}

// licenceHeld says whether the holder has a usable licence of a type, and
// which.
func (s *Service) licenceHeld(ctx context.Context, holderID, licenceType string) (bool, string, string) {
	if s.cfg.Licences == nil {
		return false, "", noteLibraryError
	}
	res, err := s.cfg.Licences.Lookup(ctx, holderID, licenceType)
	switch {
	case err != nil:
		return false, "", noteLibraryError
	case len(res.LicenceIDs) > 0:
		return true, res.LicenceIDs[0], ""
	}
	return false, "", res.Reason
}

// baseDataHeld says whether a base-data field is held for the person.
func (s *Service) baseDataHeld(ctx context.Context, field string, person Citizen) (bool, string) {
	switch field {
	case "identity":
		return person.Verified(), ""
	case FieldName, FieldAddress, FieldHousehold:
		if s.cfg.People == nil {
			return false, notePopulationUnavailable
		}
		r, err := s.cfg.People.Resident(ctx, person.IDNumber, []string{field})
		switch {
		case errors.Is(err, workflow.ErrUnavailable):
			return false, notePopulationUnavailable
		case errors.Is(err, ErrNoRecord):
			return false, notePopulationNone
		case err != nil:
			return false, noteLibraryError
		case !r.has(field):
			return false, notePopulationNone
		}
		return true, ""
	}
	// Other libraries (housing fund, real estate …) are read by the
	// approving department through the exchange.
	return true, noteSharedByDepartment
}
