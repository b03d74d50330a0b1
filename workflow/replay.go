package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Replayed is what a case's history determines about the case: every
// record is made by Engine.New or Engine.Apply, so the case a store keeps
// must agree with it.
type Replayed struct {
	Version int64
	// Status is the state the newest record moved the case to.
	Status Status
	// ApplicantID, Number and ItemCode come from the creation record
	// (Engine.New's Draft); ApplicantID, in a history that does not start
	// with one, is the first citizen's who acted, since a citizen acts
	// only on their own case.
	ApplicantID string
	Number      string
	ItemCode    string
	// UpdatedAt is the newest record's time, which Apply makes the case's.
	UpdatedAt time.Time
	// FalseCommitment is whether the record that revoked the case found the
	// commitment false: a clerk's decide_breach says so in its data; in
	// histories written before the due process, every revocation did.
	FalseCommitment bool
	// ExcludedUntil is when the exclusion of a revoked case ends by itself
	// (ExclusionEnd of the revocation's time and the creation record's
	// ExclusionMonths); zero otherwise.
	ExcludedUntil time.Time
}

// Replay folds a case's event records, oldest first, through the
// lifecycle table (transitions.go) into the state they determine. It
// reads the records alone, not the catalogue or the calendar, so it
// replays what the records say happened rather than re-deciding it.
type Replay struct {
	state   Replayed
	byEvent map[EventName][]Transition
	months  int // the creation record's ExclusionMonths
}

// NewReplay returns a replay of an empty history.
func NewReplay() *Replay {
	r := &Replay{byEvent: make(map[EventName][]Transition)}
	for _, t := range transitions() {
		r.byEvent[t.Event] = append(r.byEvent[t.Event], t)
	}
	return r
}

// State returns the state the records so far determine.
func (r *Replay) State() Replayed { return r.state }

// Add folds in the next record. It returns an error, and folds the record
// in anyway, when the record does not follow from the ones before: it
// moves the case from a state the case was not in, makes a move the
// lifecycle table does not allow, is earlier than the record before, or
// names a citizen other than the applicant. Event names the table does not
// know are folded in without the move being checked.
func (r *Replay) Add(rec EventRecord) error {
	s := &r.state
	var problem error
	switch {
	case s.Version == 0 && rec.Name == string(EventCreate):
		var d Draft
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			problem = fmt.Errorf("the creation record's data does not decode: %v", err)
		}
		s.ApplicantID, s.Number, s.ItemCode, r.months = d.ApplicantID, d.Number, d.ItemCode, d.ExclusionMonths
		if rec.From != "" || rec.To != StatusDraft {
			problem = fmt.Errorf("the creation record moves the case from %q to %q, not to %s", rec.From, rec.To, StatusDraft)
		}
	case s.Version == 0:
	case rec.From != s.Status:
		problem = fmt.Errorf("%s moves the case from %s, but it was %s", rec.Name, rec.From, s.Status)
	case !r.allowed(EventName(rec.Name), rec.From, rec.To):
		problem = fmt.Errorf("the lifecycle table does not allow %s from %s to %s", rec.Name, rec.From, rec.To)
	case rec.At.Before(s.UpdatedAt):
		problem = fmt.Errorf("%s at %s is before the record before it (%s)", rec.Name,
			rec.At.Format(time.RFC3339Nano), s.UpdatedAt.Format(time.RFC3339Nano))
	}
	if rec.Actor.Kind == ActorCitizen {
		if s.ApplicantID == "" {
			s.ApplicantID = rec.Actor.ID
		} else if rec.Actor.ID != s.ApplicantID && problem == nil {
			problem = fmt.Errorf("%s was made by citizen %q, not the applicant %q", rec.Name, rec.Actor.ID, s.ApplicantID)
		}
	}
	s.Version++
	s.Status, s.UpdatedAt = rec.To, rec.At
	if rec.To == StatusRevoked && rec.From != StatusRevoked {
		s.FalseCommitment = true
		if rec.Name == string(EventDecideBreach) {
			var d DecideBreach
			if err := json.Unmarshal(rec.Data, &d); err != nil && problem == nil {
				problem = fmt.Errorf("the revoking record's data does not decode: %v", err)
			}
			s.FalseCommitment = d.FalseCommitment
		}
		if s.FalseCommitment {
			s.ExcludedUntil = ExclusionEnd(rec.At, r.months)
		}
	}
	return problem
}

// allowed reports whether the table lets name move a case from from to
// to; a name it does not know is allowed.
func (r *Replay) allowed(name EventName, from, to Status) bool {
	ts, known := r.byEvent[name]
	if !known {
		return true
	}
	return slices.ContainsFunc(ts, func(t Transition) bool { return slices.Contains(t.From, from) && t.allows(from, to) })
}
