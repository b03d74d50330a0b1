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
)

// maxStatsDays bounds the daily series of one report.
const maxStatsDays = 366

// StatsQuery asks for the statistics of some departments (all when empty)
// over the period [From, To). Calendar counts working days.
type StatsQuery struct {
	Departments []string
	From, To    time.Time
	Calendar    *workflow.Calendar
}

// DepartmentStats are one department's figures for a period. Received
// counts submissions; Accepted acceptances (受理, trust-first submissions
// included); Decided approvals and rejections, OnTime those taken by the
// deadline; AvgWorkingDays the mean working days from acceptance to
// decision; ZeroVisit and TrustFirst the received cases applied online with
// no counter visit for the result, and taken on the trust-first path;
// VerificationFailures the decisions revoked because verification failed.
type DepartmentStats struct {
	Department           string  `json:"department"`
	Received             int64   `json:"received"`
	Accepted             int64   `json:"accepted"`
	Decided              int64   `json:"decided"`
	Approved             int64   `json:"approved"`
	Rejected             int64   `json:"rejected"`
	OnTime               int64   `json:"on_time"`
	OnTimeShare          float64 `json:"on_time_share"`
	AvgWorkingDays       float64 `json:"avg_working_days"`
	ZeroVisit            int64   `json:"zero_visit"`
	ZeroVisitShare       float64 `json:"zero_visit_share"`
	TrustFirst           int64   `json:"trust_first"`
	TrustFirstShare      float64 `json:"trust_first_share"`
	VerificationFailures int64   `json:"verification_failures"`
	Evaluations          int64   `json:"evaluations"`

	clockDays  int
	clockCases int
}

// DayStats are the submissions and decisions of one day (China Standard Time).
type DayStats struct {
	Date     string `json:"date"`
	Received int64  `json:"received"`
	Decided  int64  `json:"decided"`
}

// Stats are the figures of a period by department, their total and the
// daily series. EvaluationsAvailable is false while the evaluation records
// (好差评) cannot be read; Evaluations are then 0.
type Stats struct {
	From                 time.Time         `json:"from"`
	To                   time.Time         `json:"to"`
	Departments          []DepartmentStats `json:"departments"`
	Total                DepartmentStats   `json:"total"`
	Daily                []DayStats        `json:"daily"`
	EvaluationsAvailable bool              `json:"evaluations_available"`
}

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
func (s *StaffStore) Stats(ctx context.Context, q StatsQuery) (Stats, error) {
	op := "statistics"
	if !q.To.After(q.From) {
		return Stats{}, fmt.Errorf("%s: %w: the period ends before it starts", op, workflow.ErrInvalidInput)
	}
	st := Stats{From: q.From, To: q.To}
	by := map[string]*DepartmentStats{}
	dept := func(code string) *DepartmentStats {
		if by[code] == nil {
			by[code] = &DepartmentStats{Department: code}
		}
		return by[code]
	}
	for _, d := range q.Departments {
		dept(d)
	}
	days := map[string]*DayStats{}
	day := func(t time.Time) *DayStats {
		k := workflow.DateOf(t).String()
		if days[k] == nil {
			days[k] = &DayStats{Date: k}
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
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT c.department, e.at, c.trust_first, `+
		`COALESCE(`+s.db.jsonText("channel")+`, ''), COALESCE(`+s.db.jsonText("delivery", "method")+`, '')
		FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE e.at >= ? AND e.at < ? AND e.name = 'submit'`+scope, args...).Rows()
	if err != nil {
		return Stats{}, translate(op, err)
	}
	for rows.Next() {
		var (
			code, channel, method string
			at                    sqlTime
			trust                 bool
		)
		if err := rows.Scan(&code, &at, &trust, &channel, &method); err != nil {
			rows.Close()
			return Stats{}, translate(op, err)
		}
		d := dept(code)
		d.Received++
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
		return Stats{}, translate(op, err)
	}

	// Acceptances, decisions and revocations.
	rows, err = s.db.gorm.WithContext(ctx).Raw(`SELECT c.department, e.at, e.from_status, e.to_status, c.deadline, `+
		`COALESCE(`+s.db.jsonText("sla", "started_at")+`, ''), COALESCE(`+s.db.jsonText("sla", "paused_days")+`, ''), `+
		`COALESCE(`+s.db.jsonText("ending", "code")+`, '')
		FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE e.at >= ? AND e.at < ? AND e.to_status IN ('accepted', 'approved', 'rejected', 'revoked')
			AND e.from_status IN ('draft', 'submitted', 'accepted', 'verifying', 'delivered', 'approved', 'delivering')`+scope, args...).Rows()
	if err != nil {
		return Stats{}, translate(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			code, from, to, started, paused, ending string
			at, deadline                            sqlTime
		)
		if err := rows.Scan(&code, &at, &from, &to, &deadline, &started, &paused, &ending); err != nil {
			return Stats{}, translate(op, err)
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
		if deadline.T.IsZero() || !at.T.After(deadline.T) {
			d.OnTime++
		}
		if start, err := time.Parse(time.RFC3339Nano, started); err == nil {
			n := q.Calendar.WorkingDaysBetween(start, at.T)
			if p, err := strconv.Atoi(paused); err == nil {
				n -= p
			}
			d.clockDays += max(n, 0)
			d.clockCases++
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, translate(op, err)
	}

	if err := s.countEvaluations(ctx, q, dept, &st); err != nil {
		return Stats{}, err
	}
	for _, d := range by {
		st.Departments = append(st.Departments, *d)
	}
	slices.SortFunc(st.Departments, func(a, b DepartmentStats) int { return strings.Compare(a.Department, b.Department) })
	total := DepartmentStats{Department: "*"}
	for i := range st.Departments {
		d := &st.Departments[i]
		d.shares()
		total.add(*d)
	}
	total.shares()
	st.Total = total
	// Every day of the period, quiet ones included, so a chart has no gaps.
	for d, n := workflow.DateOf(q.From), 0; d.Start().Before(q.To) && n < maxStatsDays; d, n = d.AddDays(1), n+1 {
		day(d.Start())
	}
	for _, d := range days {
		st.Daily = append(st.Daily, *d)
	}
	slices.SortFunc(st.Daily, func(a, b DayStats) int { return strings.Compare(a.Date, b.Date) })
	if st.Departments == nil {
		st.Departments = []DepartmentStats{}
	}
	if st.Daily == nil {
		st.Daily = []DayStats{}
	}
	return st, nil
}

func (d *DepartmentStats) add(o DepartmentStats) {
	d.Received += o.Received
	d.Accepted += o.Accepted
	d.Decided += o.Decided
	d.Approved += o.Approved
	d.Rejected += o.Rejected
	d.OnTime += o.OnTime
	d.ZeroVisit += o.ZeroVisit
	d.TrustFirst += o.TrustFirst
	d.VerificationFailures += o.VerificationFailures
	d.Evaluations += o.Evaluations
	d.clockDays += o.clockDays
	d.clockCases += o.clockCases
}

func (d *DepartmentStats) shares() {
	ratio := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	d.OnTimeShare = ratio(d.OnTime, d.Decided)
	d.ZeroVisitShare = ratio(d.ZeroVisit, d.Received)
	d.TrustFirstShare = ratio(d.TrustFirst, d.Received)
	d.AvgWorkingDays = ratio(int64(d.clockDays), int64(d.clockCases))
}

// countEvaluations counts the citizens' evaluations (好差评) of the period
// by department.
func (s *StaffStore) countEvaluations(ctx context.Context, q StatsQuery, dept func(string) *DepartmentStats, st *Stats) error {
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
