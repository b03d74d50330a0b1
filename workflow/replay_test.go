package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestReplay(t *testing.T) {
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	citizen := Actor{Kind: ActorCitizen, ID: "u-1"}
	draft, _ := json.Marshal(Draft{ID: "c-1", Number: "ZV-1", ItemCode: "item", ApplicantID: "u-1"})
	create := EventRecord{Seq: 1, Name: string(EventCreate), Actor: citizen, At: at, To: StatusDraft, Data: draft}
	submit := EventRecord{Seq: 2, Name: string(EventSubmit), Actor: citizen, At: at.Add(time.Minute), From: StatusDraft, To: StatusSubmitted}
	accept := EventRecord{Seq: 3, Name: string(EventAccept), Actor: Actor{Kind: ActorClerk, ID: "k"}, At: at.Add(time.Hour),
		From: StatusSubmitted, To: StatusAccepted}

	r := NewReplay()
	for _, rec := range []EventRecord{create, submit, accept} {
		if err := r.Add(rec); err != nil {
			t.Fatalf("Add(%s): %v", rec.Name, err)
		}
	}
	want := Replayed{Version: 3, Status: StatusAccepted, ApplicantID: "u-1", Number: "ZV-1", ItemCode: "item", UpdatedAt: accept.At}
	if got := r.State(); got != want {
		t.Errorf("State = %+v, want %+v", got, want)
	}

	for name, tc := range map[string]struct {
		rec  EventRecord
		want string
	}{
		"Discontinuous": {EventRecord{Name: string(EventApprove), At: at.Add(time.Hour), From: StatusAccepted, To: StatusApproved}, "but it was submitted"},
		"NotInTable":    {EventRecord{Name: string(EventApprove), At: at.Add(time.Hour), From: StatusSubmitted, To: StatusApproved}, "does not allow"},
		"Earlier":       {EventRecord{Name: string(EventAccept), At: at, From: StatusSubmitted, To: StatusAccepted}, "before the record before"},
		"OtherCitizen":  {EventRecord{Name: string(EventWithdraw), Actor: Actor{Kind: ActorCitizen, ID: "u-2"}, At: at.Add(time.Hour), From: StatusSubmitted, To: StatusWithdrawn}, "not the applicant"},
	} {
		t.Run(name, func(t *testing.T) {
			r := NewReplay()
			_ = r.Add(create)
			_ = r.Add(submit)
			err := r.Add(tc.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Add = %v, want an error saying %q", err, tc.want)
			}
			if r.State().Status != tc.rec.To {
				t.Errorf("the record was not folded in: status %s", r.State().Status)
			}
		})
	}
}
