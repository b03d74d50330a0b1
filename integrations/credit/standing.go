package credit

import (
	"errors"
	"time"

	"zerovisit/workflow"
)

// List kinds.
const (
	KindRed   = "red"   // 守信激励 red list
	KindBlack = "black" // 失信联合惩戒 list
)

// ListEntry is a list the subject is on.
type ListEntry struct {
	// Kind is KindRed or KindBlack.
	Kind string `json:"kind"`
	// Name is the list's name (e.g. 失信被执行人名单).
	Name string `json:"name"`
	// Authority is the body that listed the subject.
	Authority string `json:"authority,omitempty"`
	// Since is the day the subject was listed.
	Since workflow.Date `json:"since,omitzero"`
}

// Standing is a subject's standing in the credit library.
type Standing struct {
	SubjectID string `json:"subject_id"`
	// Status is black if the subject is on any black list, else red if on
	// any red list, else normal.
	Status workflow.CreditStatus `json:"status"`
	// Lists are the lists the subject is on.
	Lists []ListEntry `json:"lists,omitempty"`
	// FalseCommitments counts the false commitments recorded for the
	// subject that still count: those the library received after the
	// subject's latest completed credit repair (all, without one) and
	// not past their ExpiresAt.
	FalseCommitments int `json:"false_commitments"`
	// Repair is the subject's latest completed credit repair (信用修复),
	// absent when there was none.
	Repair *Repair `json:"repair,omitempty"`
}

// Repair is a completed credit repair (信用修复): the subject corrected
// the breach and the authority granted the repair, so the false
// commitments the library held when it was completed no longer count.
type Repair struct {
	RecordID    string    `json:"record_id"`
	Authority   string    `json:"authority,omitempty"`
	CompletedAt time.Time `json:"completed_at"`
}

// History is what the trust-first rules weigh of a standing besides its
// status: the false commitments that still count and when the latest
// completed repair was.
func (s Standing) History() workflow.CreditHistory {
	h := workflow.CreditHistory{FalseCommitments: int64(s.FalseCommitments)}
	if s.Repair != nil {
		h.RepairedAt = s.Repair.CompletedAt
	}
	return h
}

// ListNames returns the names of the lists of kind the subject is on.
func (s Standing) ListNames(kind string) []string {
	var out []string
	for _, l := range s.Lists {
		if l.Kind == kind {
			out = append(out, l.Name)
		}
	}
	return out
}

// StatusOf returns what the trust-first guard should use for a Status
// call's result: the standing's status, or workflow.CreditUnknown when the
// call failed (the case then takes the ordinary path).
func StatusOf(s Standing, err error) workflow.CreditStatus {
	if err != nil || !s.Status.Valid() {
		return workflow.CreditUnknown
	}
	return s.Status
}

// errBadStatus is returned for a standing the library should not send.
var errBadStatus = errors.New("credit: status: unexpected answer")
