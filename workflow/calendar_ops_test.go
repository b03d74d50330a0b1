package workflow_test

import (
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
)

func hol(t *testing.T, name, from, to string, workdays ...string) workflow.Holiday {
	t.Helper()
	h := workflow.Holiday{Name: name, From: date(t, from), To: date(t, to)}
	for _, w := range workdays {
		h.Workdays = append(h.Workdays, date(t, w))
	}
	return h
}

func TestCalendarHolidaySpansNewYear(t *testing.T) {
	// 元旦 of 2028 starting on Friday 2027-12-31, listed under 2028.
	y2028 := workflow.CalendarYear{Year: 2028, Source: "test", Holidays: []workflow.Holiday{
		hol(t, "元旦", "2027-12-31", "2028-01-02"),
	}}
	cal, err := workflow.NewCalendar([]workflow.CalendarYear{y2028})
	if err != nil {
		t.Fatalf("NewCalendar: %v", err)
	}
	if cal.IsWorkingDate(date(t, "2027-12-31")) {
		t.Error("2027-12-31 counted as a working day; it starts 元旦 2028")
	}
	if err := workflow.CheckArrangement(y2028); err != nil {
		t.Errorf("CheckArrangement: %v", err)
	}
	// A make-up Saturday in the previous December, as in the 2012 notice.
	y2012 := workflow.CalendarYear{Year: 2012, Source: "国办发明电〔2011〕39号", Holidays: []workflow.Holiday{
		hol(t, "元旦", "2012-01-01", "2012-01-03", "2011-12-31"),
	}}
	if err := workflow.CheckArrangement(y2012); err != nil {
		t.Errorf("CheckArrangement(2012): %v", err)
	}
}

func TestCheckArrangementRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		y    workflow.CalendarYear
		want string
	}{
		{"NoSource", workflow.CalendarYear{Year: 2028, Holidays: []workflow.Holiday{hol(t, "元旦", "2028-01-01", "2028-01-01")}}, "source"},
		{"NoHolidays", workflow.CalendarYear{Year: 2028, Source: "s"}, "no holidays"},
		{"WrongYear", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{hol(t, "元旦", "2029-01-01", "2029-01-01")}}, "outside the year"},
		{"HolidaysOverlap", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "国庆节", "2028-10-01", "2028-10-07"), hol(t, "中秋节", "2028-10-03", "2028-10-03")}}, "already a day off"},
		{"MakeUpIsHoliday", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "国庆节", "2028-10-01", "2028-10-08", "2028-09-30"), hol(t, "中秋节", "2028-09-30", "2028-09-30")}}, "already a make-up working day"},
		{"MakeUpWeekday", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "劳动节", "2028-05-01", "2028-05-05", "2028-05-08")}}, "not a weekend day"},
		{"MakeUpFarAway", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "劳动节", "2028-05-01", "2028-05-05", "2028-07-01")}}, "more than 15 days"},
		{"MakeUpOtherYear", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "清明节", "2028-04-04", "2028-04-04", "2027-12-25")}}, "more than 15 days"},
		{"NameTwice", workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{
			hol(t, "元旦", "2028-01-01", "2028-01-01"), hol(t, "元旦", "2028-05-01", "2028-05-01")}}, "listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := workflow.CheckArrangement(tc.y)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckArrangement = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestCalendarWithRefusesOverlapAcrossYears(t *testing.T) {
	cal, err := workflow.NewCalendar([]workflow.CalendarYear{{Year: 2027, Source: "s", Holidays: []workflow.Holiday{
		hol(t, "元旦", "2027-12-31", "2027-12-31")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cal.With(workflow.CalendarYear{Year: 2028, Source: "s", Holidays: []workflow.Holiday{hol(t, "元旦", "2027-12-31", "2028-01-02")}})
	if err == nil || !strings.Contains(err.Error(), "2027 arrangement") {
		t.Errorf("With = %v, want the overlap with 2027 named", err)
	}
}

func TestCalendarReplaceAndGaps(t *testing.T) {
	cal, err := workflow.NewCalendar([]workflow.CalendarYear{
		{Year: 2026, Source: "s", Holidays: []workflow.Holiday{hol(t, "国庆节", "2026-10-01", "2026-10-07")}},
		{Year: 2027, Source: "s", Provisional: true, Holidays: []workflow.Holiday{hol(t, "元旦", "2027-01-01", "2027-01-01")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, workflow.CST())
	if got := cal.Gaps(now, 5); len(got) != 0 {
		t.Errorf("Gaps(5 days) = %v, want none", got)
	}
	got := cal.Gaps(now, 300)
	want := []workflow.CalendarGap{{Year: 2027, State: "provisional"}, {Year: 2028, State: "missing"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Gaps(300 days) = %v, want %v", got, want)
	}
	years, err := cal.With(workflow.CalendarYear{Year: 2027, Source: "国办发明电〔2026〕1号", Holidays: []workflow.Holiday{
		hol(t, "元旦", "2027-01-01", "2027-01-03")}})
	if err != nil {
		t.Fatalf("With: %v", err)
	}
	if cal.Provisional(2027) == false {
		t.Error("With changed the calendar")
	}
	if err := cal.Replace(years); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if cal.Provisional(2027) || cal.IsWorkingDate(date(t, "2027-01-03")) {
		t.Error("Replace did not take the announced 2027")
	}
	if !cal.IsWorkingDate(date(t, "2026-12-31")) || cal.IsWorkingDate(date(t, "2026-10-02")) {
		t.Error("Replace lost 2026")
	}
	if err := cal.Replace([]workflow.CalendarYear{{Year: 2027}, {Year: 2027}}); err == nil || cal.Provisional(2027) || !cal.Covers(2026) {
		t.Errorf("a refused Replace changed the calendar (err %v)", err)
	}
}
