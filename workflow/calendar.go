package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
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
// to Friday everywhere.
//
// A Calendar is safe for concurrent use. Its arrangements can be replaced
// as a whole at run time (Replace), when an administrator loads a newly
// announced year: every holder of the *Calendar sees the new arrangements
// at once, and each single computation (a deadline, a count) uses one set
// of arrangements from start to end.
type Calendar struct {
	cur atomic.Pointer[calendarData]
}

// calendarData is one immutable set of arrangements.
type calendarData struct {
	days  map[Date]bool // announced days: true = working day, false = day off
	owner map[Date]int  // the year whose arrangement announced the day
	years []CalendarYear
}

// NewCalendar builds a calendar from yearly arrangements and checks them:
// one entry per year, each holiday at most 15 days long and touching its
// year (it may run over New Year into the adjacent one), make-up working
// days on a Saturday or Sunday near their holiday, and no day announced
// twice (off and worked, or by two holidays).
func NewCalendar(years []CalendarYear) (*Calendar, error) {
	d, err := buildCalendar(years)
	if err != nil {
		return nil, err
	}
	c := &Calendar{}
	c.cur.Store(d)
	return c, nil
}

func buildCalendar(years []CalendarYear) (*calendarData, error) {
	c := &calendarData{days: make(map[Date]bool), owner: make(map[Date]int), years: slices.Clone(years)}
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

// Replace swaps the calendar's arrangements for years, checked as
// NewCalendar checks them; on error the calendar is left as it was.
func (c *Calendar) Replace(years []CalendarYear) error {
	d, err := buildCalendar(years)
	if err != nil {
		return err
	}
	c.cur.Store(d)
	return nil
}

// With returns the calendar's arrangements with y in place of the one for
// its year (or added), after checking y as an announced arrangement
// (CheckArrangement) and the result as NewCalendar does. The calendar
// itself is unchanged.
func (c *Calendar) With(y CalendarYear) ([]CalendarYear, error) {
	if err := CheckArrangement(y); err != nil {
		return nil, err
	}
	years := slices.DeleteFunc(c.Years(), func(o CalendarYear) bool { return o.Year == y.Year })
	years = append(years, y)
	if _, err := buildCalendar(years); err != nil {
		return nil, err
	}
	slices.SortFunc(years, func(a, b CalendarYear) int { return cmpInt(a.Year, b.Year) })
	return years, nil
}

// maxHolidays bounds the holidays of one announced year (there are seven
// statutory ones; a notice may split or join them).
const maxHolidays = 20

// CheckArrangement checks what an announced year must carry beyond what
// NewCalendar checks: a plausible year, the notice it comes from, at least
// one holiday, distinct holiday names, and bounded sizes.
func CheckArrangement(y CalendarYear) error {
	var errs []error
	if y.Year < 2000 || y.Year > 2200 {
		errs = append(errs, fmt.Errorf("calendar %d: year out of range", y.Year))
	}
	if strings.TrimSpace(y.Source) == "" {
		errs = append(errs, fmt.Errorf("calendar %d: source (the notice) is required", y.Year))
	}
	if len(y.Holidays) == 0 {
		errs = append(errs, fmt.Errorf("calendar %d: no holidays listed", y.Year))
	}
	if len(y.Holidays) > maxHolidays {
		errs = append(errs, fmt.Errorf("calendar %d: more than %d holidays", y.Year, maxHolidays))
	}
	names := make(map[string]bool)
	for _, h := range y.Holidays {
		if names[h.Name] {
			errs = append(errs, fmt.Errorf("calendar %d: holiday %q listed twice", y.Year, h.Name))
		}
		names[h.Name] = true
		if utf8.RuneCountInString(h.Name) > 32 || len(h.Workdays) > 10 {
			errs = append(errs, fmt.Errorf("calendar %d: holiday %q: name over 32 characters or more than 10 make-up days", y.Year, h.Name))
		}
	}
	if _, err := buildCalendar([]CalendarYear{y}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *calendarData) addHoliday(year int, h Holiday) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("calendar %d: holiday %q: "+format, append([]any{year, h.Name}, args...)...))
	}
	switch {
	case h.Name == "":
		bad("name is empty")
	case h.From.IsZero() || h.To.IsZero():
		bad("from and to are required")
	case h.From.Compare(h.To) > 0:
		bad("from %s is after to %s", h.From, h.To)
	case h.To.Year < year || h.From.Year > year:
		bad("days %s..%s fall outside the year", h.From, h.To)
	case h.To.Compare(h.From.AddDays(14)) > 0:
		bad("%s..%s is longer than 15 days", h.From, h.To)
	}
	if len(errs) > 0 {
		return errs
	}
	announce := func(d Date, working bool) bool {
		if _, ok := c.days[d]; ok {
			what := "a day off"
			if c.days[d] {
				what = "a make-up working day"
			}
			bad("day %s is already %s in the %d arrangement", d, what, c.owner[d])
			return false
		}
		c.days[d], c.owner[d] = working, year
		return true
	}
	for d := h.From; d.Compare(h.To) <= 0; d = d.AddDays(1) {
		announce(d, false)
	}
	for _, d := range h.Workdays {
		switch wd := d.Weekday(); {
		case d.IsZero():
			bad("make-up working day is empty")
		case wd != time.Saturday && wd != time.Sunday:
			bad("make-up working day %s is a %s, not a weekend day", d, wd)
		case d.Compare(h.From.AddDays(-15)) < 0 || d.Compare(h.To.AddDays(15)) > 0:
			bad("make-up working day %s is more than 15 days from the holiday", d)
		case d.Year != year && h.From.Year == year && h.To.Year == year && (d.Year < year-1 || d.Year > year+1 || !nearNewYear(d)):
			bad("make-up working day %s falls outside the year", d)
		default:
			announce(d, true)
		}
	}
	return errs
}

// nearNewYear reports whether d lies within 15 days of a New Year's Day.
func nearNewYear(d Date) bool {
	return (d.Month == time.January && d.Day <= 15) || (d.Month == time.December && d.Day >= 17)
}

// CalendarGap is a year the calendar does not know for certain: missing
// (no arrangement, counted Monday to Friday) or provisional (an estimate).
type CalendarGap struct {
	Year  int    `json:"year"`
	State string `json:"state"`
}

// The states of a CalendarGap.
const (
	GapMissing     = "missing"
	GapProvisional = "provisional"
)

// Horizon returns the day a deadline of days working days started at now
// would fall on: how far ahead the calendar must be known.
func (c *Calendar) Horizon(now time.Time, days int) Date {
	return c.data().addWorkingDates(DateOf(now), days)
}

// Gaps names every year from the one now falls in (China Standard Time) to
// the one a deadline of days working days started now would end in, that
// the calendar lacks or knows only provisionally.
func (c *Calendar) Gaps(now time.Time, days int) []CalendarGap {
	d := c.data()
	var out []CalendarGap
	for y := DateOf(now).Year; y <= d.addWorkingDates(DateOf(now), days).Year; y++ {
		out = append(out, d.gaps(y, y)...)
	}
	return out
}

// GapsBetween names the years from..to (inclusive) the calendar lacks or
// knows only provisionally.
func (c *Calendar) GapsBetween(from, to int) []CalendarGap { return c.data().gaps(from, to) }

func (c *calendarData) gaps(from, to int) []CalendarGap {
	var out []CalendarGap
	for y := from; y <= to; y++ {
		switch cy, ok := c.year(y); {
		case !ok:
			out = append(out, CalendarGap{Year: y, State: GapMissing})
		case cy.Provisional:
			out = append(out, CalendarGap{Year: y, State: GapProvisional})
		}
	}
	return out
}

// empty is the data of a nil *Calendar.
var empty = &calendarData{}

func (c *Calendar) data() *calendarData {
	if c == nil {
		return empty
	}
	if d := c.cur.Load(); d != nil {
		return d
	}
	return empty
}

// Years returns the arrangements the calendar was built with, by year.
func (c *Calendar) Years() []CalendarYear {
	if c == nil {
		return nil
	}
	return slices.Clone(c.data().years)
}

// Covers reports whether the calendar has an arrangement (announced or
// provisional) for year. Outside covered years it counts Monday to Friday.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.data().year(year)
	return ok
}

// Provisional reports whether year is covered only by an estimate.
func (c *Calendar) Provisional(year int) bool {
	y, ok := c.data().year(year)
	return ok && y.Provisional
}

func (c *calendarData) year(year int) (CalendarYear, bool) {
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
func (c *Calendar) IsWorkingDate(d Date) bool { return c.data().isWorkingDate(d) }

func (c *calendarData) isWorkingDate(d Date) bool {
	if w, ok := c.days[d]; ok {
		return w
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
	return c.data().addWorkingDates(DateOf(start), n).End()
}

func (c *calendarData) addWorkingDates(d Date, n int) Date {
	for i := 0; i < n; {
		d = d.AddDays(1)
		if c.isWorkingDate(d) {
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
	cd, n := c.data(), 0
	for d := from.AddDays(1); d.Compare(to) <= 0; d = d.AddDays(1) {
		if cd.isWorkingDate(d) {
			n++
		}
	}
	return n
}
