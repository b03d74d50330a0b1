package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// maxStatsDays bounds the daily series of one report.
const maxStatsDays = 366

// jsonText reads a text field of the case document at a path of keys.
func (db *DB) jsonText(path ...string) string {
	if db.isPostgres() {
		expr := "c.data"
		for i, p := range path {
			op := "->"
			if i == len(path)-1 {
				op = "->>"
			}
			expr += op + "'" + p + "'"
		}
		return expr
	}
	return "json_extract(c.data, '$." + strings.Join(path, ".") + "')"
}

// Stats computes the figures of q from the audited events of the period.
func (s *StaffStore) Stats(ctx context.Context, q staff.StatsQuery) (staff.Stats, error) {
	op := "statistics"
	if !q.To.After(q.From) {
		return staff.Stats{}, fmt.Errorf("%s: %w: the period ends before it starts", op, workflow.ErrInvalidInput)
	}
	st := staff.Stats{From: q.From, To: q.To}
	by := map[string]*staff.DepartmentStats{}
	dept := func(code string) *staff.DepartmentStats {
		if by[code] == nil {
			by[code] = &staff.DepartmentStats{Department: code}
		}
		return by[code]
	}
	for _, d := range q.Departments {
		dept(d)
	}
	clerks := map[string]*staff.ClerkStats{}
	items := map[string]*staff.ItemStats{}
	item := func(code, name, department string) *staff.ItemStats {
		if items[code] == nil {
			items[code] = &staff.ItemStats{ItemCode: code, ItemName: name, Department: department}
		}
		return items[code]
	}
	days := map[string]*staff.DayStats{}
	day := func(t time.Time) *staff.DayStats {
		k := workflow.DateOf(t).String()
		if days[k] == nil {
			days[k] = &staff.DayStats{Date: k}
		}
		return days[k]
	}
	scope, args := "", []any{s.db.ts(q.From), s.db.ts(q.To)}
	if len(q.Departments) > 0 {
		scope = " AND c.department IN (" + placeholders(len(q.Departments)) + ")"
		for _, d := range q.Departments {
			args = append(args, d)
		}
	}

	// Submissions: trust-first and zero-visit shares are of these.
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT c.department, c.item_code, COALESCE(`+s.db.jsonText("terms", "item_name")+`, ''), e.at, c.trust_first, `+
		`COALESCE(`+s.db.jsonText("channel")+`, ''), COALESCE(`+s.db.jsonText("delivery", "method")+`, '')
		FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE e.at >= ? AND e.at < ? AND e.name = 'submit'`+scope, args...).Rows()
	if err != nil {
		return staff.Stats{}, translate(op, err)
	}
	for rows.Next() {
		var (
			code, itemCode, itemName, channel, method string
			at                                        sqlTime
			trust                                     bool
		)
		if err := rows.Scan(&code, &itemCode, &itemName, &at, &trust, &channel, &method); err != nil {
			rows.Close()
			return staff.Stats{}, translate(op, err)
		}
		d := dept(code)
		d.Received++
		item(itemCode, itemName, code).Received++
		day(at.T).Received++
		if trust {
			d.TrustFirst++
		}
		if channel != string(workflow.ChannelCounter) && method != string(workflow.DeliveryPickup) {
			d.ZeroVisit++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return staff.Stats{}, translate(op, err)
	}

	// Acceptances, decisions and revocations.
	rows, err = s.db.gorm.WithContext(ctx).Raw(`SELECT c.department, c.item_code, COALESCE(`+s.db.jsonText("terms", "item_name")+`, ''), e.actor_kind, e.actor_id, e.at, e.from_status, e.to_status, c.deadline, `+
		`COALESCE(`+s.db.jsonText("sla", "started_at")+`, ''), COALESCE(`+s.db.jsonText("sla", "paused_days")+`, ''), `+
		`COALESCE(`+s.db.jsonText("ending", "code")+`, '')
		FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE e.at >= ? AND e.at < ? AND e.to_status IN ('accepted', 'approved', 'rejected', 'revoked')
			AND e.from_status IN ('draft', 'submitted', 'accepted', 'verifying', 'delivered', 'approved', 'delivering', 'commitment_review', 'rectifying')`+scope, args...).Rows()
	if err != nil {
		return staff.Stats{}, translate(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			code, itemCode, itemName, actorKind, actorID string
			from, to, started, paused, ending            string
			at, deadline                                 sqlTime
		)
		if err := rows.Scan(&code, &itemCode, &itemName, &actorKind, &actorID, &at, &from, &to, &deadline, &started, &paused, &ending); err != nil {
			return staff.Stats{}, translate(op, err)
		}
		d := dept(code)
		decision := slices.Contains([]string{"draft", "submitted", "accepted"}, from) && (to == "approved" || to == "rejected")
		switch {
		case to == "accepted" && (from == "draft" || from == "submitted"):
			d.Accepted++
		case to == "approved" && from == "draft":
			// Approve on commit: accepted and decided at once.
			d.Accepted++
		case to == "revoked" && ending == string(workflow.EndVerificationFailed):
			d.VerificationFailures++
		}
		if !decision {
			continue
		}
		d.Decided++
		day(at.T).Decided++
		if to == "approved" {
			d.Approved++
		} else {
			d.Rejected++
		}
		onTime := deadline.T.IsZero() || !at.T.After(deadline.T)
		if onTime {
			d.OnTime++
		}
		clock := -1
		if start, err := time.Parse(time.RFC3339Nano, started); err == nil {
			n := q.Calendar.WorkingDaysBetween(start, at.T)
			if p, err := strconv.Atoi(paused); err == nil {
				n -= p
			}
			clock = max(n, 0)
			d.ClockDays += clock
			d.ClockCases++
		}
		item(itemCode, itemName, code).Count(to == "approved", onTime, clock)
		if actorKind == string(workflow.ActorClerk) && actorID != "" {
			if clerks[actorID] == nil {
				clerks[actorID] = &staff.ClerkStats{StaffID: actorID, Department: code}
			}
			clerks[actorID].Count(to == "approved", onTime, clock)
		}
	}
	if err := rows.Err(); err != nil {
		return staff.Stats{}, translate(op, err)
	}

	if err := s.countEvaluations(ctx, q, dept, &st); err != nil {
		return staff.Stats{}, err
	}
	for _, d := range by {
		st.Departments = append(st.Departments, *d)
	}
	slices.SortFunc(st.Departments, func(a, b staff.DepartmentStats) int { return strings.Compare(a.Department, b.Department) })
	total := staff.DepartmentStats{Department: "*"}
	for i := range st.Departments {
		d := &st.Departments[i]
		d.Finish()
		total.Add(*d)
	}
	total.Finish()
	st.Total = total
	st.Clerks = []staff.ClerkStats{}
	for _, c := range clerks {
		c.Finish()
		st.Clerks = append(st.Clerks, *c)
	}
	slices.SortFunc(st.Clerks, func(a, b staff.ClerkStats) int { return strings.Compare(a.StaffID, b.StaffID) })
	st.Items = []staff.ItemStats{}
	for _, it := range items {
		it.Finish()
		st.Items = append(st.Items, *it)
	}
	slices.SortFunc(st.Items, func(a, b staff.ItemStats) int { return strings.Compare(a.ItemCode, b.ItemCode) })
	// Every day of the period, quiet ones included, so a chart has no gaps.
	for d, n := workflow.DateOf(q.From), 0; d.Start().Before(q.To) && n < maxStatsDays; d, n = d.AddDays(1), n+1 {
		day(d.Start())
	}
	for _, d := range days {
		st.Daily = append(st.Daily, *d)
	}
	slices.SortFunc(st.Daily, func(a, b staff.DayStats) int { return strings.Compare(a.Date, b.Date) })
	if st.Departments == nil {
		st.Departments = []staff.DepartmentStats{}
	}
	if st.Daily == nil {
		st.Daily = []staff.DayStats{}
	}
	return st, nil
}

// countEvaluations counts the citizens' evaluations (好差评) of the period
// by department.
func (s *StaffStore) countEvaluations(ctx context.Context, q staff.StatsQuery, dept func(string) *staff.DepartmentStats, st *staff.Stats) error {
	scope, args := "", []any{s.db.ts(q.From), s.db.ts(q.To)}
	if len(q.Departments) > 0 {
		scope = " AND v.department IN (" + placeholders(len(q.Departments)) + ")"
		for _, d := range q.Departments {
			args = append(args, d)
		}
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT v.department, count(*) FROM case_evaluations v
		WHERE v.created_at >= ? AND v.created_at < ?`+scope+` GROUP BY v.department`, args...).Rows()
	if err != nil {
		return translate("statistics: count evaluations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			code string
			n    sql.NullInt64
		)
		if err := rows.Scan(&code, &n); err != nil {
			return translate("statistics: count evaluations", err)
		}
		dept(code).Evaluations = n.Int64
	}
	if err := rows.Err(); err != nil {
		return translate("statistics: count evaluations", err)
	}
	st.EvaluationsAvailable = true
	return nil
}
