package department

import (
	"bytes"
	"encoding/json"
	"time"
)

// Decision is what a department decided on a case.
type Decision string

// Decisions.
const (
	DecisionApprove    Decision = "approve"    // 准予许可
	DecisionReject     Decision = "reject"     // 不予许可 / 不予受理, with reason and legal basis
	DecisionSupplement Decision = "supplement" // 补正: the applicant must correct or add materials
)

// Valid reports whether d is one of the decisions.
func (d Decision) Valid() bool {
	return d == DecisionApprove || d == DecisionReject || d == DecisionSupplement
}

// Item is one thing a supplement decision asks for: a material of the item
// (by code), or, with Material empty, something described in Reason.
type Item struct {
	Material string `json:"material,omitempty"`
	Reason   string `json:"reason"`
}

// Callback is a department's decision on a case, as its system sends it to
// our callback. It names the case by id or by number (or both, which must
// agree). DecisionID identifies the decision in the department's system:
// a decision sent again with the same id is applied once.
type Callback struct {
	Department string   `json:"department"`
	CaseID     string   `json:"case_id,omitempty"`
	CaseNumber string   `json:"case_number,omitempty"`
	Decision   Decision `json:"decision"`
	// Reason is the opinion of an approval, the reason of a rejection, or
	// the note of a supplement request (in Chinese).
	Reason     string `json:"reason,omitempty"`
	LegalBasis string `json:"legal_basis,omitempty"`
	Items      []Item `json:"items,omitempty"`
	// Version is the case version the department decided on, if it says.
	Version    int64     `json:"version,omitempty"`
	DecisionID string    `json:"decision_id"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
}

// parseCallback reads a verified body sent by department.
func parseCallback(department string, body []byte) (Callback, error) {
	var cb Callback
	dec := json.NewDecoder(bytes.NewReader(body)) // unknown fields are allowed: departments may send more
	if err := dec.Decode(&cb); err != nil {
		return Callback{}, refuse(ErrMalformed, "decode body: %v", err)
	}
	if dec.More() {
		return Callback{}, refuse(ErrMalformed, "trailing data after the body")
	}
	switch {
	case cb.Department != department:
		return Callback{}, refuse(ErrMalformed, "body is from department %q, header from %q", cb.Department, department)
	case cb.CaseID == "" && cb.CaseNumber == "":
		return Callback{}, refuse(ErrMalformed, "no case id or number")
	case !cb.Decision.Valid():
		return Callback{}, refuse(ErrMalformed, "unknown decision %q", cb.Decision)
	case cb.DecisionID == "":
		return Callback{}, refuse(ErrMalformed, "no decision id")
	case cb.Version < 0:
		return Callback{}, refuse(ErrMalformed, "negative version")
	}
	return cb, nil
}
