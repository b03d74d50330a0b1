package handlers

import (
	"context"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
	"zerovisit/workflow/citizen"
)

// citizenMaterialView is a material of an application as the applicant
// sees it: held by the government, uploaded, promised, or still needed.
type citizenMaterialView struct {
	Code     string              `json:"code"`
	Name     string              `json:"name"`
	Core     bool                `json:"core"`
	Optional bool                `json:"optional"`
	Held     bool                `json:"held"`
	Source   workflow.SourceKind `json:"source,omitempty"`
	Ref      string              `json:"ref,omitempty"`
	Note     string              `json:"note,omitempty"`
	Upload   *apply.Upload       `json:"upload,omitempty"`
	// PromisedDue is set when the material is promised for later (容缺).
	PromisedDue string `json:"promised_due,omitempty"`
	// Needed is true while the applicant still has to provide it.
	Needed bool `json:"needed"`
}

func materialViews(it workflow.Item, ms []apply.Material, promised []workflow.PromisedMaterial) []citizenMaterialView {
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
		v.Needed = apply.Needed(it, am, promised)
		out = append(out, v)
	}
	return out
}

// prefill is the materials of a new application for an item: those the
// government holds for the principal (who applies) and person (who acts),
// and those still to be provided.
func (h *Handler) prefill(ctx context.Context, it workflow.Item, principal, person citizen.Citizen) []apply.Material {
	return applicationMaterials(h.citizen.People.Prefill(ctx, it, principal, person))
}

// applicationMaterials are pre-filled materials as an application keeps them.
func applicationMaterials(ps []citizen.Prefilled) []apply.Material {
	out := make([]apply.Material, 0, len(ps))
	for _, p := range ps {
		out = append(out, apply.Material{Code: p.Code, Held: p.Held, Source: p.Source, Ref: p.Ref, Note: p.Note})
	}
	return out
}
