package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// CaseNumberPrefix starts the earlier case numbers, which cases opened
// before items carried their 实施编码 keep, and those of an item without one.
const CaseNumberPrefix = "ZV"

// NextCaseNumber returns a new case number (办件编号) of an item: its
// implementation code (实施编码, 31 characters), the day in China Standard
// Time and a six-digit sequence of that item and day, e.g.
// 11330100002501234W300017200100020260302000042 (45 characters, within
// the 50 the provincial platform's project_no holds). This is the rule of
// the provincial 办件 data standards: published numbers read
// 实施编码 + yyyyMMdd + sequence (12441500196720244T3442199806003 +
// 20220623 + 0068); six digits leave room for a city's busiest day.
//
// An item without an implementation code (a test catalogue) gets the
// earlier form, "ZV", the day and a sequence of that day. Cases keep the
// number they were given, so numbers of both forms stay valid.
//
// The sequence is one counter row per item and day, incremented in a
// single statement, so replicas never hand out a number twice.
func (r *Repo) NextCaseNumber(ctx context.Context, at time.Time, implCode string) (string, error) {
	day := caseNumberDay(at)
	var n int64
	err := r.db.gorm.WithContext(ctx).Raw(`INSERT INTO case_number_counters (day, last) VALUES (?, 1)
		ON CONFLICT (day) DO UPDATE SET last = case_number_counters.last + 1 RETURNING last`, counterKey(implCode, day)).Row().Scan(&n)
	if err != nil {
		return "", translate("next case number", err)
	}
	return caseNumber(implCode, day, n), nil
}

func caseNumberDay(at time.Time) string { return at.In(workflow.CST()).Format("20060102") }

// counterKey names the counter of an item's day: the day alone for the
// earlier numbers (whose counter rows already exist), else the
// implementation code and the day.
func counterKey(implCode, day string) string {
	if implCode == "" {
		return day
	}
	return implCode + ":" + day
}

func caseNumber(implCode, day string, n int64) string {
	prefix := implCode
	if prefix == "" {
		prefix = CaseNumberPrefix
	}
	if n > 999999 {
		return fmt.Sprintf("%s%s%d", prefix, day, n)
	}
	return fmt.Sprintf("%s%s%06d", prefix, day, n)
}

// NumberDraft takes the next case number (as NextCaseNumber) for a new
// draft of the applicant, unless the applicant already keeps limit drafts
// open: then it takes none and ok is false. On PostgreSQL the count and
// the number are one statement.
func (r *Repo) NumberDraft(ctx context.Context, at time.Time, implCode, applicantID string, limit int) (string, bool, error) {
	const op = "number a draft"
	day := caseNumberDay(at)
	db := r.db.gorm.WithContext(ctx)
	// Drafts are counted up to the limit only.
	const open = `SELECT count(*) AS n FROM (SELECT 1 FROM cases WHERE applicant_id = ? AND status = ? LIMIT ?) AS d`
	var (
		n      sql.NullInt64
		opened int
	)
	if r.db.isPostgres() {
		err := db.Raw(`WITH o AS (`+open+`),
			num AS (INSERT INTO case_number_counters (day, last) SELECT ?, 1 FROM o WHERE o.n < ?
				ON CONFLICT (day) DO UPDATE SET last = case_number_counters.last + 1 RETURNING last)
			SELECT o.n, num.last FROM o LEFT JOIN num ON true`,
			applicantID, string(workflow.StatusDraft), limit, counterKey(implCode, day), limit).Row().Scan(&opened, &n)
		if err != nil {
			return "", false, translate(op, err)
		}
		if !n.Valid {
			return "", false, nil
		}
		return caseNumber(implCode, day, n.Int64), true, nil
	}
	if err := db.Raw(open, applicantID, string(workflow.StatusDraft), limit).Row().Scan(&opened); err != nil {
		return "", false, translate(op, err)
	}
	if opened >= limit {
		return "", false, nil
	}
	number, err := r.NextCaseNumber(ctx, at, implCode)
	return number, err == nil, err
}
