package staff

import (
	"context"
	"time"

	"zerovisit/workflow"
)

// Supervised returns the departments the caller oversees: an administrator
// every one (nil) or the one asked for, a supervisor their own.
func (s *Service) Supervised(who Caller, want string) ([]string, error) {
	if who.Admin() {
		if want == "" {
			return nil, nil
		}
		if !s.IsDepartment(want) {
			return nil, badQuery("department", "部门不存在")
		}
		return []string{want}, nil
	}
	if want != "" && want != who.Department {
		return nil, errOtherDepartment
	}
	return []string{who.Department}, nil
}

// Supervision is the supervisor's view: who holds how many overdue (red)
// and nearly overdue (yellow) cases, those cases most urgent first, and the
// latest cards raised.
type Supervision struct {
	Workloads []Workload
	Cases     QueuePage
	Alerts    []Alert
	// Calendar flags the cases due in a year the calendar is unsure of.
	Calendar CalendarFlag
}

// SupervisionRequest asks for the view of a department (an
// administrator's pick) from a cursor on.
type SupervisionRequest struct {
	Department string
	Cursor     string
	Limit      int
}

// Supervision returns the view of the departments the caller oversees.
func (s *Service) Supervision(ctx context.Context, who Caller, r SupervisionRequest) (Supervision, error) {
	depts, err := s.Supervised(who, r.Department)
	if err != nil {
		return Supervision{}, err
	}
	if len(r.Cursor) > maxCursor {
		return Supervision{}, workflow.ErrBadCursor
	}
	now := s.cfg.Now()
	var v Supervision
	if v.Workloads, err = s.workloads(ctx, depts, now); err != nil {
		return Supervision{}, err
	}
	v.Cases, err = s.namedPage(ctx, QueueQuery{Departments: depts, Cards: []workflow.Card{workflow.CardRed, workflow.CardYellow},
		Now: now, Cursor: r.Cursor, Limit: r.Limit})
	if err != nil {
		return Supervision{}, err
	}
	if v.Alerts, err = s.cfg.Store.Alerts(ctx, depts, 0, 20); err != nil {
		return Supervision{}, err
	}
	if v.Calendar, err = s.calendarFlag(ctx, depts, now); err != nil {
		return Supervision{}, err
	}
	return v, nil
}

// workloads counts the carded cases by holder, with the holders' names.
func (s *Service) workloads(ctx context.Context, depts []string, now time.Time) ([]Workload, error) {
	work, err := s.cfg.Store.Workloads(ctx, depts, now)
	if err != nil {
		return nil, err
	}
	var holders []string
	for _, w := range work {
		holders = append(holders, w.StaffID)
	}
	names, err := s.cfg.Store.StaffNames(ctx, holders)
	if err != nil {
		return nil, err
	}
	out := make([]Workload, 0, len(work))
	for _, w := range work {
		w.StaffName = names[w.StaffID]
		out = append(out, w)
	}
	return out, nil
}

// Period is the period of a report: a month (YYYY-MM), or from and to
// (YYYY-MM-DD, to inclusive); by default the current month.
type Period struct {
	Month    string
	From, To string
}

// maxPeriod bounds a report's period.
const maxPeriod = 366 * 24 * time.Hour

// bounds returns [from, to) of the period in China Standard Time.
func (p Period) bounds(now time.Time) (time.Time, time.Time, error) {
	bad := func(name string) (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, badQuery(name, "统计期间不正确")
	}
	cst := workflow.CST()
	if p.Month != "" {
		t, err := time.ParseInLocation("2006-01", p.Month, cst)
		if err != nil {
			return bad("month")
		}
		return t, t.AddDate(0, 1, 0), nil
	}
	if p.From == "" && p.To == "" {
		y, mo, _ := now.In(cst).Date()
		start := time.Date(y, mo, 1, 0, 0, 0, 0, cst)
		return start, start.AddDate(0, 1, 0), nil
	}
	f, err := workflow.ParseDate(p.From)
	if err != nil {
		return bad("from")
	}
	t, err := workflow.ParseDate(p.To)
	if err != nil || t.Compare(f) < 0 || t.Start().Sub(f.Start()) > maxPeriod {
		return bad("to")
	}
	return f.Start(), t.AddDays(1).Start(), nil
}

// Stats are the statistics of a period per department the caller oversees
// (department is an administrator's pick).
func (s *Service) Stats(ctx context.Context, who Caller, department string, p Period) (Stats, error) {
	depts, err := s.Supervised(who, department)
	if err != nil {
		return Stats{}, err
	}
	from, to, err := p.bounds(s.cfg.Now())
	if err != nil {
		return Stats{}, err
	}
	return s.cfg.Store.Stats(ctx, StatsQuery{Departments: depts, From: from, To: to, Calendar: s.cfg.Engine.Calendar()})
}
