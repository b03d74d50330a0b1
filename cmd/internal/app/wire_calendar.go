package app

import (
	"context"
	"fmt"
	"time"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/workcal"
)

// defaultCalendarPoll is how often a replica looks for a newly loaded year
// when ZEROVISIT_CALENDAR_POLL is not set.
const defaultCalendarPoll = 30 * time.Second

// openCalendar puts the configured calendar in operation: administrators
// load years over it, /readyz and the metrics name its gaps within the
// longest deadline the catalogue configures.
func (a *App) openCalendar(cat workflow.Catalogue, cal *workflow.Calendar) {
	a.calendar = workcal.New(workcal.Config{Calendar: cal, Base: cal.Years(), Store: models.NewCalendarStore(a.db),
		Now: time.Now, HorizonDays: workcal.LongestDeadline(cat, workflow.DefaultSupplementDays)})
	watchCalendar(a.metrics, a.calendar.Gaps)
}

// syncCalendar brings the calendar to the years administrators loaded and
// names, in the start-up log, the years within the longest deadline that it
// lacks (counted Monday to Friday) or knows only provisionally.
func (a *App) syncCalendar(ctx context.Context) error {
	if _, err := a.calendar.Sync(ctx); err != nil {
		return fmt.Errorf("working-day calendar: %w", err)
	}
	if gaps := a.calendar.Gaps(); len(gaps) > 0 {
		a.log.Warn("working-day calendar incomplete within the longest deadline", "gaps", gaps, "message", workcal.Warning(gaps))
	}
	return nil
}

// startCalendarSync polls for years loaded on other replicas, on every
// replica (workers or not): each counts with the same calendar.
func (a *App) startCalendarSync(ctx context.Context) {
	every := a.cfg.CalendarPoll
	if every <= 0 {
		every = defaultCalendarPoll
	}
	a.workers.Go(func() {
		a.calendar.Run(ctx, every, func(err error) { a.log.Error("working-day calendar sync", "err", err) })
	})
}
