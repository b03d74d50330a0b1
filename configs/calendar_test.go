package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/workflow"
)

func TestEmbeddedCalendar(t *testing.T) {
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatalf("LoadCalendar: %v", err)
	}
	for _, y := range []int{2025, 2026, 2027} {
		if !cal.Covers(y) {
			t.Errorf("calendar does not cover %d", y)
		}
	}
	if cal.Provisional(2025) || cal.Provisional(2026) || !cal.Provisional(2027) {
		t.Error("want 2025 and 2026 announced, 2027 provisional")
	}
	for _, tc := range []struct {
		day  string
		want bool
	}{
		{"2025-01-26", true}, {"2025-01-28", false}, {"2025-02-04", false}, {"2025-02-08", true},
		{"2025-04-27", true}, {"2025-05-05", false}, {"2025-05-31", false},
		{"2025-09-28", true}, {"2025-10-08", false}, {"2025-10-11", true},
		{"2026-01-02", false}, {"2026-01-04", true},
		{"2026-02-14", true}, {"2026-02-16", false}, {"2026-02-23", false}, {"2026-02-28", true},
		{"2026-05-05", false}, {"2026-05-09", true}, {"2026-06-19", false}, {"2026-09-25", false},
		{"2026-09-20", true}, {"2026-10-07", false}, {"2026-10-10", true},
	} {
		t.Run(tc.day, func(t *testing.T) {
			d, err := workflow.ParseDate(tc.day)
			if err != nil {
				t.Fatal(err)
			}
			if got := cal.IsWorkingDate(d); got != tc.want {
				t.Errorf("IsWorkingDate(%s) = %v, want %v", tc.day, got, tc.want)
			}
		})
	}
	start := time.Date(2025, 9, 26, 10, 0, 0, 0, workflow.CST())
	if got, want := cal.AddWorkingDays(start, 6), time.Date(2025, 10, 11, 23, 59, 59, 0, workflow.CST()); !got.Equal(want) {
		t.Errorf("6 working days from 2025-09-26 = %s, want %s", got, want)
	}
}

func TestLoadCalendarFromFile(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "cal.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cal, err := configs.LoadCalendar(write("years:\n  - year: 2028\n    source: test\n    holidays:\n      - name: 元旦\n        from: 2028-01-01\n        to: 2028-01-03\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Covers(2028) || cal.Covers(2025) {
		t.Error("a file replaces the embedded calendar")
	}
	for _, tc := range []struct{ name, body, want string }{
		{"WeekdayMakeUp", "years:\n  - year: 2028\n    source: t\n    holidays:\n      - name: 春节\n        from: 2028-01-26\n        to: 2028-02-01\n        workdays: [2028-02-02]\n", "not a weekend day"},
		{"BadDate", "years:\n  - year: 2028\n    source: t\n    holidays:\n      - name: 元旦\n        from: 2028-13-01\n        to: 2028-01-01\n", "2028-13-01"},
		{"NoYears", "years: []\n", "no years"},
		{"UnknownField", "years:\n  - year: 2028\n    sauce: t\n", "sauce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := configs.LoadCalendar(write(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
