package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Validate checks every item and that item codes are unique. The error
// joins one line per problem, each naming the item and the field.
func (c Catalogue) Validate() error {
	var errs []error
	if len(c.items) == 0 {
		errs = append(errs, errors.New("catalogue: no items"))
	}
	seen := make(map[string]bool)
	for _, it := range c.items {
		if it.Code != "" && seen[it.Code] {
			errs = append(errs, fmt.Errorf("item %q: code: duplicate item code", it.Code))
		}
		seen[it.Code] = true
		errs = append(errs, it.Validate())
	}
	return errors.Join(errs...)
}

// Validate checks one item (after WithDefaults). The error joins one line
// per problem, each naming the item and the field.
func (it Item) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("item %q: %s: %s", it.Code, field, fmt.Sprintf(format, args...)))
	}
	switch {
	case it.Code == "":
		bad("code", "is empty")
	case strings.ContainsAny(it.Code, " \t\n/"):
		bad("code", "must not contain spaces or slashes")
	}
	if it.Name == "" {
		bad("name", "is empty")
	}
	if it.Department == "" {
		bad("department", "is empty")
	}
	if it.DepartmentName == "" {
		bad("department_name", "is empty")
	}
	if it.LegalDays <= 0 {
		bad("legal_days", "must be positive, got %d", it.LegalDays)
	}
	switch {
	case it.PromisedDays <= 0:
		bad("promised_days", "must be positive, got %d", it.PromisedDays)
	case it.PromisedDays > it.LegalDays:
		bad("promised_days", "%d exceeds legal_days %d", it.PromisedDays, it.LegalDays)
	}
	if it.YellowDays < 0 || (it.PromisedDays > 0 && it.YellowDays >= it.PromisedDays) {
		bad("yellow_days", "must be at least 0 and below promised_days %d, got %d", it.PromisedDays, it.YellowDays)
	}
	if it.SupplementDays <= 0 {
		bad("supplement_days", "must be positive, got %d", it.SupplementDays)
	}
	if it.VerifyDays <= 0 {
		bad("verify_days", "must be positive, got %d", it.VerifyDays)
	}
	it.validateCodes(bad)
	it.validateFees(bad)
	it.validateDelivery(bad)
	it.validateTrust(bad)
	it.validateMaterials(bad)
	return errors.Join(errs...)
}

type reporter func(field, format string, args ...any)

func (it Item) validateFees(bad reporter) {
	seen := make(map[string]bool)
	for i, f := range it.Fees {
		field := fmt.Sprintf("fees[%d]", i)
		switch {
		case f.Code == "":
			bad(field, "code is empty")
		case seen[f.Code]:
			bad(field, "duplicate fee code %q", f.Code)
		}
		seen[f.Code] = true
		if f.Name == "" {
			bad(field, "name is empty")
		}
		if f.AmountFen < 0 {
			bad(field, "amount_fen must not be negative, got %d", f.AmountFen)
		}
	}
}

func (it Item) validateDelivery(bad reporter) {
	if len(it.Delivery) == 0 {
		bad("delivery", "needs at least one method")
	}
	seen := make(map[DeliveryMethod]bool)
	for _, m := range it.Delivery {
		switch {
		case !m.Valid():
			bad("delivery", "unknown method %q (want courier, pickup or electronic)", m)
		case seen[m]:
			bad("delivery", "method %q listed twice", m)
		}
		seen[m] = true
	}
}

func (it Item) validateTrust(bad reporter) {
	if it.ApproveOnCommit && !it.TrustFirst {
		bad("approve_on_commit", "needs trust_first")
	}
	switch {
	case it.ExclusionMonths != 0 && (it.ExclusionMonths < MinExclusionMonths || it.ExclusionMonths > MaxExclusionMonths):
		bad("exclusion_months", "must be 0 (until a credit repair) or %d to %d months, got %d", MinExclusionMonths, MaxExclusionMonths, it.ExclusionMonths)
	case it.ExclusionMonths != 0 && !it.TrustFirst:
		bad("exclusion_months", "needs a trust-first item")
	}
	if !it.TrustFirst {
		return
	}
	if it.Commitment.TemplateVersion == "" {
		bad("commitment.template_version", "is required for a trust-first item")
	}
	if strings.TrimSpace(it.Commitment.Text) == "" {
		bad("commitment.text", "is required for a trust-first item")
	}
	if it.Commitment.TextHash == "" {
		bad("commitment.text_hash", "is not set (the catalogue loader computes it from the text)")
	}
	// 办结核验 is what makes trust first lawful (国办发〔2020〕42号: 加强事中事后核查):
	// an item whose every case would close as verified with nothing
	// checked is not trust first. An optional material does not count,
	// since the applicant may leave it out; a promised (容缺) one does,
	// since it is checked once supplied.
	if !slices.ContainsFunc(it.Materials, func(m Material) bool { return m.VerifyOnCompletion && !m.Optional }) {
		bad("trust_first", "nothing is verified on completion: mark a material every case has verify_on_completion, or make the item ordinary")
	}
}

func (it Item) validateMaterials(bad reporter) {
	if len(it.Materials) == 0 {
		bad("materials", "needs at least one material")
	}
	seen := make(map[string]bool)
	for i, m := range it.Materials {
		field := fmt.Sprintf("materials[%d]", i)
		if m.Code != "" {
			field = fmt.Sprintf("materials[%s]", m.Code)
		}
		switch {
		case m.Code == "":
			bad(field, "code is empty")
		case seen[m.Code]:
			bad(field, "duplicate material code")
		case m.Code == LetterMaterial:
			bad(field, "code %q is the signed commitment letter's", LetterMaterial)
		}
		seen[m.Code] = true
		if m.Name == "" {
			bad(field, "name is empty")
		}
		if !m.Source.Valid() {
			bad(field, "source %q is not elicense:<type>, basedata:<field> or upload", m.Source)
		}
		if m.Core && m.Optional {
			bad(field, "a core material cannot be optional")
		}
		if m.VerifyOnCompletion && m.Source.Kind() != SourceUpload {
			bad(field, "only an uploaded material is verified on completion; %s is authoritative", m.Source.Kind())
		}
		if m.VerifyOnCompletion && !it.TrustFirst {
			bad(field, "verify_on_completion needs a trust-first item")
		}
	}
}
