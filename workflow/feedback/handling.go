package feedback

import (
	"time"

	"zerovisit/workflow"
)

// Handling is who served a case, read from its events: the member of
// staff who accepted it (受理人) and the one who decided or ended it
// (办理人). 51号文 ties each rating to the staff who served (“谁办理、谁负责”);
// an empty ID means no member of staff took that step (a trust-first
// acceptance, an applicant's withdrawal).
type Handling struct {
	AcceptedBy string
	AcceptedAt time.Time
	DecidedBy  string
}

// HandlingOf reads a case's events, oldest first.
func HandlingOf(evs []workflow.EventRecord) Handling {
	var h Handling
	for _, e := range evs {
		clerk := ""
		if e.Actor.Kind == workflow.ActorClerk {
			clerk = e.Actor.ID
		}
		// Accepted: by a clerk (accept), at a counter intake or on the
		// trust-first path (submit straight to accepted or approved).
		accepted := e.To == workflow.StatusAccepted || e.To == workflow.StatusApproved
		if accepted && h.AcceptedAt.IsZero() {
			h.AcceptedBy, h.AcceptedAt = clerk, e.At
		}
		switch workflow.EventName(e.Name) {
		case workflow.EventApprove, workflow.EventReject, workflow.EventRecordVerification, workflow.EventWithdraw:
			if clerk != "" {
				h.DecidedBy = clerk
			}
		}
		if e.To == workflow.StatusRejected && e.From == workflow.StatusSubmitted && clerk != "" {
			h.DecidedBy = clerk
		}
	}
	return h
}

// ServedBy is the member of staff a rating at a stage is about.
func (h Handling) ServedBy(st Stage) string {
	if st == StageResult && h.DecidedBy != "" {
		return h.DecidedBy
	}
	return h.AcceptedBy
}
