package models

import (
	"context"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// CaseNumberPrefix starts every case number the citizen channel assigns.
const CaseNumberPrefix = "ZV"

// NextCaseNumber returns a new case number (办件编号): "ZV", the day in
// China Standard Time and a six-digit sequence of that day, e.g.
// ZV20260302000042. The sequence is one counter row per day, incremented
// in a single statement, so replicas never hand out a number twice.
func (r *Repo) NextCaseNumber(ctx context.Context, at time.Time) (string, error) {
	day := at.In(workflow.CST()).Format("20060102")
	var n int64
	err := r.db.gorm.WithContext(ctx).Raw(`INSERT INTO case_number_counters (day, last) VALUES (?, 1)
		ON CONFLICT (day) DO UPDATE SET last = case_number_counters.last + 1 RETURNING last`, day).Row().Scan(&n)
	if err != nil {
		return "", translate("next case number", err)
	}
	if n > 999999 {
		return fmt.Sprintf("%s%s%d", CaseNumberPrefix, day, n), nil
	}
	return fmt.Sprintf("%s%s%06d", CaseNumberPrefix, day, n), nil
}
