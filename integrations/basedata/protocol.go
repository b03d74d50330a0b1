package basedata

// The libraries' paths under the exchange's base URL. All are POSTs that
// only read, so ID numbers stay out of URLs and access logs.
const (
	PathVerify   = "/v1/population/verify"    // VerifyRequest → VerifyResult
	PathResident = "/v1/population/resident"  // ResidentRequest → Resident
	PathCompany  = "/v1/legal-entity/company" // CompanyRequest → Company
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

// Codes the libraries answer with besides the exchange's.
const (
	CodeNoRecord   = "no_record"
	CodeBadRequest = "bad_request"
)
