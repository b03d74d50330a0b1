package credit

import (
	"errors"

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
	// FalseCommitments counts the false commitments recorded for the subject.
	FalseCommitments int `json:"false_commitments"`
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
