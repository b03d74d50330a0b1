package workflow

import (
	"fmt"
	"slices"
	"strings"
)

// Defaults the catalogue applies to an item that leaves a number at zero.
const (
	// DefaultYellowDays is how many working days before the deadline the
	// yellow card shows (capped below the promised days).
	DefaultYellowDays = 2
	// DefaultSupplementDays is how many working days a citizen has to supply
	// a requested correction (补正) before the case is deemed withdrawn.
	DefaultSupplementDays = 15
	// DefaultVerifyDays is how many working days a clerk has to finish the
	// verification on completion (办结核验).
	DefaultVerifyDays = 5
)

// DeliveryMethod is how the result reaches the applicant.
type DeliveryMethod string

// Delivery methods.
const (
	DeliveryCourier    DeliveryMethod = "courier"    // 邮寄送达
	DeliveryPickup     DeliveryMethod = "pickup"     // 窗口或自助柜领取
	DeliveryElectronic DeliveryMethod = "electronic" // 电子证照、电子文书
)

// Valid reports whether m is a known delivery method.
func (m DeliveryMethod) Valid() bool {
	switch m {
	case DeliveryCourier, DeliveryPickup, DeliveryElectronic:
		return true
	}
	return false
}

// Fee is one charge of an item, in fen (1/100 yuan).
type Fee struct {
	Code      string `yaml:"code" json:"code"`
	Name      string `yaml:"name" json:"name"`
	AmountFen int64  `yaml:"amount_fen" json:"amount_fen"`
}

// Commitment is the commitment letter (告知承诺书) an applicant signs to be
// trusted first. A new wording gets a new TemplateVersion; only a signature
// of the current version counts.
type Commitment struct {
	TemplateVersion string `yaml:"template_version" json:"template_version"`
	Text            string `yaml:"text" json:"text"`
	// TextHash is the lower-case hex SM3 digest of Text: what a Signature's
	// TextHash must carry. The catalogue loader computes it (workflow itself
	// imports no cryptography beyond the standard library).
	TextHash string `yaml:"-" json:"text_hash,omitempty"`
}

// SourceKind is where a material comes from.
type SourceKind string

// Material sources.
const (
	SourceELicense SourceKind = "elicense" // the e-license library (电子证照库)
	SourceBaseData SourceKind = "basedata" // a base-data library (人口库、法人库…)
	SourceUpload   SourceKind = "upload"   // a file the applicant uploads
)

// MaterialSource says where the government gets a material:
// "elicense:<licence type>", "basedata:<field>" or "upload".
type MaterialSource string

// Kind returns the part before the colon.
func (s MaterialSource) Kind() SourceKind {
	k, _, _ := strings.Cut(string(s), ":")
	return SourceKind(k)
}

// Arg returns the licence type or base-data field after the colon.
func (s MaterialSource) Arg() string {
	_, a, _ := strings.Cut(string(s), ":")
	return a
}

// Valid reports whether s is well formed.
func (s MaterialSource) Valid() bool {
	switch s.Kind() {
	case SourceELicense, SourceBaseData:
		return s.Arg() != "" && !strings.ContainsAny(s.Arg(), " :")
	case SourceUpload:
		return s == MaterialSource(SourceUpload)
	}
	return false
}

// Material is one document an item asks for. A core material (核心材料)
// must be present at submission; a non-core one may be promised for later
// (容缺). VerifyOnCompletion marks an uploaded material whose original is
// checked on completion (办结核验) when the case was trusted first. An
// optional material is needed only in some situations (e.g. an agent's
// power of attorney).
type Material struct {
	Code               string         `yaml:"code" json:"code"`
	Name               string         `yaml:"name" json:"name"`
	Source             MaterialSource `yaml:"source" json:"source"`
	Core               bool           `yaml:"core,omitempty" json:"core,omitempty"`
	Optional           bool           `yaml:"optional,omitempty" json:"optional,omitempty"`
	VerifyOnCompletion bool           `yaml:"verify_on_completion,omitempty" json:"verify_on_completion,omitempty"`
}

// Item is one public service of the catalogue (政务服务事项). Days are
// working days: LegalDays is the statutory limit (法定时限), PromisedDays
// the shorter limit the city promises (承诺时限), which the SLA clock runs
// against. ResultLicence, when set, is the e-license type written into the
// e-license library on approval.
type Item struct {
	Code string `yaml:"code" json:"code"`
	// BasicCode is the item's basic code in the national catalogue
	// (基本编码), ImplCode its implementation code (实施编码) as this city's
	// department implements it, and Version the version of the item's
	// implementation list entry (事项版本) (catalogue_codes.go).
	BasicCode            string           `yaml:"basic_code,omitempty" json:"basic_code,omitempty"`
	ImplCode             string           `yaml:"impl_code,omitempty" json:"impl_code,omitempty"`
	Version              int              `yaml:"version,omitempty" json:"version,omitempty"`
	Name                 string           `yaml:"name" json:"name"`
	Department           string           `yaml:"department" json:"department"`
	DepartmentName       string           `yaml:"department_name" json:"department_name"`
	LegalDays            int              `yaml:"legal_days" json:"legal_days"`
	PromisedDays         int              `yaml:"promised_days" json:"promised_days"`
	Fees                 []Fee            `yaml:"fees,omitempty" json:"fees,omitempty"`
	Delivery             []DeliveryMethod `yaml:"delivery" json:"delivery"`
	TrustFirst           bool             `yaml:"trust_first,omitempty" json:"trust_first,omitempty"`
	ApproveOnCommit      bool             `yaml:"approve_on_commit,omitempty" json:"approve_on_commit,omitempty"`
	Commitment           Commitment       `yaml:"commitment,omitempty" json:"commitment,omitzero"`
	YellowDays           int              `yaml:"yellow_days,omitempty" json:"yellow_days"`
	SupplementDays       int              `yaml:"supplement_days,omitempty" json:"supplement_days"`
	VerifyDays           int              `yaml:"verify_days,omitempty" json:"verify_days"`
	NeedsOriginalsPickup bool             `yaml:"needs_originals_pickup,omitempty" json:"needs_originals_pickup,omitempty"`
	ResultLicence        string           `yaml:"result_licence,omitempty" json:"result_licence,omitempty"`
	// ExclusionMonths is how many calendar months a false commitment on
	// the item bars the applicant from trust first when no credit repair
	// (信用修复) ends it earlier; 0, the default, bars them until a repair,
	// as 国办发〔2020〕42号 says ("在信用修复前"). See ExclusionEnd.
	ExclusionMonths int        `yaml:"exclusion_months,omitempty" json:"exclusion_months,omitempty"`
	Materials       []Material `yaml:"materials" json:"materials"`
}

// WithDefaults returns it with zero day counts replaced by the defaults.
// The yellow card default is capped so it never shows on acceptance.
func (it Item) WithDefaults() Item {
	if it.YellowDays == 0 {
		it.YellowDays = max(0, min(DefaultYellowDays, it.PromisedDays-1))
	}
	if it.SupplementDays == 0 {
		it.SupplementDays = DefaultSupplementDays
	}
	if it.VerifyDays == 0 {
		it.VerifyDays = DefaultVerifyDays
	}
	return it
}

// FeeFen is the sum of the item's fees in fen.
func (it Item) FeeFen() int64 {
	var n int64
	for _, f := range it.Fees {
		n += f.AmountFen
	}
	return n
}

// Material returns the item's material with the given code.
func (it Item) Material(code string) (Material, bool) {
	i := slices.IndexFunc(it.Materials, func(m Material) bool { return m.Code == code })
	if i < 0 {
		return Material{}, false
	}
	return it.Materials[i], true
}

// Offers reports whether the item can deliver its result by m.
func (it Item) Offers(m DeliveryMethod) bool { return slices.Contains(it.Delivery, m) }

// Catalogue is the list of service items, looked up by code. Build it with
// NewCatalogue; it is immutable and safe for concurrent use. The items it
// returns share their slices with it: treat them as read-only.
type Catalogue struct {
	items  []Item
	byCode map[string]int
}

// NewCatalogue applies the defaults to every item, validates the result and
// indexes it by code.
func NewCatalogue(items []Item) (Catalogue, error) {
	c := Catalogue{items: make([]Item, len(items)), byCode: make(map[string]int, len(items))}
	for i, it := range items {
		c.items[i] = it.WithDefaults()
		if _, dup := c.byCode[it.Code]; !dup {
			c.byCode[it.Code] = i
		}
	}
	if err := c.Validate(); err != nil {
		return Catalogue{}, err
	}
	return c, nil
}

// Lookup returns the item with the given code, or ErrNotFound.
func (c Catalogue) Lookup(code string) (Item, error) {
	i, ok := c.byCode[code]
	if !ok {
		return Item{}, fmt.Errorf("item %q: %w", code, ErrNotFound)
	}
	return c.items[i], nil
}

// Items returns every item in catalogue order.
func (c Catalogue) Items() []Item { return slices.Clone(c.items) }

// Len returns the number of items.
func (c Catalogue) Len() int { return len(c.items) }

// Departments returns the department codes with their names, in order of
// first appearance.
func (c Catalogue) Departments() []Department {
	var out []Department
	seen := make(map[string]bool)
	for _, it := range c.items {
		if !seen[it.Department] {
			seen[it.Department] = true
			out = append(out, Department{Code: it.Department, Name: it.DepartmentName})
		}
	}
	return out
}

// Department is a government department that handles items.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}
