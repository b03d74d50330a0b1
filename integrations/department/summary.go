package department

import (
	"time"

	"zerovisit/workflow"
)

// Summary is what a department's system is told of a case beside its
// number and status: enough to review it, and no personal data (the
// applicant is an opaque id, materials are references into the libraries
// and the file store).
type Summary struct {
	ItemName       string     `json:"item_name"`
	DepartmentName string     `json:"department_name"`
	ApplicantID    string     `json:"applicant_id"`
	Channel        string     `json:"channel,omitempty"`
	TrustFirst     bool       `json:"trust_first"`
	Priority       bool       `json:"priority,omitempty"`
	PathNote       string     `json:"path_note,omitempty"`
	SubmittedAt    time.Time  `json:"submitted_at,omitzero"`
	Deadline       time.Time  `json:"deadline,omitzero"`
	Materials      []Material `json:"materials,omitempty"`
	// Ending says why a case ended before a decision (withdrawn), if it did.
	Ending string `json:"ending,omitempty"`
}

// Material is one material of a case as the department sees it.
type Material struct {
	Code     string    `json:"code"`
	Source   string    `json:"source,omitempty"`
	Ref      string    `json:"ref,omitempty"`
	Promised bool      `json:"promised,omitempty"`
	DueAt    time.Time `json:"due_at,omitzero"`
	Provided bool      `json:"provided"`
}

// SummaryOf summarises a case for its department.
func SummaryOf(c workflow.Case) Summary {
	s := Summary{
		ItemName: c.Terms.ItemName, DepartmentName: c.Terms.DepartmentName,
		ApplicantID: c.ApplicantID, Channel: string(c.Channel),
		TrustFirst: c.TrustFirst, Priority: c.Priority, PathNote: c.PathNote,
		SubmittedAt: c.SubmittedAt, Deadline: c.Deadline,
	}
	for _, m := range c.Materials {
		s.Materials = append(s.Materials, Material{
			Code: m.Code, Source: string(m.Source), Ref: m.Ref,
			Promised: m.Promised, DueAt: m.DueAt, Provided: !m.ProvidedAt.IsZero(),
		})
	}
	if c.Ending != nil {
		s.Ending = c.Ending.Reason
	}
	return s
}
