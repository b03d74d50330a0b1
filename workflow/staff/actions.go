package staff

import (
	"slices"

	"zerovisit/workflow"
)

// steps are the workflow events a member of staff causes, by the action
// name of the console.
var steps = []struct {
	action string
	event  workflow.EventName
}{
	{"accept", workflow.EventAccept},
	{"supplement", workflow.EventRequestSupplement},
	{"approve", workflow.EventApprove},
	{"reject", workflow.EventReject},
	{"special_procedure", workflow.EventStartSpecialProcedure},
	{"end_special_procedure", workflow.EventEndSpecialProcedure},
	{"transfer", workflow.EventTransfer},
	{"dispatch", workflow.EventDispatch},
	{"verify", workflow.EventRecordVerification},
	{"clear_breach", workflow.EventClearBreach},
	{"rectify", workflow.EventOrderRectification},
	{"decide_breach", workflow.EventDecideBreach},
	{"record_statement", workflow.EventStateCase},
}

// AllowedActions lists what the caller may do on the case now: the
// workflow events the transition table lets a clerk cause in the case's
// state (once the caller holds the case), and the claim actions.
func AllowedActions(cs workflow.Case, cl *Claim, who Caller) []string {
	out := []string{}
	queued := inQueue(cs.Status)
	switch {
	case !who.Handles() || !queued:
	case cl == nil:
		out = append(out, "claim")
	case cl.StaffID == who.ID:
		out = append(out, "renew", "release", "hand_over")
		for _, st := range steps {
			if clerkMay(st.event, cs.Status) {
				out = append(out, st.action)
			}
		}
	}
	if queued && who.Supervises() {
		out = append(out, "reassign")
	}
	return out
}

// clerkMay reports whether the transition table lets a clerk cause ev in st.
func clerkMay(ev workflow.EventName, st workflow.Status) bool {
	for _, t := range workflow.Transitions() {
		if t.Event == ev && slices.Contains(t.From, st) && slices.Contains(t.Actors, workflow.ActorClerk) {
			return true
		}
	}
	return false
}
