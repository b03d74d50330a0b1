package staff_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// submitted opens and submits case id of "ord" (gaj) for the citizen u-li.
func (e *env) submitted(tb testing.TB, id string) workflow.Case { return e.submittedBy(tb, id, "u-li") }

// submittedBy opens and submits case id of "ord" (gaj) for a citizen.
func (e *env) submittedBy(tb testing.TB, id, applicant string) workflow.Case {
	tb.Helper()
	ctx := context.Background()
	citizen := workflow.Actor{Kind: workflow.ActorCitizen, ID: applicant}
	if _, err := e.cases.Create(ctx, workflow.Draft{ID: id, Number: "ZV-" + id, ItemCode: "ord", ApplicantID: applicant,
		Channel: workflow.ChannelWeChat, Actor: citizen}, nil); err != nil {
		tb.Fatal(err)
	}
	c, err := e.cases.Do(ctx, id, workflow.Submit{Meta: workflow.Meta{Actor: citizen}, Credit: workflow.CreditNormal, Delivery: workflow.Delivery{Method: workflow.DeliveryElectronic},
		Materials: []workflow.ProvidedMaterial{{Code: "sfz", Source: workflow.SourceBaseData, Ref: "identity"},
			{Code: "sqs", Source: workflow.SourceUpload, Ref: scanKey}}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestClaims(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.submitted(t, "c1")
	if _, _, err := e.svc.Claim(ctx, clerkSC, c.ID); err == nil {
		t.Fatal("a clerk of another department claimed the case")
	} else {
		refusal(t, err, workflow.ErrForbidden, "other_department")
	}
	_, _, err := e.svc.Act(ctx, clerkGA, c.ID, &staff.Accept{}, nil)
	refusal(t, err, workflow.ErrConflict, "claim_required")
	if _, cl, err := e.svc.Claim(ctx, clerkGA, c.ID); err != nil || cl.StaffID != clerkGA.ID {
		t.Fatalf("claim = %+v %v", cl, err)
	}
	_, _, err = e.svc.Claim(ctx, clerkGB, c.ID)
	if r := refusal(t, err, workflow.ErrConflict, "claimed_by_other"); r.Detail.(map[string]any)["staff_id"] != clerkGA.ID {
		t.Errorf("detail = %v", r.Detail)
	}
	_, _, err = e.svc.Act(ctx, clerkGB, c.ID, &staff.Accept{}, nil)
	refusal(t, err, workflow.ErrConflict, "claimed_by_other")
	_, _, err = e.svc.Act(ctx, clerkGA, c.ID, &staff.Reject{Reason: "不符合条件"}, nil)
	refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	after, cl, err := e.svc.Act(ctx, clerkGA, c.ID, &staff.Accept{Note: "材料齐全"}, nil)
	if err != nil || after.Status != workflow.StatusAccepted || cl == nil {
		t.Fatalf("accept = %v %+v %v", after.Status, cl, err)
	}
	_, _, err = e.svc.Act(ctx, clerkGA, c.ID, &staff.Refer{Department: "nowhere"}, nil)
	refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	after, cl, err = e.svc.Act(ctx, clerkGA, c.ID, &staff.Refer{Department: "scjgj", Reason: "属市场监管职责"}, nil)
	if err != nil || after.Department != "scjgj" || cl != nil || !slices.Contains(e.store.released, c.ID) {
		t.Fatalf("transfer = %v %+v %v (released %v)", after.Department, cl, err, e.store.released)
	}
	if err := e.svc.Release(ctx, clerkSC, c.ID); err == nil {
		t.Error("released a case nobody holds")
	} else {
		refusal(t, err, workflow.ErrConflict, "claim_required")
	}
}

// TestDecisionChecksTheClaimAsItIsWritten: a clerk's decision whose claim
// is handed to a colleague between the read of the case and the write is
// refused, and the case is left as it was.
func TestDecisionChecksTheClaimAsItIsWritten(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.submitted(t, "c1")
	if _, _, err := e.svc.Claim(ctx, clerkGA, c.ID); err != nil {
		t.Fatal(err)
	}
	e.afterRead = func() {
		// The claim passes to a colleague (given back and taken).
		if err := e.store.Release(ctx, c.ID, clerkGA.ID, e.now); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Claim(ctx, c.ID, c.Department, clerkGB.ID, e.now, 30*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := e.svc.Act(ctx, clerkGA, c.ID, &staff.Accept{Note: "材料齐全"}, nil)
	refusal(t, err, workflow.ErrConflict, "claim_required")
	after, _, err := e.svc.Case(ctx, clerkGB, c.ID)
	if err != nil || after.Status != c.Status || after.Version != c.Version {
		t.Fatalf("case = %s v%d (%v), want it unchanged at %s v%d", after.Status, after.Version, err, c.Status, c.Version)
	}
}

func TestHandOverAndReassign(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.submitted(t, "c1")
	_, err := e.svc.HandOver(ctx, clerkGA, c.ID, staff.Transfer{ToStaffID: clerkGB.ID})
	refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	_, err = e.svc.HandOver(ctx, clerkGA, c.ID, staff.Transfer{ToStaffID: "ghost", Reason: "休假"})
	refusal(t, err, workflow.ErrInvalidInput, "unknown_staff")
	for _, to := range []string{clerkSC.ID, superGA.ID} {
		_, err = e.svc.HandOver(ctx, clerkGA, c.ID, staff.Transfer{ToStaffID: to, Reason: "休假"})
		refusal(t, err, workflow.ErrInvalidInput, "unsuitable_staff")
	}
	_, err = e.svc.Reassign(ctx, clerkSC, c.ID, staff.Transfer{Reason: "督办"})
	refusal(t, err, workflow.ErrForbidden, "other_department")
	_, err = e.svc.Reassign(ctx, superGA, "", staff.Transfer{Reason: "督办"})
	refusal(t, err, workflow.ErrMalformed, "invalid_path")
}

func TestQueueFilters(t *testing.T) {
	ctx := context.Background()
	yes := true
	for name, tc := range map[string]struct {
		r     staff.QueueRequest
		field string
	}{
		"Item":          {staff.QueueRequest{Filter: staff.QueueFilter{Item: string(make([]byte, 65))}}, "item"},
		"State":         {staff.QueueRequest{Filter: staff.QueueFilter{State: "lost"}}, "state"},
		"ApplicantType": {staff.QueueRequest{Filter: staff.QueueFilter{ApplicantType: "robot"}}, "applicant_type"},
		"Claimed":       {staff.QueueRequest{Filter: staff.QueueFilter{Claimed: "theirs"}}, "claimed"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newEnv(t).svc.Queue(ctx, clerkGA, tc.r)
			if r := refusal(t, err, workflow.ErrMalformed, "invalid_query"); r.Detail.(map[string]string)["field"] != tc.field {
				t.Errorf("detail = %v, want field %s", r.Detail, tc.field)
			}
		})
	}
	t.Run("Departments", func(t *testing.T) {
		e := newEnv(t)
		f := staff.QueueFilter{State: "accepted", TrustFirst: &yes, Claimed: staff.ClaimedMine}
		for _, tc := range []struct {
			who  staff.Caller
			dept string
			want []string
		}{{clerkGA, "scjgj", []string{"gaj"}}, {admin, "", nil}, {admin, "scjgj", []string{"scjgj"}}} {
			if _, err := e.svc.Queue(ctx, tc.who, staff.QueueRequest{Kind: staff.VerificationQueue, Filter: f, Department: tc.dept, Limit: 5}); err != nil {
				t.Fatal(err)
			}
			q := e.store.queries[len(e.store.queries)-1]
			if !slices.Equal(q.Departments, tc.want) || q.Status != workflow.StatusAccepted || q.StaffID != tc.who.ID || q.Limit != 5 || q.Kind != staff.VerificationQueue {
				t.Errorf("%s asking for %q: query %+v, want departments %v", tc.who.ID, tc.dept, q, tc.want)
			}
		}
	})
	t.Run("ClaimNextQueue", func(t *testing.T) {
		_, err := newEnv(t).svc.ClaimNext(ctx, clerkGA, staff.ClaimNextRequest{Queue: "inbox"}, "")
		refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	})
}

// TestQueueCursorTooLong: a cursor longer than any the store hands out is
// refused before the store is asked, by the queue and the supervision view.
func TestQueueCursorTooLong(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	long := string(make([]byte, 513))
	_, err := e.svc.Queue(ctx, clerkGA, staff.QueueRequest{Cursor: long})
	if r := refusal(t, err, workflow.ErrMalformed, "invalid_page"); r.Detail.(map[string]string)["field"] != "cursor" {
		t.Errorf("detail = %v, want field cursor", r.Detail)
	}
	_, err = e.svc.Supervision(ctx, superGA, staff.SupervisionRequest{Cursor: long})
	refusal(t, err, workflow.ErrMalformed, "invalid_page")
	if len(e.store.queries) != 0 {
		t.Errorf("the store was asked %d times", len(e.store.queries))
	}
}

func TestQueueNamesHolders(t *testing.T) {
	e := newEnv(t)
	e.store.page = staff.QueuePage{Items: []staff.QueueEntry{{Case: workflow.Case{ID: "c1"}, Claim: &staff.Claim{StaffID: clerkGB.ID}}, {Case: workflow.Case{ID: "c2"}}}}
	page, err := e.svc.Queue(context.Background(), clerkGA, staff.QueueRequest{})
	if err != nil || page.Names[clerkGB.ID] != "乙" || len(page.Names) != 1 {
		t.Errorf("names = %v %v, want 乙 for %s", page.Names, err, clerkGB.ID)
	}
}

func TestSupervised(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		who  staff.Caller
		want string
		out  []string
		code string
	}{
		{superGA, "", []string{"gaj"}, ""},
		{superGA, "gaj", []string{"gaj"}, ""},
		{superGA, "scjgj", nil, "other_department"},
		{admin, "", nil, ""},
		{admin, "scjgj", []string{"scjgj"}, ""},
		{admin, "xyz", nil, "invalid_query"},
	} {
		got, err := e.svc.Supervised(tc.who, tc.want)
		if r, _ := workflow.AsRefusal(err); (r == nil && tc.code != "") || (r != nil && r.Code != tc.code) || !slices.Equal(got, tc.out) {
			t.Errorf("%s asking for %q = %v %v, want %v %s", tc.who.ID, tc.want, got, err, tc.out, tc.code)
		}
	}
}

func TestAllowedActions(t *testing.T) {
	submitted := workflow.Case{Status: workflow.StatusSubmitted}
	mine := &staff.Claim{StaffID: clerkGA.ID}
	for _, tc := range []struct {
		name string
		cs   workflow.Case
		cl   *staff.Claim
		who  staff.Caller
		want []string
	}{
		{"Free", submitted, nil, clerkGA, []string{"claim"}},
		{"Mine", submitted, mine, clerkGA, []string{"renew", "release", "hand_over", "accept", "reject", "transfer"}},
		{"Theirs", submitted, mine, clerkGB, []string{}},
		{"Supervisor", submitted, mine, superGA, []string{"reassign"}},
		{"Closed", workflow.Case{Status: workflow.StatusClosed}, nil, clerkGA, []string{}},
	} {
		if got := staff.AllowedActions(tc.cs, tc.cl, tc.who); !slices.Equal(got, tc.want) {
			t.Errorf("%s: actions = %v, want %v", tc.name, got, tc.want)
		}
	}
}
