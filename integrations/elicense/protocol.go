package elicense

import "net/url"

// The library's paths, under its base URL. Look-ups that carry personal
// data are POSTs, so ID numbers stay out of URLs and access logs.
const (
	PathQuery  = "/v1/licences/query"  // POST QueryRequest → LicenceList
	PathIssue  = "/v1/licences/issue"  // POST IssueRequest → Licence (201 new, 200 already issued)
	PathRevoke = "/v1/licences/revoke" // POST RevokeRequest → Licence
)

// LicencePath is where GET serves a licence's metadata (Licence).
func LicencePath(id string) string { return "/v1/licences/" + url.PathEscape(id) }

// FilePath is where GET serves a licence's file (FileData).
func FilePath(id string) string { return LicencePath(id) + "/file" }

// PublicKeyPath is where GET serves an issuer's public key (PublicKeyData).
func PublicKeyPath(issuer string) string {
	return "/v1/issuers/" + url.PathEscape(issuer) + "/public-key"
}

// QueryRequest asks for a holder's licences, of one type or ("") all.
type QueryRequest struct {
	HolderID    string `json:"holder_id"`
	LicenceType string `json:"licence_type,omitempty"`
}

// LicenceList is the answer to a query.
type LicenceList struct {
	Licences []Licence `json:"licences"`
}

// FileData is a licence file.
type FileData struct {
	LicenceID   string `json:"licence_id"`
	ContentType string `json:"content_type"`
	// Content is the file (base64 in JSON).
	Content []byte `json:"content"`
}

// RevokeRequest revokes a licence named by its ID or by the case that
// issued it (exactly one of the two).
type RevokeRequest struct {
	LicenceID  string `json:"licence_id,omitempty"`
	CaseNumber string `json:"case_number,omitempty"`
	Reason     string `json:"reason"`
}

// PublicKeyData is an issuer's public key.
type PublicKeyData struct {
	IssuerCode string `json:"issuer_code"`
	Algorithm  string `json:"algorithm"`
	// PublicKey is base64 DER SubjectPublicKeyInfo (see ParsePublicKey).
	PublicKey string `json:"public_key"`
}

// Codes the library answers with besides the exchange's.
const (
	CodeNotFound      = "not_found"
	CodeBadRequest    = "bad_request"
	CodeCaseConflict  = "case_conflict"
	CodeUnknownIssuer = "unknown_issuer"
	CodeInternal      = "internal_error"
)
