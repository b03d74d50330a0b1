package models

import (
	"context"
	"fmt"
	"strings"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
)

// CasePage is one page of a citizen's cases, newest first (the domain's).
type CasePage = apply.CasePage

// CasesOfApplicants pages through the cases of the given applicants (a
// person and the businesses they act for), newest first, optionally in one
// status. after is the cursor a previous page returned ("" for the first).
// It walks the cases_applicant_idx index.
func (r *Repo) CasesOfApplicants(ctx context.Context, applicants []string, status workflow.Status, after string, limit int) (CasePage, error) {
	if len(applicants) == 0 || limit <= 0 {
		return CasePage{}, nil
	}
	q := `SELECT ` + caseColumns + ` FROM cases WHERE applicant_id IN (?` + strings.Repeat(", ?", len(applicants)-1) + `)`
	args := make([]any, 0, len(applicants)+4)
	for _, a := range applicants {
		args = append(args, a)
	}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	}
	if after != "" {
		at, id, err := workflow.ParseTimeKey(after)
		if err != nil {
			return CasePage{}, fmt.Errorf("cases of applicants: %w", err)
		}
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, r.db.ts(at), r.db.ts(at), id)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	cs, err := r.queryCases(ctx, "cases of applicants", q, args...)
	if err != nil {
		return CasePage{}, err
	}
	page := CasePage{Cases: cs}
	if len(cs) > limit {
		page.Cases = cs[:limit]
		last := page.Cases[limit-1]
		page.Next = workflow.TimeKey(last.CreatedAt, last.ID)
	}
	return page, nil
}
