package apply

import (
	"context"
	"testing"
	"time"

	"zerovisit/workflow"
)

func TestStanding(t *testing.T) {
	f := newFixture(t)
	approved := workflow.Case{ID: "c1", Status: workflow.StatusApproved}
	approved.Terms.FeeFen = 100
	supplement := workflow.Case{ID: "c2", Status: workflow.StatusSupplementRequested,
		Supplement: &workflow.SupplementRequest{DueAt: t0, Items: []workflow.SupplementItem{{Material: "plan", Reason: "不清晰"}}}}
	for name, tc := range map[string]struct {
		cs        workflow.Case
		stage     string
		needs     []string
		evaluated bool
	}{
		"Draft":           {workflow.Case{Status: workflow.StatusDraft}, "draft", []string{"submit"}, false},
		"AwaitingPayment": {approved, StageAwaitingPayment, []string{"pay"}, false},
		"Supplement":      {supplement, "supplement_requested", []string{"supplement"}, false},
		"ToEvaluate":      {workflow.Case{ID: "c3", Status: workflow.StatusClosed, SubmittedAt: t0}, "closed", []string{"evaluate"}, false},
		"Evaluated":       {workflow.Case{ID: "c-done", Status: workflow.StatusRejected, SubmittedAt: t0}, "rejected", nil, true},
		"WithdrawnDraft":  {workflow.Case{ID: "c4", Status: workflow.StatusWithdrawn}, "withdrawn", nil, false},
	} {
		st := f.svc.Standing(context.Background(), tc.cs)
		var kinds []string
		for _, n := range st.Needs {
			kinds = append(kinds, n.Kind)
		}
		if st.Stage != tc.stage || st.StageNote == "" || len(kinds) != len(tc.needs) || st.Evaluated != tc.evaluated ||
			(len(kinds) > 0 && kinds[0] != tc.needs[0]) {
			t.Errorf("%s: standing = %+v, want stage %s needing %v", name, st, tc.stage, tc.needs)
		}
	}
	if st := f.svc.Standing(context.Background(), supplement); st.Needs[0].Due == nil || !st.Needs[0].Due.Equal(t0) {
		t.Errorf("supplement due = %v", st.Needs[0].Due)
	}
	if TimeOrNil(time.Time{}) != nil {
		t.Error("a zero time is not nil")
	}
}

func TestCasesQuery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.svc.Cases(ctx, []string{"p1"}, Query{Status: "lost", Limit: 5})
	refusal(t, err, workflow.ErrMalformed, "invalid_query")
	_, err = f.svc.Cases(ctx, []string{"p1"}, Query{Cursor: "bad", Limit: 5})
	refusal(t, err, workflow.ErrMalformed, "invalid_page")
	_, err = f.svc.Cases(ctx, []string{"p1"}, Query{Cursor: string(make([]byte, 129)), Limit: 5})
	refusal(t, err, workflow.ErrMalformed, "invalid_page")
	if _, err := f.svc.Cases(ctx, []string{"p1"}, Query{Status: "draft", Limit: 5}); err != nil {
		t.Error(err)
	}
	items, err := f.svc.Timeline(ctx, workflow.Case{ID: "c1"})
	if err != nil || items[0].Label != "创建申请" || items[1].Label != "unheard_of" {
		t.Errorf("timeline = %+v, %v", items, err)
	}
	_, err = f.svc.Licences(ctx, workflow.Case{})
	refusal(t, err, workflow.ErrNotFound, "no_result_licence")
}

type library []Licence

func (l library) Licences(_ context.Context, holderID, _ string) ([]Licence, error) {
	if holderID != "110101199003070000" {
		return nil, nil
	}
	return l, nil
}

func (l library) File(context.Context, string) ([]byte, error) { return []byte("licence"), nil }

func TestResultLicences(t *testing.T) {
	f := newFixture(t)
	f.svc.cfg.Licences = library{{ID: "L1", CaseNumber: "N7"}, {ID: "L2", CaseNumber: "N8"}}
	cs := workflow.Case{ApplicantID: "p1", Number: "N7"}
	cs.Terms.ResultLicence = "yyzz"
	ctx := context.Background()
	ls, err := f.svc.Licences(ctx, cs)
	if err != nil || len(ls) != 1 || ls[0].ID != "L1" {
		t.Fatalf("licences = %+v, %v: want the case's own", ls, err)
	}
	if _, b, err := f.svc.LicenceFile(ctx, cs, "L1"); err != nil || string(b) != "licence" {
		t.Errorf("file = %q, %v", b, err)
	}
	_, _, err = f.svc.LicenceFile(ctx, cs, "L2")
	refusal(t, err, workflow.ErrNotFound, "licence_not_found")
}
