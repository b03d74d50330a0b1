package credit

import "time"

// The library's paths under its base URL, both POSTs.
const (
	PathStatus           = "/v1/credit/status"            // StatusRequest → Standing, with its latest Repair (reads only)
	PathFalseCommitments = "/v1/credit/false-commitments" // FalseCommitment → RecordResult (201 new, 200 already held)
)

// StatusRequest asks for a subject's standing.
type StatusRequest struct {
	SubjectID string `json:"subject_id"`
}

// FalseCommitment is a false or unkept commitment (承诺不实) written into
// the library. The library keeps one per CaseNumber.
type FalseCommitment struct {
	CaseNumber string    `json:"case_number"`
	SubjectID  string    `json:"subject_id"`
	ItemCode   string    `json:"item_code"`
	Department string    `json:"department"`
	Code       string    `json:"code"`
	Reason     string    `json:"reason"`
	OccurredAt time.Time `json:"occurred_at"`
	// ExpiresAt, when set, is when the record stops counting against the
	// subject by itself (the end of the exclusion the item sets, like the
	// end of a record's publication period); absent, only a credit repair
	// ends it.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// RecordResult answers a FalseCommitment: the record's ID and whether this
// request created it (false for a redelivery).
type RecordResult struct {
	RecordID string `json:"record_id"`
	Created  bool   `json:"created"`
}

// Codes the library answers with besides the exchange's.
const (
	CodeBadRequest   = "bad_request"
	CodeCaseConflict = "case_conflict"
)
