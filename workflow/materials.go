package workflow

import (
	"fmt"
	"slices"
	"time"
)

// ProvidedMaterial is a material handed in: Source says where it came from
// and Ref identifies it there (the e-license identifier, the base-data
// field, or the hash of the uploaded file).
type ProvidedMaterial struct {
	Code   string     `json:"code"`
	Source SourceKind `json:"source"`
	Ref    string     `json:"ref"`
	// Note says why an upload stands in for a material the item names a
	// library for (the library was unavailable or held none), for clerks.
	Note string `json:"note,omitempty"`
}

// PromisedMaterial is a non-core material the applicant promises to hand in
// by the end of Due (容缺受理).
type PromisedMaterial struct {
	Code string `json:"code"`
	Due  Date   `json:"due"`
}

// CaseMaterial is the state of one material of a case. A promised material
// is outstanding until ProvidedAt is set.
type CaseMaterial struct {
	Code       string     `json:"code"`
	Source     SourceKind `json:"source,omitempty"`
	Ref        string     `json:"ref,omitempty"`
	ProvidedAt time.Time  `json:"provided_at,omitzero"`
	Promised   bool       `json:"promised,omitempty"`
	DueAt      time.Time  `json:"due_at,omitzero"`
	// Note is the ProvidedMaterial's Note.
	Note string `json:"note,omitempty"`
	// RemindedAt is when the applicant was reminded of a promised material
	// past its due date, and GraceDueAt the end of the last period the
	// reminder gave (限期补正).
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	GraceDueAt time.Time `json:"grace_due_at,omitzero"`
	// Waived is a promise a clerk released after review (breach.go).
	Waived bool `json:"waived,omitempty"`
}

// Due is when a promised material must be handed in: its due date, or the
// end of the reminder's period once reminded.
func (m CaseMaterial) Due() time.Time {
	if !m.GraceDueAt.IsZero() {
		return m.GraceDueAt
	}
	return m.DueAt
}

// HeldByLibrary reports whether the material comes from a government
// library (the e-license or a base-data library) rather than an upload.
func (m CaseMaterial) HeldByLibrary() bool {
	return m.Source == SourceELicense || m.Source == SourceBaseData
}

// Outstanding reports whether the material was promised and not yet handed in.
func (m CaseMaterial) Outstanding() bool { return m.Promised && m.ProvidedAt.IsZero() && !m.Waived }

// Outstanding returns the promised materials not yet handed in.
func (c Case) Outstanding() []CaseMaterial {
	var out []CaseMaterial
	for _, m := range c.Materials {
		if m.Outstanding() {
			out = append(out, m)
		}
	}
	return out
}

func (c *Case) material(code string) *CaseMaterial {
	i := slices.IndexFunc(c.Materials, func(m CaseMaterial) bool { return m.Code == code })
	if i < 0 {
		return nil
	}
	return &c.Materials[i]
}

// checkProvided validates a provided material against the item: a known
// code, a reference, and a source that is either an upload or the source
// the item names.
func checkProvided(it Item, field string, p ProvidedMaterial) error {
	m, ok := it.Material(p.Code)
	if !ok {
		return invalid(field, fmt.Sprintf("unknown material %q", p.Code), "材料"+p.Code+"不属于该事项")
	}
	if p.Ref == "" {
		return invalid(field, "ref is empty", m.Name+"缺少材料标识")
	}
	if p.Source != SourceUpload && p.Source != m.Source.Kind() {
		return invalid(field, fmt.Sprintf("material %s comes from %s, not %s", p.Code, m.Source.Kind(), p.Source),
			m.Name+"的来源不正确")
	}
	return nil
}

// checkMaterials validates a submission's materials: each item material is
// provided or promised (optional ones may be absent), a core material is
// never promised, and a promise falls due after the submission day and
// within the item's legal time limit.
func (e *Engine) checkMaterials(it Item, ev Submit, trust TrustDecision) ([]CaseMaterial, error) {
	var out []CaseMaterial
	seen := make(map[string]bool)
	for i, p := range ev.Materials {
		field := fmt.Sprintf("materials[%d]", i)
		if err := checkProvided(it, field, p); err != nil {
			return nil, err
		}
		if seen[p.Code] {
			return nil, invalid(field, "material "+p.Code+" given twice", "材料重复提交")
		}
		seen[p.Code] = true
		out = append(out, CaseMaterial{Code: p.Code, Source: p.Source, Ref: p.Ref, ProvidedAt: ev.At, Note: p.Note})
	}
	if len(ev.Promised) > 0 && !trust.TrustFirst {
		return nil, invalid("promised", "promised materials need the trust-first path: "+string(trust.Reason),
			"容缺受理仅适用于告知承诺制办理："+trust.Reason.Note())
	}
	first := DateOf(ev.At).AddDays(1)
	last := DateOf(e.cal.AddWorkingDays(ev.At, it.LegalDays))
	for i, p := range ev.Promised {
		field := fmt.Sprintf("promised[%d]", i)
		m, ok := it.Material(p.Code)
		switch {
		case !ok:
			return nil, invalid(field, fmt.Sprintf("unknown material %q", p.Code), "材料"+p.Code+"不属于该事项")
		case m.Core:
			return nil, invalid(field, "material "+p.Code+" is core and cannot be promised", m.Name+"为核心材料，不能容缺")
		case seen[p.Code]:
			return nil, invalid(field, "material "+p.Code+" given twice", m.Name+"已提交或重复承诺")
		case p.Due.IsZero() || p.Due.Compare(first) < 0 || p.Due.Compare(last) > 0:
			return nil, invalid(field, fmt.Sprintf("due date %s must fall between %s and %s", p.Due, first, last),
				fmt.Sprintf("%s的承诺补齐日期应在%s至%s之间", m.Name, first, last))
		}
		seen[p.Code] = true
		out = append(out, CaseMaterial{Code: p.Code, Promised: true, DueAt: p.Due.End()})
	}
	for _, m := range it.Materials {
		if !m.Optional && !seen[m.Code] {
			return nil, invalid("materials", "material "+m.Code+" is missing", "缺少材料："+m.Name)
		}
	}
	return out, nil
}

// supply records handed-in materials on the case, fulfilling promises.
func (c *Case) supply(ps []ProvidedMaterial, at time.Time) {
	for _, p := range ps {
		m := c.material(p.Code)
		if m == nil {
			c.Materials = append(c.Materials, CaseMaterial{Code: p.Code})
			m = &c.Materials[len(c.Materials)-1]
		}
		m.Source, m.Ref, m.ProvidedAt, m.Note = p.Source, p.Ref, at, p.Note
	}
}
