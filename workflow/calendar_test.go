package workflow_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
)

func TestIsWorkingDay(t *testing.T) {
	cal := calendar2025(t)
	for _, tc := range []struct {
		day  string
		want bool
	}{
		{"2025-01-01", false}, // 元旦
		{"2025-01-26", true},  // Sunday worked for 春节
		{"2025-01-27", true},
		{"2025-01-28", false}, // 春节 from 除夕
		{"2025-02-04", false},
		{"2025-02-05", true},
		{"2025-02-08", true}, // Saturday worked for 春节
		{"2025-04-04", false},
		{"2025-04-27", true}, // Sunday worked for 劳动节
		{"2025-05-05", false},
		{"2025-06-02", false},
		{"2025-09-27", false}, // an ordinary Saturday
		{"2025-09-28", true},  // Sunday worked for 国庆节
		{"2025-10-01", false},
		{"2025-10-08", false},
		{"2025-10-09", true},
		{"2025-10-11", true},  // Saturday worked for 国庆节
		{"2025-10-12", false}, // an ordinary Sunday
	} {
		t.Run(tc.day, func(t *testing.T) {
			if got := cal.IsWorkingDate(date(t, tc.day)); got != tc.want {
				t.Errorf("IsWorkingDate(%s) = %v, want %v", tc.day, got, tc.want)
			}
		})
	}
}

func TestIsWorkingDayUsesChinaTime(t *testing.T) {
	cal := calendar2025(t)
	// 2025-09-30 20:00 UTC is 2025-10-01 04:00 in Beijing: a holiday.
	if cal.IsWorkingDay(time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC)) {
		t.Error("2025-09-30T20:00Z counted as a working day; it is 国庆节 in China")
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := calendar2025(t)
	for _, tc := range []struct {
		name  string
		start string
		n     int
		want  string
	}{
		// Started Friday 9/26: Sunday 9/28 is worked, 10/1–10/8 are skipped.
		{"NationalDay5", "2025-09-26 10:00", 5, "2025-10-10"},
		{"NationalDayCountsMakeUpSaturday", "2025-09-26 10:00", 6, "2025-10-11"},
		{"NationalDaySkipsSunday", "2025-09-26 10:00", 7, "2025-10-13"},
		// Spring Festival: Sunday 1/26 is worked, 1/28–2/4 are skipped, Saturday 2/8 worked.
		{"SpringFestival3", "2025-01-24 16:00", 3, "2025-02-05"},
		{"SpringFestival6", "2025-01-24 16:00", 6, "2025-02-08"},
		{"LabourDay", "2025-04-30 09:00", 1, "2025-05-06"},
		{"StartOnHoliday", "2025-10-03 12:00", 1, "2025-10-09"},
		{"StartOnWeekend", "2025-11-01 12:00", 1, "2025-11-03"},
		{"Zero", "2025-11-05 12:00", 0, "2025-11-05"},
		{"OutsideCoveredYears", "2030-05-03 12:00", 2, "2030-05-07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.AddWorkingDays(at(t, tc.start), tc.n)
			want := date(t, tc.want).End()
			if !got.Equal(want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.start, tc.n, got, want)
			}
			if got, want := got.Format("15:04:05"), "23:59:59"; got != want {
				t.Errorf("deadline time = %s, want %s", got, want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := calendar2025(t)
	for _, tc := range []struct {
		name string
		a, b string
		want int
	}{
		{"AcrossNationalDay", "2025-09-30 15:00", "2025-10-09 09:00", 1},
		{"FullWeekAndMakeUps", "2025-09-26 10:00", "2025-10-11 10:00", 6},
		{"SameDay", "2025-11-05 09:00", "2025-11-05 17:00", 0},
		{"Backwards", "2025-11-10 09:00", "2025-11-05 09:00", 0},
		{"Weekend", "2025-11-07 09:00", "2025-11-09 09:00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cal.WorkingDaysBetween(at(t, tc.a), at(t, tc.b)); got != tc.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestCalendarFallback(t *testing.T) {
	cal := calendar2025(t)
	if cal.Covers(2030) {
		t.Error("Covers(2030) = true")
	}
	if !cal.Covers(2025) || cal.Provisional(2025) {
		t.Error("2025 should be covered and announced")
	}
	// Outside the covered years and with a nil calendar: Monday to Friday.
	var none *workflow.Calendar
	for _, c := range []*workflow.Calendar{cal, none} {
		if !c.IsWorkingDate(date(t, "2030-10-01")) {
			t.Error("2030-10-01 (Tuesday, no data) should count as a working day")
		}
		if c.IsWorkingDate(date(t, "2030-10-05")) {
			t.Error("2030-10-05 (Saturday) should not count")
		}
	}
	if got, want := none.AddWorkingDays(at(t, "2025-10-01 09:00"), 1), date(t, "2025-10-02").End(); !got.Equal(want) {
		t.Errorf("nil calendar: got %s, want %s", got, want)
	}
}

func TestNewCalendarErrors(t *testing.T) {
	h := func(name, from, to string, work ...string) workflow.Holiday {
		x := workflow.Holiday{Name: name, From: date(t, from), To: date(t, to)}
		for _, w := range work {
			x.Workdays = append(x.Workdays, date(t, w))
		}
		return x
	}
	for _, tc := range []struct {
		name  string
		years []workflow.CalendarYear
		want  string
	}{
		{"DuplicateYear", []workflow.CalendarYear{{Year: 2025}, {Year: 2025}}, "year listed twice"},
		{"OutsideYear", []workflow.CalendarYear{{Year: 2025, Holidays: []workflow.Holiday{h("元旦", "2026-01-01", "2026-01-01")}}}, "outside the year"},
		{"Reversed", []workflow.CalendarYear{{Year: 2025, Holidays: []workflow.Holiday{h("春节", "2025-02-04", "2025-01-28")}}}, "is after"},
		{"WeekdayMakeUp", []workflow.CalendarYear{{Year: 2025, Holidays: []workflow.Holiday{h("春节", "2025-01-28", "2025-02-04", "2025-02-05")}}}, "not a weekend day"},
		{"TooLong", []workflow.CalendarYear{{Year: 2025, Holidays: []workflow.Holiday{h("春节", "2025-01-01", "2025-02-04")}}}, "longer than 15 days"},
		{"NoName", []workflow.CalendarYear{{Year: 2025, Holidays: []workflow.Holiday{h("", "2025-01-01", "2025-01-01")}}}, "name is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workflow.NewCalendar(tc.years)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestDateText(t *testing.T) {
	d := date(t, "2025-02-08")
	b, err := json.Marshal(struct{ D workflow.Date }{d})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"D":"2025-02-08"}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var back struct{ D workflow.Date }
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.D != d {
		t.Errorf("round trip = %v, want %v", back.D, d)
	}
	if _, err := workflow.ParseDate("2025-02-30"); err == nil {
		t.Error("ParseDate accepted 2025-02-30")
	}
	var bad workflow.Date
	if err := bad.UnmarshalText([]byte("08/02/2025")); err == nil {
		t.Error("UnmarshalText accepted 08/02/2025")
	}
	if got, want := d.Weekday(), time.Saturday; got != want {
		t.Errorf("weekday = %s, want %s", got, want)
	}
}
