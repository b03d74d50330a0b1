package workflow_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow"
)

// legal is the documented outcome of every allowed (state, event) pair, on
// the fixture case of that state with the sample event (see fixtures_test.go).
// before lists events applied first that leave the state as it is.
type legal struct {
	to      workflow.Status
	effects []workflow.EffectKind
	before  func(c workflow.Case) []workflow.Event
}

const (
	notify    = workflow.KindNotifyApplicant
	report    = workflow.KindReportProvince
	push      = workflow.KindPushDepartment
	issue     = workflow.KindIssueLicence
	revokeLic = workflow.KindRevokeLicence
	falseRec  = workflow.KindRecordFalseCommitment
	delivery  = workflow.KindOrderCourierDelivery
	warn      = workflow.KindWarnSupervisor
)

func k(ks ...workflow.EffectKind) []workflow.EffectKind {
	return append([]workflow.EffectKind{}, ks...)
}

func legalPairs() map[[2]string]legal {
	type S = workflow.Status
	pair := func(s S, e workflow.EventName) [2]string { return [2]string{string(s), string(e)} }
	return map[[2]string]legal{
		pair(workflow.StatusDraft, workflow.EventSubmit):                         {to: workflow.StatusAccepted, effects: k(notify, push, report)},
		pair(workflow.StatusDraft, workflow.EventWithdraw):                       {to: workflow.StatusWithdrawn, effects: k()},
		pair(workflow.StatusSubmitted, workflow.EventAccept):                     {to: workflow.StatusAccepted, effects: k(notify, push, report)},
		pair(workflow.StatusSubmitted, workflow.EventReject):                     {to: workflow.StatusRejected, effects: k(notify, report)},
		pair(workflow.StatusSubmitted, workflow.EventWithdraw):                   {to: workflow.StatusWithdrawn, effects: k(notify, report)},
		pair(workflow.StatusSubmitted, workflow.EventPay):                        {to: workflow.StatusSubmitted, effects: k()},
		pair(workflow.StatusAccepted, workflow.EventRequestSupplement):           {to: workflow.StatusSupplementRequested, effects: k(notify, report)},
		pair(workflow.StatusAccepted, workflow.EventApprove):                     {to: workflow.StatusApproved, effects: k(notify, issue, report)},
		pair(workflow.StatusAccepted, workflow.EventReject):                      {to: workflow.StatusRejected, effects: k(notify, report)},
		pair(workflow.StatusAccepted, workflow.EventWithdraw):                    {to: workflow.StatusWithdrawn, effects: k(notify, push, report)},
		pair(workflow.StatusAccepted, workflow.EventPay):                         {to: workflow.StatusAccepted, effects: k()},
		pair(workflow.StatusAccepted, workflow.EventProvideMaterial):             {to: workflow.StatusAccepted, effects: k()},
		pair(workflow.StatusAccepted, workflow.EventTick):                        {to: workflow.StatusAccepted, effects: k(warn)},
		pair(workflow.StatusSupplementRequested, workflow.EventSupplySupplement): {to: workflow.StatusAccepted, effects: k(push, report)},
		pair(workflow.StatusSupplementRequested, workflow.EventWithdraw):         {to: workflow.StatusWithdrawn, effects: k(notify, push, report)},
		pair(workflow.StatusSupplementRequested, workflow.EventPay):              {to: workflow.StatusSupplementRequested, effects: k()},
		pair(workflow.StatusSupplementRequested, workflow.EventProvideMaterial):  {to: workflow.StatusSupplementRequested, effects: k()},
		pair(workflow.StatusSupplementRequested, workflow.EventTick):             {to: workflow.StatusWithdrawn, effects: k(notify, push, report)},
		pair(workflow.StatusApproved, workflow.EventPay):                         {to: workflow.StatusApproved, effects: k()},
		pair(workflow.StatusApproved, workflow.EventProvideMaterial):             {to: workflow.StatusApproved, effects: k()},
		pair(workflow.StatusApproved, workflow.EventTick):                        {to: workflow.StatusApproved, effects: k(notify)},
		pair(workflow.StatusDelivering, workflow.EventDeliver):                   {to: workflow.StatusDelivered, effects: k(notify, report)},
		pair(workflow.StatusDelivering, workflow.EventProvideMaterial):           {to: workflow.StatusDelivering, effects: k()},
		pair(workflow.StatusDelivering, workflow.EventTick):                      {to: workflow.StatusDelivering, effects: k(notify)},
		pair(workflow.StatusDelivered, workflow.EventStartVerification):          {to: workflow.StatusVerifying, effects: k(report)},
		pair(workflow.StatusDelivered, workflow.EventProvideMaterial):            {to: workflow.StatusDelivered, effects: k()},
		pair(workflow.StatusDelivered, workflow.EventTick):                       {to: workflow.StatusVerifying, effects: k(report)},
		pair(workflow.StatusVerifying, workflow.EventRecordVerification):         {to: workflow.StatusVerifying, effects: k()},
		pair(workflow.StatusVerifying, workflow.EventProvideMaterial):            {to: workflow.StatusVerifying, effects: k()},
		pair(workflow.StatusVerifying, workflow.EventTick):                       {to: workflow.StatusVerifying, effects: k(notify)},
		pair(workflow.StatusCommitmentReview, workflow.EventProvideMaterial):     {to: workflow.StatusCommitmentReview, effects: k()},
		pair(workflow.StatusCommitmentReview, workflow.EventClearBreach):         {to: workflow.StatusApproved, effects: k(notify, report)},
		pair(workflow.StatusCommitmentReview, workflow.EventOrderRectification):  {to: workflow.StatusRectifying, effects: k(notify, report)},
		pair(workflow.StatusCommitmentReview, workflow.EventTick):                {to: workflow.StatusCommitmentReview, effects: k(warn)},
		pair(workflow.StatusRectifying, workflow.EventProvideMaterial):           {to: workflow.StatusRectifying, effects: k()},
		pair(workflow.StatusRectifying, workflow.EventClearBreach):               {to: workflow.StatusApproved, effects: k(notify, report)},
		pair(workflow.StatusRectifying, workflow.EventStateCase):                 {to: workflow.StatusRectifying, effects: k()},
		pair(workflow.StatusRectifying, workflow.EventDecideBreach):              {to: workflow.StatusApproved, effects: k(notify, report)},
		pair(workflow.StatusRectifying, workflow.EventTick):                      {to: workflow.StatusRectifying, effects: k(warn, warn)},
		pair(workflow.StatusAccepted, workflow.EventCollectOriginals):            {to: workflow.StatusAccepted, effects: k(notify)},
		pair(workflow.StatusSupplementRequested, workflow.EventCollectOriginals): {to: workflow.StatusSupplementRequested, effects: k(notify)},
		pair(workflow.StatusApproved, workflow.EventCollectOriginals):            {to: workflow.StatusApproved, effects: k(notify)},
		pair(workflow.StatusDelivering, workflow.EventCollectOriginals):          {to: workflow.StatusDelivering, effects: k(notify)},
		pair(workflow.StatusDelivered, workflow.EventCollectOriginals):           {to: workflow.StatusDelivered, effects: k(notify)},
		pair(workflow.StatusVerifying, workflow.EventCollectOriginals):           {to: workflow.StatusVerifying, effects: k(notify)},
		pair(workflow.StatusDelivering, workflow.EventDeliveryFailed):            {to: workflow.StatusApproved, effects: k(notify, report)},
		pair(workflow.StatusAccepted, workflow.EventStartSpecialProcedure):       {to: workflow.StatusSpecialProcedure, effects: k(notify, report)},
		pair(workflow.StatusSpecialProcedure, workflow.EventEndSpecialProcedure): {to: workflow.StatusAccepted, effects: k(report)},
		pair(workflow.StatusSpecialProcedure, workflow.EventWithdraw):            {to: workflow.StatusWithdrawn, effects: k(notify, push, report)},
		pair(workflow.StatusSpecialProcedure, workflow.EventPay):                 {to: workflow.StatusSpecialProcedure, effects: k()},
		pair(workflow.StatusSpecialProcedure, workflow.EventProvideMaterial):     {to: workflow.StatusSpecialProcedure, effects: k()},
		pair(workflow.StatusSpecialProcedure, workflow.EventTick):                {to: workflow.StatusWithdrawn, effects: k(notify, push, report)},
		pair(workflow.StatusSubmitted, workflow.EventTransfer):                   {to: workflow.StatusSubmitted, effects: k()},
		pair(workflow.StatusAccepted, workflow.EventTransfer):                    {to: workflow.StatusAccepted, effects: k(push)},
		pair(workflow.StatusSupplementRequested, workflow.EventTransfer):         {to: workflow.StatusSupplementRequested, effects: k(push)},
		pair(workflow.StatusSpecialProcedure, workflow.EventTransfer):            {to: workflow.StatusSpecialProcedure, effects: k(push)},
		pair(workflow.StatusApproved, workflow.EventDispatch): {
			to: workflow.StatusDelivering, effects: k(delivery, notify, report),
			before: func(c workflow.Case) []workflow.Event { return []workflow.Event{payEvent(c.UpdatedAt)} },
		},
	}
}

// TestEveryStateEventPair tries every event on a case in every state: the
// legal pairs give the documented state and effects, every other pair fails
// with ErrInvalidTransition, and the input case never changes.
func TestEveryStateEventPair(t *testing.T) {
	e := newEngine(t)
	fx := fixtures(t, e)
	want := legalPairs()
	seen := 0
	for _, st := range workflow.Statuses() {
		for _, name := range workflow.EventNames() {
			t.Run(fmt.Sprintf("%s/%s", st, name), func(t *testing.T) {
				c := fx[st]
				w, ok := want[[2]string{string(st), string(name)}]
				if ok && w.before != nil {
					c = mustApply(t, e, c, w.before(c)...)
				}
				ev := sampleEvent(t, name, c)
				before := snapshot(t, c)
				got, rec, effects, err := e.Apply(c, ev)
				if after := snapshot(t, c); after != before {
					t.Errorf("Apply changed its input case:\n%s", cmp.Diff(before, after))
				}
				if !ok {
					if !errors.Is(err, workflow.ErrInvalidTransition) {
						t.Fatalf("err = %v, want ErrInvalidTransition", err)
					}
					if got, want := err.Error(), fmt.Sprintf("invalid transition: %s on %s", name, st); got != want {
						t.Errorf("err = %q, want %q", got, want)
					}
					return
				}
				seen++
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				if got, want := got.Status, w.to; got != want {
					t.Errorf("status = %s, want %s", got, want)
				}
				if diff := cmp.Diff(w.effects, kinds(effects)); diff != "" {
					t.Errorf("effect kinds (-want +got):\n%s", diff)
				}
				if got, want := got.Version, c.Version+1; got != want {
					t.Errorf("version = %d, want %d", got, want)
				}
				if got, want := rec, (workflow.EventRecord{CaseID: c.ID, Seq: c.Version + 1, Name: string(name),
					Actor: ev.EventMeta().Actor, At: ev.EventMeta().At, From: st, To: w.to, Reason: rec.Reason, Data: rec.Data}); !cmp.Equal(got, want) {
					t.Errorf("record (-want +got):\n%s", cmp.Diff(want, got))
				}
			})
		}
	}
	if got, want := seen, len(want); got != want {
		t.Errorf("ran %d legal pairs, table documents %d", got, want)
	}
}

// TestTransitionTableMatchesDocumentedPairs keeps the table and the
// documented pairs in step: a new row (or state) must be documented here.
func TestTransitionTableMatchesDocumentedPairs(t *testing.T) {
	want := legalPairs()
	var table [][2]string
	for _, tr := range workflow.Transitions() {
		for _, from := range tr.From {
			table = append(table, [2]string{string(from), string(tr.Event)})
			if !slices.Contains(workflow.Statuses(), from) {
				t.Errorf("%s: unknown from state %q", tr.Event, from)
			}
		}
		for _, to := range tr.To {
			if _, err := workflow.ParseStatus(string(to)); err != nil {
				t.Errorf("%s: unknown target %q", tr.Event, to)
			}
		}
		if len(tr.Actors) == 0 {
			t.Errorf("%s: no actor may cause it", tr.Event)
		}
	}
	for _, p := range table {
		if _, ok := want[p]; !ok {
			t.Errorf("table allows %s on %s, which is not documented in legalPairs", p[1], p[0])
		}
	}
	if got, want := len(table), len(want); got != want {
		t.Errorf("table has %d (state, event) pairs, legalPairs %d", got, want)
	}
	for _, st := range workflow.Statuses() {
		if !st.Terminal() {
			continue
		}
		for _, p := range table {
			if p[0] == string(st) {
				t.Errorf("terminal state %s accepts %s", st, p[1])
			}
		}
	}
}
