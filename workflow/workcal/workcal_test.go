package workcal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/workcal"
)

// memStore is an in-memory Store; raceNext makes the next save lose a race.
type memStore struct {
	loads    []workflow.CalendarYear
	raceNext bool
}

func (m *memStore) CalendarRevision(context.Context) (int64, error) { return int64(len(m.loads)), nil }

func (m *memStore) CalendarArrangements(context.Context) (int64, []workflow.CalendarYear, error) {
	newest := map[int]workflow.CalendarYear{}
	var order []int
	for _, y := range m.loads {
		if _, ok := newest[y.Year]; !ok {
			order = append(order, y.Year)
		}
		newest[y.Year] = y
	}
	out := []workflow.CalendarYear{}
	for _, y := range order {
		out = append(out, newest[y])
	}
	return int64(len(m.loads)), out, nil
}

func (m *memStore) SaveCalendarYear(_ context.Context, expect int64, y workflow.CalendarYear, _ string, _ time.Time) (int64, error) {
	if m.raceNext || expect != int64(len(m.loads)) {
		m.raceNext = false
		// another replica's load lands first
		m.loads = append(m.loads, workflow.CalendarYear{Year: 2040, Source: "other", Holidays: []workflow.Holiday{day("元旦", 2040, 1, 1)}})
		return 0, workflow.ErrConflict
	}
	m.loads = append(m.loads, y)
	return int64(len(m.loads)), nil
}

func (m *memStore) CalendarLoads(context.Context, int) ([]workcal.Load, error) { return nil, nil }

func day(name string, y int, mo time.Month, d int) workflow.Holiday {
	dt := workflow.Date{Year: y, Month: mo, Day: d}
	return workflow.Holiday{Name: name, From: dt, To: dt}
}

func TestLoadYearRacedAndSynced(t *testing.T) {
	base := []workflow.CalendarYear{{Year: 2026, Source: "s", Holidays: []workflow.Holiday{day("国庆节", 2026, 10, 1)}}, {Year: 2027, Source: "estimate", Provisional: true, Holidays: []workflow.Holiday{day("元旦", 2027, 1, 1)}}}
	cal, err := workflow.NewCalendar(base)
	if err != nil {
		t.Fatal(err)
	}
	store := &memStore{raceNext: true}
	now := time.Date(2026, 12, 20, 10, 0, 0, 0, workflow.CST())
	svc := workcal.New(workcal.Config{Calendar: cal, Base: base, Store: store, Now: func() time.Time { return now }, HorizonDays: 20})
	if got := svc.Gaps(); len(got) != 1 || got[0] != (workflow.CalendarGap{Year: 2027, State: workflow.GapProvisional}) {
		t.Fatalf("Gaps = %v, want 2027 provisional", got)
	}
	y := workflow.CalendarYear{Year: 2027, Source: "国办发明电〔2026〕1号", Holidays: []workflow.Holiday{day("元旦", 2027, 1, 1), day("清明节", 2027, 4, 5)}}
	_, err = svc.LoadYear(context.Background(), "admin", y)
	var r *workflow.Refusal
	if !errors.As(err, &r) || r.Code != "calendar_changed" || !errors.Is(err, workflow.ErrConflict) {
		t.Fatalf("raced load = %v, want calendar_changed", err)
	}
	if !cal.Provisional(2027) {
		t.Error("a raced load changed the calendar")
	}
	// The other replica's load is picked up by the next Sync; the retry wins.
	if changed, err := svc.Sync(context.Background()); err != nil || !changed || !cal.Covers(2040) {
		t.Fatalf("Sync = %v, %v; covers 2040 %v", changed, err, cal.Covers(2040))
	}
	if l, err := svc.LoadYear(context.Background(), "admin", y); err != nil || l.Revision != 2 {
		t.Fatalf("retry = %+v, %v", l, err)
	}
	if cal.Provisional(2027) || cal.IsWorkingDate(workflow.Date{Year: 2027, Month: time.April, Day: 5}) || !cal.Covers(2040) {
		t.Error("the retried load is not in the calendar, or the other replica's load was lost")
	}
	if got := svc.Gaps(); len(got) != 0 {
		t.Errorf("Gaps after the load = %v", got)
	}
	if changed, _ := svc.Sync(context.Background()); changed {
		t.Error("Sync rebuilt with nothing new")
	}
}

func TestLoadYearRefusesWithProblems(t *testing.T) {
	cal, _ := workflow.NewCalendar(nil)
	svc := workcal.New(workcal.Config{Calendar: cal, Store: &memStore{}, HorizonDays: 5})
	_, err := svc.LoadYear(context.Background(), "admin", workflow.CalendarYear{Year: 2028, Holidays: []workflow.Holiday{
		{Name: "劳动节", From: workflow.Date{Year: 2028, Month: 5, Day: 1}, To: workflow.Date{Year: 2028, Month: 5, Day: 5},
			Workdays: []workflow.Date{{Year: 2028, Month: 5, Day: 10}}}}})
	var r *workflow.Refusal
	if !errors.As(err, &r) || r.Code != "calendar_invalid" || !errors.Is(err, workflow.ErrInvalidInput) {
		t.Fatalf("LoadYear = %v, want calendar_invalid", err)
	}
	problems := r.Detail.(map[string]any)["problems"].([]string)
	if len(problems) != 2 {
		t.Errorf("problems = %q, want the missing source and the weekday make-up day", problems)
	}
	if cal.Covers(2028) {
		t.Error("a refused load changed the calendar")
	}
}
