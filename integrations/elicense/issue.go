package elicense

import (
	"fmt"
	"strings"
	"time"

	"zerovisit/integrations/exchange"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// maxCaseNumber bounds a case number's length.
const maxCaseNumber = 64

// IssueRequest asks the library to issue a licence. The library keeps one
// licence per CaseNumber: a second request for the same case returns the
// licence the first one issued.
type IssueRequest struct {
	CaseNumber string `json:"case_number"`
	// Type is the licence type code ("yyzz"); Name its name ("营业执照").
	Type string `json:"licence_type"`
	Name string `json:"name"`
	// HolderID is the holder's resident ID number or USCC.
	HolderID   string `json:"holder_id"`
	HolderName string `json:"holder_name"`
	// IssuerCode is the issuing department's USCC; it must have a key in
	// the library's keyring. Issuer is its name.
	IssuerCode string `json:"issuer_code"`
	Issuer     string `json:"issuer"`
	// IssuedOn defaults to the library's today; a zero ExpiresOn means 长期有效.
	IssuedOn  workflow.Date     `json:"issued_on,omitzero"`
	ExpiresOn workflow.Date     `json:"expires_on,omitzero"`
	Items     map[string]string `json:"items,omitempty"`
	// File is the licence file; the library renders one if it is empty.
	File []byte `json:"file,omitempty"`
}

// Validate checks r the way the library does (now is the clock for the
// holder's birth-date check) and returns it normalised. Its errors are
// *ident.Error for identifiers and wrap workflow.ErrInvalidInput otherwise.
func (r IssueRequest) Validate(now time.Time) (IssueRequest, error) {
	r.CaseNumber = strings.TrimSpace(r.CaseNumber)
	if r.CaseNumber == "" || len(r.CaseNumber) > maxCaseNumber {
		return r, fmt.Errorf("case number must be 1-%d characters: %w", maxCaseNumber, workflow.ErrInvalidInput)
	}
	r.Type = strings.ToLower(strings.TrimSpace(r.Type))
	if !isTypeCode(r.Type) {
		return r, fmt.Errorf("licence type must be 1-%d letters or digits: %w", ident.MaxLicenceTypeLen, workflow.ErrInvalidInput)
	}
	if strings.TrimSpace(r.Name) == "" || strings.TrimSpace(r.HolderName) == "" || strings.TrimSpace(r.Issuer) == "" {
		return r, fmt.Errorf("licence name, holder name and issuer name are required: %w", workflow.ErrInvalidInput)
	}
	holder, err := exchange.ParseSubject(r.HolderID, now)
	if err != nil {
		return r, fmt.Errorf("holder id: %w", err)
	}
	r.HolderID = holder.ID
	issuer, err := ident.ParseUSCC(r.IssuerCode)
	if err != nil {
		return r, fmt.Errorf("issuer code: %w", err)
	}
	r.IssuerCode = issuer.Code
	if !r.IssuedOn.IsZero() && !r.ExpiresOn.IsZero() && r.ExpiresOn.Compare(r.IssuedOn) < 0 {
		return r, fmt.Errorf("expiry before issue: %w", workflow.ErrInvalidInput)
	}
	return r, nil
}

// ForCase builds the request that carries out an IssueLicence effect: the
// effect names the case, item and licence type; the caller supplies the
// holder (the applicant's ID number and name, which the effect does not
// carry) and the issuing department.
func ForCase(e workflow.IssueLicence, holder Holder, issuer Issuer) IssueRequest {
	return IssueRequest{
		CaseNumber: e.Number,
		Type:       e.LicenceType,
		Name:       TypeName(strings.ToLower(e.LicenceType)),
		HolderID:   holder.ID,
		HolderName: holder.Name,
		IssuerCode: issuer.Code,
		Issuer:     issuer.Name,
		Items:      map[string]string{"办件编号": e.Number, "事项编码": e.ItemCode},
	}
}

func isTypeCode(s string) bool {
	if s == "" || len(s) > ident.MaxLicenceTypeLen {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
