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
	// OverdueDays are the working days each overdue case of Cases is late
	// by, by case id.
	OverdueDays map[string]int
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
	v.OverdueDays = map[string]int{}
	for _, e := range v.Cases.Items {
		if d := e.Case.Deadline; !d.IsZero() && now.After(d) {
			v.OverdueDays[e.Case.ID] = s.cfg.Engine.Calendar().WorkingDaysBetween(d, now)
		}
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
// (YYYY-MM-DD, to inclusive); by default the last DefaultPeriodDays days up
// to today. A period never reaches past today: no future day is counted or
// drawn.
type Period struct {
	Month    string
	From, To string
}

// maxPeriod bounds a report's period.
const maxPeriod = 366 * 24 * time.Hour

// DefaultPeriodDays is the length of the default period, today included.
const DefaultPeriodDays = 30

// bounds returns [from, to) of the period in China Standard Time.
func (p Period) bounds(now time.Time) (time.Time, time.Time, error) {
	bad := func(name string) (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, badQuery(name, "统计期间不正确")
	}
	cst := workflow.CST()
	end := workflow.DateOf(now).AddDays(1).Start()
	clip := func(from, to time.Time, name string) (time.Time, time.Time, error) {
		if !from.Before(end) {
			return time.Time{}, time.Time{}, badQuery(name, "统计期间不能晚于今天")
		}
		if to.After(end) {
			to = end
		}
		return from, to, nil
	}
	if p.Month != "" {
		t, err := time.ParseInLocation("2006-01", p.Month, cst)
		if err != nil {
			return bad("month")
		}
		return clip(t, t.AddDate(0, 1, 0), "month")
	}
	if p.From == "" && p.To == "" {
		return workflow.DateOf(now).AddDays(1 - DefaultPeriodDays).Start(), end, nil
	}
	f, err := workflow.ParseDate(p.From)
	if err != nil {
		return bad("from")
	}
	t, err := workflow.ParseDate(p.To)
	if err != nil || t.Compare(f) < 0 || t.Start().Sub(f.Start()) > maxPeriod {
		return bad("to")
	}
	return clip(f.Start(), t.AddDays(1).Start(), "from")
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
	st, err := s.cfg.Store.Stats(ctx, StatsQuery{Departments: depts, From: from, To: to, Calendar: s.cfg.Engine.Calendar()})
	if err != nil {
		return Stats{}, err
	}
	ids := make([]string, 0, len(st.Clerks))
	for _, c := range st.Clerks {
		ids = append(ids, c.StaffID)
	}
	names, err := s.cfg.Store.StaffNames(ctx, ids)
	if err != nil {
		return Stats{}, err
	}
	for i := range st.Clerks {
		st.Clerks[i].StaffName = names[st.Clerks[i].StaffID]
	}
	return st, nil
}
