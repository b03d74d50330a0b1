package workflow

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Holiday is one announced public holiday: the days off, From to To
// inclusive, and the weekend days worked in exchange (调休上班).
type Holiday struct {
	Name     string `yaml:"name" json:"name"`
	From     Date   `yaml:"from" json:"from"`
	To       Date   `yaml:"to" json:"to"`
	Workdays []Date `yaml:"workdays,omitempty" json:"workdays,omitempty"`
}

// CalendarYear is the State Council's holiday arrangement for one year.
// Provisional marks an estimate used until the real notice is published.
type CalendarYear struct {
	Year        int       `yaml:"year" json:"year"`
	Source      string    `yaml:"source" json:"source"`
	Provisional bool      `yaml:"provisional,omitempty" json:"provisional,omitempty"`
	Note        string    `yaml:"note,omitempty" json:"note,omitempty"`
	Holidays    []Holiday `yaml:"holidays" json:"holidays"`
}

// Calendar tells working days from days off. It knows the announced
// holidays and make-up working days of the years it was built with; any
// other day, including every day of a year it does not cover, is a working
// day exactly when it falls Monday to Friday. A nil *Calendar counts Monday
// to Friday everywhere. A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	days  map[Date]bool // announced days: true = working day, false = day off
	years []CalendarYear
}

// NewCalendar builds a calendar from yearly arrangements and checks them:
// one entry per year, holidays inside their year and at most 15 days long,
// make-up working days on a Saturday or Sunday, and no day both off and
// worked.
func NewCalendar(years []CalendarYear) (*Calendar, error) {
	c := &Calendar{days: make(map[Date]bool), years: slices.Clone(years)}
	seen := make(map[int]bool)
	var errs []error
	for _, y := range years {
		if seen[y.Year] {
			errs = append(errs, fmt.Errorf("calendar %d: year listed twice", y.Year))
			continue
		}
		seen[y.Year] = true
		for _, h := range y.Holidays {
			errs = append(errs, c.addHoliday(y.Year, h)...)
		}
	}
	slices.SortFunc(c.years, func(a, b CalendarYear) int { return cmpInt(a.Year, b.Year) })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Calendar) addHoliday(year int, h Holiday) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("calendar %d: holiday %q: "+format, append([]any{year, h.Name}, args...)...))
	}
	switch {
	case h.Name == "":
		bad("name is empty")
	case h.From.IsZero() || h.To.IsZero():
		bad("from and to are required")
	case h.From.Year != year || h.To.Year != year:
		bad("days %s..%s fall outside the year", h.From, h.To)
	case h.From.Compare(h.To) > 0:
		bad("from %s is after to %s", h.From, h.To)
	case h.To.Compare(h.From.AddDays(14)) > 0:
		bad("%s..%s is longer than 15 days", h.From, h.To)
	}
	if len(errs) > 0 {
		return errs
	}
	for d := h.From; d.Compare(h.To) <= 0; d = d.AddDays(1) {
		if w, ok := c.days[d]; ok && w {
			bad("day %s is also a make-up working day", d)
		}
		c.days[d] = false
	}
	for _, d := range h.Workdays {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			bad("make-up working day %s is a %s, not a weekend day", d, wd)
			continue
		}
		if w, ok := c.days[d]; ok && !w {
			bad("make-up working day %s is also a day off", d)
			continue
		}
		c.days[d] = true
	}
	return errs
}

// Years returns the arrangements the calendar was built with, by year.
func (c *Calendar) Years() []CalendarYear {
	if c == nil {
		return nil
	}
	return slices.Clone(c.years)
}

// Covers reports whether the calendar has an arrangement (announced or
// provisional) for year. Outside covered years it counts Monday to Friday.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.year(year)
	return ok
}

// Provisional reports whether year is covered only by an estimate.
func (c *Calendar) Provisional(year int) bool {
	y, ok := c.year(year)
	return ok && y.Provisional
}

func (c *Calendar) year(year int) (CalendarYear, bool) {
	if c == nil {
		return CalendarYear{}, false
	}
	for _, y := range c.years {
		if y.Year == year {
			return y, true
		}
	}
	return CalendarYear{}, false
}

// IsWorkingDay reports whether the day t falls on (in China Standard Time)
// is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.IsWorkingDate(DateOf(t)) }

// IsWorkingDate reports whether d is a working day: an announced day off or
// make-up working day decides; otherwise Monday to Friday work.
func (c *Calendar) IsWorkingDate(d Date) bool {
	if c != nil {
		if w, ok := c.days[d]; ok {
			return w
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the deadline n working days after start: the end
// (23:59:59 CST) of the n-th working day after the day start falls on. The
// start day itself never counts, so a case accepted on a Saturday with n = 1
// is due at the end of the next working day. n <= 0 gives the end of the
// start day.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	return c.addWorkingDates(DateOf(start), n).End()
}

func (c *Calendar) addWorkingDates(d Date, n int) Date {
	for i := 0; i < n; {
		d = d.AddDays(1)
		if c.IsWorkingDate(d) {
			i++
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after the day a falls on, up to
// and including the day b falls on: the working days a clock paused at a and
// resumed at b did not run. It is 0 when b's day is not after a's.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	from, to := DateOf(a), DateOf(b)
	n := 0
	for d := from.AddDays(1); d.Compare(to) <= 0; d = d.AddDays(1) {
		if c.IsWorkingDate(d) {
			n++
		}
	}
	return n
}
