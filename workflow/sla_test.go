package workflow_test

import (
	"testing"
	"time"

	"zerovisit/workflow"
)

func TestSLACards(t *testing.T) {
	cal := calendar2025(t)
	// Accepted Monday 2025-11-03 with 10 working days: due at the end of
	// Monday 11-17; yellow 2 working days before, from Friday 11-14 00:00.
	s := workflow.SLA{}.Start(cal, at(t, "2025-11-03 10:00"), 10, 2)
	if got, want := s.Deadline, date(t, "2025-11-17").End(); !got.Equal(want) {
		t.Fatalf("deadline = %s, want %s", got, want)
	}
	for _, tc := range []struct {
		at   string
		want workflow.Card
		left int
	}{
		{"2025-11-03 10:00", workflow.CardNone, 11}, // today and the 10 promised days
		{"2025-11-13 23:59", workflow.CardNone, 3},
		{"2025-11-14 00:00", workflow.CardYellow, 2},
		{"2025-11-17 23:59", workflow.CardYellow, 1},
		{"2025-11-18 00:00", workflow.CardRed, 0},
	} {
		t.Run(tc.at, func(t *testing.T) {
			if got := s.Card(at(t, tc.at)); got != tc.want {
				t.Errorf("card = %q, want %q", got, tc.want)
			}
			if got := s.Remaining(cal, at(t, tc.at)); got != tc.left {
				t.Errorf("remaining = %d, want %d", got, tc.left)
			}
		})
	}
	if got, want := s.NextChange(at(t, "2025-11-03 10:00")), at(t, "2025-11-14 00:00"); !got.Equal(want) {
		t.Errorf("next change = %s, want %s (yellow)", got, want)
	}
	if got, want := s.NextChange(at(t, "2025-11-14 09:00")), at(t, "2025-11-18 00:00"); !got.Equal(want) {
		t.Errorf("next change = %s, want %s (red)", got, want)
	}
	if got := s.NextChange(at(t, "2025-11-18 09:00")); !got.IsZero() {
		t.Errorf("next change once red = %s, want none", got)
	}
}

// TestSLAPauseDuringHoliday pauses the clock over 国庆节 2025: only the
// working days the pause lasted (10-09) move the deadline.
func TestSLAPauseDuringHoliday(t *testing.T) {
	cal := calendar2025(t)
	s := workflow.SLA{}.Start(cal, at(t, "2025-09-26 10:00"), 5, 2)
	if got, want := s.Deadline, date(t, "2025-10-10").End(); !got.Equal(want) {
		t.Fatalf("deadline = %s, want %s", got, want)
	}
	paused := s.Pause(at(t, "2025-09-30 15:00"), "supplement")
	if paused.Running() || !paused.Paused() {
		t.Fatalf("paused clock: running=%v paused=%v", paused.Running(), paused.Paused())
	}
	// The clock does not run while paused: no card, however long the pause.
	for _, when := range []string{"2025-10-05 12:00", "2025-10-20 12:00", "2026-03-01 12:00"} {
		if got := paused.Card(at(t, when)); got != workflow.CardNone {
			t.Errorf("card at %s while paused = %q, want none", when, got)
		}
		if got := paused.NextChange(at(t, when)); !got.IsZero() {
			t.Errorf("next change at %s while paused = %s, want none", when, got)
		}
	}
	resumed := paused.Resume(cal, at(t, "2025-10-09 09:00"))
	if got, want := resumed.PausedDays, 1; got != want {
		t.Errorf("paused days = %d, want %d", got, want)
	}
	if got, want := resumed.Deadline, date(t, "2025-10-11").End(); !got.Equal(want) {
		t.Errorf("deadline after pause = %s, want %s (make-up Saturday)", got, want)
	}
	if got, want := resumed.Card(at(t, "2025-10-10 09:00")), workflow.CardYellow; got != want {
		t.Errorf("card = %q, want %q", got, want)
	}
	if s.PausedDays != 0 || !s.Running() {
		t.Error("Pause or Resume changed the receiver")
	}
}

func TestSLAPausedCardIsFrozen(t *testing.T) {
	cal := calendar2025(t)
	s := workflow.SLA{}.Start(cal, at(t, "2025-11-03 10:00"), 3, 2)
	yellow := s.Pause(at(t, "2025-11-05 10:00"), "supplement")
	if got, want := yellow.Card(at(t, "2025-12-30 10:00")), workflow.CardYellow; got != want {
		t.Errorf("card of a clock paused while yellow = %q, want %q", got, want)
	}
}

func TestSLAStop(t *testing.T) {
	cal := calendar2025(t)
	s := workflow.SLA{}.Start(cal, at(t, "2025-11-03 10:00"), 2, 1)
	onTime := s.Stop(cal, at(t, "2025-11-05 18:00"))
	if onTime.Late || !onTime.Stopped() || onTime.Card(at(t, "2025-12-01 00:00")) != workflow.CardNone {
		t.Errorf("stopped on time: %+v", onTime)
	}
	late := s.Stop(cal, at(t, "2025-11-06 09:00"))
	if !late.Late {
		t.Error("stopped after the deadline but Late = false")
	}
	// Stopping a paused clock counts the pause first.
	p := s.Pause(at(t, "2025-11-04 10:00"), "supplement").Stop(cal, at(t, "2025-11-07 10:00"))
	if got, want := p.PausedDays, 3; got != want {
		t.Errorf("paused days = %d, want %d", got, want)
	}
	if p.Late {
		t.Error("the pause should have kept the clock from being late")
	}
	if got := (workflow.SLA{}).Stop(cal, time.Now()); got.Stopped() {
		t.Error("a clock never started stopped")
	}
}

func TestSLAYellowDaysNotBelowStart(t *testing.T) {
	cal := calendar2025(t)
	s := workflow.SLA{}.Start(cal, at(t, "2025-11-03 10:00"), 1, 2)
	if got, want := s.Card(at(t, "2025-11-03 10:00")), workflow.CardYellow; got != want {
		t.Errorf("card = %q, want %q when fewer days are promised than the yellow threshold", got, want)
	}
	s0 := workflow.SLA{}.Start(cal, at(t, "2025-11-03 10:00"), 1, 0)
	if got := s0.Card(at(t, "2025-11-04 23:00")); got != workflow.CardNone {
		t.Errorf("card = %q with no yellow days, want none before the deadline", got)
	}
}
