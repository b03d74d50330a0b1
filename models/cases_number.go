package models

import (
	"context"
	"fmt"

	"zerovisit/workflow"
)

// GetCaseByNumber returns the case with a 办件编号, or workflow.ErrNotFound.
// Department systems and the provincial platform know cases by number.
func (r *Repo) GetCaseByNumber(ctx context.Context, number string) (workflow.Case, error) {
	op := "get case by number"
	if number == "" {
		return workflow.Case{}, fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	cs, err := r.queryCases(ctx, op, `SELECT `+caseColumns+` FROM cases WHERE number = ?`, number)
	if err != nil {
		return workflow.Case{}, err
	}
	if len(cs) == 0 {
		return workflow.Case{}, fmt.Errorf("%s %s: %w", op, number, workflow.ErrNotFound)
	}
	return cs[0], nil
}

// CasesByNumber pages through numbered cases in ascending number order,
// starting after the given number ("" = from the first), for reconciliation
// with the provincial platform. It walks the unique number index.
func (r *Repo) CasesByNumber(ctx context.Context, after string, limit int) ([]workflow.Case, error) {
	return r.queryCases(ctx, "cases by number", `SELECT `+caseColumns+` FROM cases
		WHERE number > ? ORDER BY number LIMIT ?`, after, limit)
}
