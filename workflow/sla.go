package workflow

import "time"

// SLA is a case's promised-time clock (承诺时限). It starts at acceptance
// with the item's promised working days, pauses while a correction or a
// special procedure is pending, and stops at the decision. Each pause adds
// the working days it lasted to the deadline, so the clock never runs while
// paused. Every method returns a new value and leaves the receiver alone.
//
// The deadline is the end (23:59:59 CST) of the (Days+PausedDays)-th working
// day after the day the clock started. The card is yellow from the moment
// only YellowDays working days (the deadline day included) are left, and red
// after the deadline.
type SLA struct {
	Days        int       `json:"days"`
	YellowDays  int       `json:"yellow_days"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	PausedAt    time.Time `json:"paused_at,omitzero"`
	PauseReason string    `json:"pause_reason,omitempty"`
	PausedDays  int       `json:"paused_days,omitempty"`
	StoppedAt   time.Time `json:"stopped_at,omitzero"`
	Deadline    time.Time `json:"deadline,omitzero"`
	YellowAt    time.Time `json:"yellow_at,omitzero"`
	// Late records that the clock stopped after its deadline.
	Late bool `json:"late,omitempty"`
}

// Started reports whether the clock was ever started.
func (s SLA) Started() bool { return !s.StartedAt.IsZero() }

// Paused reports whether the clock is paused.
func (s SLA) Paused() bool { return s.Started() && !s.PausedAt.IsZero() && !s.Stopped() }

// Stopped reports whether the clock has stopped for good.
func (s SLA) Stopped() bool { return !s.StoppedAt.IsZero() }

// Running reports whether the clock is counting.
func (s SLA) Running() bool { return s.Started() && s.PausedAt.IsZero() && !s.Stopped() }

// Start starts the clock at `at` with days promised working days and the
// yellow card yellowDays working days before the deadline. Starting a clock
// that was already started returns it unchanged.
func (s SLA) Start(cal *Calendar, at time.Time, days, yellowDays int) SLA {
	if s.Started() {
		return s
	}
	s = SLA{Days: days, YellowDays: yellowDays, StartedAt: at}
	return s.schedule(cal)
}

// Pause pauses a running clock at `at` for reason; otherwise it returns s.
func (s SLA) Pause(at time.Time, reason string) SLA {
	if !s.Running() {
		return s
	}
	s.PausedAt, s.PauseReason = at, reason
	return s
}

// Resume restarts a paused clock at `at`, moving the deadline by the
// working days the pause lasted; otherwise it returns s.
func (s SLA) Resume(cal *Calendar, at time.Time) SLA {
	if !s.Paused() {
		return s
	}
	s.PausedDays += cal.WorkingDaysBetween(s.PausedAt, at)
	s.PausedAt, s.PauseReason = time.Time{}, ""
	return s.schedule(cal)
}

// Stop stops the clock at `at` (resuming it first if paused) and records
// whether it was late. A clock never started or already stopped is returned
// unchanged.
func (s SLA) Stop(cal *Calendar, at time.Time) SLA {
	if !s.Started() || s.Stopped() {
		return s
	}
	s = s.Resume(cal, at)
	s.StoppedAt = at
	s.Late = at.After(s.Deadline)
	return s
}

// Card returns the supervision card at `at`. A paused clock shows the card
// it had when it paused; a clock never started or stopped shows none.
func (s SLA) Card(at time.Time) Card {
	switch {
	case !s.Started() || s.Stopped():
		return CardNone
	case s.Paused():
		at = s.PausedAt
	}
	switch {
	case at.After(s.Deadline):
		return CardRed
	case !s.YellowAt.IsZero() && !at.Before(s.YellowAt):
		return CardYellow
	}
	return CardNone
}

// NextChange returns the first moment after `at` the card of a running
// clock changes (the yellow threshold, then the first overdue second), or
// zero when it will not change.
func (s SLA) NextChange(at time.Time) time.Time {
	if !s.Running() {
		return time.Time{}
	}
	if !s.YellowAt.IsZero() && at.Before(s.YellowAt) {
		return s.YellowAt
	}
	if !at.After(s.Deadline) {
		return s.Deadline.Add(time.Second)
	}
	return time.Time{}
}

// Remaining returns the working days left at `at`, the deadline day
// included; 0 when overdue. A paused clock counts from the moment it paused.
func (s SLA) Remaining(cal *Calendar, at time.Time) int {
	if !s.Started() {
		return 0
	}
	if s.Paused() {
		at = s.PausedAt
	}
	if at.After(s.Deadline) {
		return 0
	}
	n := cal.WorkingDaysBetween(at, s.Deadline)
	if cal.IsWorkingDay(at) {
		n++
	}
	return n
}

func (s SLA) schedule(cal *Calendar) SLA {
	total := s.Days + s.PausedDays
	s.Deadline = cal.AddWorkingDays(s.StartedAt, total)
	s.YellowAt = time.Time{}
	if s.YellowDays > 0 {
		if k := total - s.YellowDays; k > 0 {
			s.YellowAt = cal.AddWorkingDays(s.StartedAt, k).Add(time.Second)
		} else {
			s.YellowAt = s.StartedAt
		}
	}
	return s
}
