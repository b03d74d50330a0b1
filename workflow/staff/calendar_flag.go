package staff

import (
	"context"
	"slices"
	"time"

	"zerovisit/workflow"
)

// calendarLookahead is how many years after this one the supervision view
// looks for deadlines in years the calendar does not know for certain.
const calendarLookahead = 5

// CalendarFlag is the supervisors' warning about deadlines counted without
// a certain calendar: the open cases whose deadline falls in a year the
// calendar lacks (counted Monday to Friday, holidays unknown) or knows only
// provisionally. Their deadlines may move by days once the State Council
// announces the year, so supervisors check them by hand. Years are the
// uncertain years those cases' deadlines fall in (of the cases listed).
type CalendarFlag struct {
	Years []workflow.CalendarGap `json:"years"`
	Cases QueuePage              `json:"-"`
}

// calendarFlag returns the flag for some departments; it lists at most 20
// cases, soonest due first, and counts them all.
func (s *Service) calendarFlag(ctx context.Context, depts []string, now time.Time) (CalendarFlag, error) {
	this := workflow.DateOf(now).Year
	gaps := s.cfg.Engine.Calendar().GapsBetween(this, this+calendarLookahead)
	flag := CalendarFlag{Years: []workflow.CalendarGap{}, Cases: QueuePage{Items: []QueueEntry{}}}
	if len(gaps) == 0 {
		return flag, nil
	}
	spans := make([]TimeSpan, 0, len(gaps))
	for _, g := range gaps {
		spans = append(spans, TimeSpan{From: workflow.Date{Year: g.Year, Month: time.January, Day: 1}.Start(),
			To: workflow.Date{Year: g.Year + 1, Month: time.January, Day: 1}.Start()})
	}
	page, err := s.namedPage(ctx, QueueQuery{Departments: depts, Now: now, DeadlineIn: spans, Limit: 20})
	if err != nil {
		return CalendarFlag{}, err
	}
	flag.Cases = page
	for _, e := range page.Items {
		y := workflow.DateOf(e.Case.Deadline).Year
		if i := slices.IndexFunc(gaps, func(g workflow.CalendarGap) bool { return g.Year == y }); i >= 0 &&
			!slices.Contains(flag.Years, gaps[i]) {
			flag.Years = append(flag.Years, gaps[i])
		}
	}
	slices.SortFunc(flag.Years, func(a, b workflow.CalendarGap) int { return a.Year - b.Year })
	return flag, nil
}
