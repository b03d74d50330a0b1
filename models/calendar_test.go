package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

func calYear(year int, source string) workflow.CalendarYear {
	d := workflow.Date{Year: year, Month: time.January, Day: 1}
	return workflow.CalendarYear{Year: year, Source: source, Holidays: []workflow.Holiday{{Name: "元旦", From: d, To: d}}}
}

// TestCalendarStore appends loads, reads each year's newest, and refuses
// a load made against a revision that is no longer the newest.
func TestCalendarStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		s := models.NewCalendarStore(db)
		if rev, err := s.CalendarRevision(ctx); err != nil || rev != 0 {
			t.Fatalf("empty revision = %d, %v", rev, err)
		}
		at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
		for i, y := range []workflow.CalendarYear{calYear(2027, "a"), calYear(2028, "b"), calYear(2027, "c")} {
			rev, err := s.SaveCalendarYear(ctx, int64(i), y, "admin", at)
			if err != nil || rev != int64(i+1) {
				t.Fatalf("save %d = %d, %v", i, rev, err)
			}
		}
		if _, err := s.SaveCalendarYear(ctx, 1, calYear(2029, "late"), "admin", at); !errors.Is(err, workflow.ErrConflict) {
			t.Errorf("stale save = %v, want ErrConflict", err)
		}
		rev, years, err := s.CalendarArrangements(ctx)
		if err != nil || rev != 3 || len(years) != 2 || years[0].Source != "c" || years[1].Source != "b" {
			t.Fatalf("arrangements = %d %+v %v, want revision 3 with 2027 from c and 2028 from b", rev, years, err)
		}
		loads, err := s.CalendarLoads(ctx, 10)
		if err != nil || len(loads) != 3 || loads[0].Revision != 3 || loads[0].LoadedBy != "admin" || !loads[0].LoadedAt.Equal(at) {
			t.Errorf("loads = %+v, %v", loads, err)
		}
		// Racing saves against the same revision: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, errs[i] = s.SaveCalendarYear(ctx, 3, calYear(2030+i, "race"), "admin", at) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, workflow.ErrConflict):
				t.Errorf("racing save: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d racing saves won, want 1", won)
		}
	})
}
