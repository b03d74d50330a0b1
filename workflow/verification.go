package workflow

import (
	"fmt"
	"slices"
	"time"
)

// VerificationResult is one check of an original against what was
// committed: passed or failed, with the evidence (a scan's hash or a
// library record) and who checked it.
type VerificationResult struct {
	Material string    `json:"material"`
	Passed   bool      `json:"passed"`
	Evidence string    `json:"evidence,omitempty"`
	Note     string    `json:"note,omitempty"`
	By       Actor     `json:"by"`
	At       time.Time `json:"at"`
}

// Verification is the verification on completion (办结核验) of a
// trust-first case. Required lists the materials whose originals must be
// checked; results may arrive before it starts (a courier's check at the
// door). Overdue is set when DueAt passed with checks missing.
type Verification struct {
	Required  []string             `json:"required,omitempty"`
	StartedAt time.Time            `json:"started_at,omitzero"`
	DueAt     time.Time            `json:"due_at,omitzero"`
	Overdue   bool                 `json:"overdue,omitempty"`
	Results   []VerificationResult `json:"results,omitempty"`
}

// Result returns the latest result for a material.
func (v Verification) Result(code string) (VerificationResult, bool) {
	for i := len(v.Results) - 1; i >= 0; i-- {
		if v.Results[i].Material == code {
			return v.Results[i], true
		}
	}
	return VerificationResult{}, false
}

// Pending returns the required materials that have no result yet.
func (v Verification) Pending() []string {
	var out []string
	for _, code := range v.Required {
		if _, ok := v.Result(code); !ok {
			out = append(out, code)
		}
	}
	return out
}

// Failed returns the first required material whose latest result failed.
func (v Verification) Failed() (VerificationResult, bool) {
	for _, code := range v.Required {
		if r, ok := v.Result(code); ok && !r.Passed {
			return r, true
		}
	}
	return VerificationResult{}, false
}

// toVerify is what a trust-first case must have checked on completion: the
// item's verify-on-completion materials the case has (provided or promised).
func (c Case) toVerify() []string {
	if !c.TrustFirst {
		return nil
	}
	var out []string
	for _, code := range c.Terms.VerifyMaterials {
		if c.material(code) != nil {
			out = append(out, code)
		}
	}
	return out
}

// addResults validates checks and records them on the case.
func (s *step) addResults(rs []VerificationResult) error {
	if len(rs) == 0 {
		return nil
	}
	want := s.c.toVerify()
	for i, r := range rs {
		if !slices.Contains(want, r.Material) {
			return invalid(fmt.Sprintf("results[%d]", i),
				fmt.Sprintf("material %q needs no verification on this case", r.Material), "该材料无需核验")
		}
		if !r.Passed && r.Note == "" {
			return invalid(fmt.Sprintf("results[%d]", i), "a failed check needs a note", "核验不通过须说明原因")
		}
		r.By, r.At = s.actor, s.at
		s.c.Verification.Results = append(s.c.Verification.Results, r)
	}
	return nil
}

// beginVerification starts the verification on completion and settles it
// at once when nothing (or nothing more) is left to check.
func (s *step) beginVerification() {
	v := &s.c.Verification
	v.Required = s.c.toVerify()
	v.StartedAt = s.at
	v.DueAt = s.e.cal.AddWorkingDays(s.at, s.c.Terms.VerifyDays)
	s.settle()
}

// settle closes the case when every required check passed and no promised
// material is outstanding, puts it under review on any failed check (a
// clerk decides, breach.go), and otherwise leaves it verifying.
func (s *step) settle() {
	if r, failed := s.c.Verification.Failed(); failed {
		s.failedCheck(r)
		return
	}
	if len(s.c.Verification.Pending()) > 0 || len(s.c.Outstanding()) > 0 {
		s.to = StatusVerifying
		return
	}
	s.to = StatusClosed
	s.end(EndClosed, "办结核验通过，办件办结")
	s.notify(TplClosed, nil)
}

// revoke ends an approved case whose commitment was not kept: the decision
// is revoked, the result licence withdrawn and the applicant told. Only a
// clerk's finding of a false commitment (falseCommitment) marks the case
// and goes to the credit library.
func (s *step) revoke(code EndCode, reason string, falseCommitment bool) {
	c := s.c
	s.to = StatusRevoked
	c.FalseCommitment = falseCommitment
	s.end(code, reason)
	if falseCommitment {
		s.effects = append(s.effects, RecordFalseCommitment{
			CaseID: c.ID, Number: c.Number, ApplicantID: c.ApplicantID, ItemCode: c.ItemCode,
			Department: c.Department, Code: string(code), Reason: reason, At: s.at,
		})
	}
	if c.Terms.ResultLicence != "" {
		s.effects = append(s.effects, RevokeLicence{
			CaseID: c.ID, Number: c.Number, ItemCode: c.ItemCode,
			LicenceType: c.Terms.ResultLicence, HolderID: c.ApplicantID, Reason: reason,
		})
	}
	s.notify(TplRevoked, map[string]string{"reason": reason})
}
