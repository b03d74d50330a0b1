package basedata

// The libraries' paths under the exchange's base URL. All are POSTs that
// only read, so ID numbers stay out of URLs and access logs.
const (
	PathVerify   = "/v1/population/verify"    // VerifyRequest → VerifyResult
	PathResident = "/v1/population/resident"  // ResidentRequest → Resident
	PathCompany  = "/v1/legal-entity/company" // CompanyRequest → Company
	// PathRepresentative checks a legal representative with the full ID
	// number, which PathCompany only ever discloses masked.
	PathRepresentative = "/v1/legal-entity/representative/verify" // RepresentativeRequest → VerifyResult
)

// VerifyRequest asks whether a name and resident ID number belong together.
type VerifyRequest struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// VerifyResult answers a VerifyRequest with one of the Result* values.
type VerifyResult struct {
	Result string `json:"result"`
}

// Results of a real-name check.
const (
	ResultMatch    = "match"
	ResultMismatch = "mismatch"
	ResultNoRecord = "no_record"
)

// ResidentRequest asks for some fields of a resident.
type ResidentRequest struct {
	IDNumber string   `json:"id_number"`
	Fields   []string `json:"fields"`
}

// CompanyRequest asks for a company's registration.
type CompanyRequest struct {
	USCC string `json:"uscc"`
}

// RepresentativeRequest asks whether a name and full resident ID number
// are those of a company's legal representative. The answer is a
// VerifyResult with ResultMatch or ResultMismatch only: it says nothing of
// which part differs, and never echoes the number. A company the library
// does not know is CodeNoRecord (HTTP 404).
type RepresentativeRequest struct {
	USCC     string `json:"uscc"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// Codes the libraries answer with besides the exchange's.
const (
	CodeNoRecord   = "no_record"
	CodeBadRequest = "bad_request"
)
