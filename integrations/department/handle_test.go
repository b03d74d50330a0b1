package department_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/department"
	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// The workflow service is what the callback route hands decisions to.
var _ department.Cases = (*workflow.Service)(nil)

var (
	citizen = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u1"}
	clerk   = workflow.Actor{Kind: workflow.ActorClerk, ID: "k1"}
)

// workflowWith returns a service over a fresh store holding case "c1"
// (number ZV1, department scjgj) accepted on the ordinary path.
func workflowWith(t *testing.T, clk *clock) (*workflow.Service, caseStore) {
	t.Helper()
	cat, err := workflow.NewCatalogue([]workflow.Item{{
		Code: "spjy", Name: "食品经营许可", Department: scjgj, DepartmentName: "市场监督管理局",
		LegalDays: 20, PromisedDays: 10,
		Delivery: []workflow.DeliveryMethod{workflow.DeliveryElectronic},
		Materials: []workflow.Material{
			{Code: "yyzz", Name: "营业执照", Source: "elicense:yyzz", Core: true},
			{Code: "pmt", Name: "平面布局图", Source: "upload", Core: true},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	st := newCaseStore(t)
	svc := workflow.NewService(st, workflow.NewEngine(cat, nil), clk.Now)
	ctx := context.Background()
	if _, err := svc.Create(ctx, workflow.Draft{
		ID: "c1", Number: "ZV1", ItemCode: "spjy", ApplicantID: "u1", Channel: workflow.ChannelWeChat, Actor: citizen,
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Do(ctx, "c1", workflow.Submit{
		Meta: workflow.Meta{Actor: citizen},
		Materials: []workflow.ProvidedMaterial{
			{Code: "yyzz", Source: workflow.SourceELicense, Ref: "1.2.156.3005.2.yyzz"},
			{Code: "pmt", Source: workflow.SourceUpload, Ref: "sha256:ab"},
		},
		Credit:   workflow.CreditNormal,
		Delivery: workflow.Delivery{Method: workflow.DeliveryElectronic},
	}, nil); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	c, err := svc.Do(ctx, "c1", workflow.Accept{Meta: workflow.Meta{Actor: clerk}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Status, workflow.StatusAccepted; got != want {
		t.Fatalf("fixture case is %s, want %s", got, want)
	}
	clk.Add(time.Hour)
	return svc, st
}

func TestHandle_ApproveThroughTheSignedCallback(t *testing.T) {
	clk := newClock()
	svc, st := workflowWith(t, clk)
	sys := newSystem(t, map[string]string{scjgj: scjgjSecret}, clk.Now)
	cb := newCallback(t, endpoints(""), clk.Now, func(ctx context.Context, cb department.Callback) (string, error) {
		c, err := department.Handle(ctx, cb, svc, st.byNumber)
		return string(c.Status), err
	})
	ctx := context.Background()
	dec := department.Callback{
		Department: scjgj, CaseNumber: "ZV1", Decision: department.DecisionApprove,
		Reason: "经审查，符合许可条件", Version: 3, DecisionID: "D-1",
	}

	for i := range 2 { // sent twice, freshly signed each time: applied once
		r, err := sys.SendDecision(ctx, cb.URL, dec)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Status, http.StatusOK; got != want {
			t.Fatalf("send #%d: status = %d (%s), want %d", i+1, got, r.Body, want)
		}
		if got, want := decode(t, r).Status, string(workflow.StatusApproved); got != want {
			t.Errorf("send #%d: case status = %q, want %q", i+1, got, want)
		}
	}
	evs, err := svc.History(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if got, want := last.Name, string(workflow.EventApprove); got != want {
		t.Fatalf("last event = %s, want %s", got, want)
	}
	if got, want := evs[len(evs)-2].Name, string(workflow.EventAccept); got != want {
		t.Errorf("event before the approval = %s, want %s (approved once)", got, want)
	}
	if diff := cmp.Diff(workflow.Actor{Kind: workflow.ActorDepartment, ID: scjgj}, last.Actor); diff != "" {
		t.Errorf("actor mismatch (-want +got):\n%s", diff)
	}
	if got, want := last.At, clk.Now(); !got.Equal(want) {
		t.Errorf("event at %s, want our clock's %s", got, want)
	}
}

func TestHandle_Decisions(t *testing.T) {
	tests := []struct {
		name  string
		cb    department.Callback
		check func(t *testing.T, c workflow.Case)
	}{
		{
			name: "Reject",
			cb: department.Callback{Decision: department.DecisionReject, Reason: "经营场所不符合要求",
				LegalBasis: "《食品经营许可和备案管理办法》第十七条"},
			check: func(t *testing.T, c workflow.Case) {
				if got, want := c.Status, workflow.StatusRejected; got != want {
					t.Errorf("status = %s, want %s", got, want)
				}
				if c.Decision == nil || c.Decision.LegalBasis != "《食品经营许可和备案管理办法》第十七条" {
					t.Errorf("decision = %+v, want the legal basis", c.Decision)
				}
			},
		},
		{
			name: "Supplement",
			cb: department.Callback{Decision: department.DecisionSupplement, Reason: "请补正平面布局图",
				Items: []department.Item{{Material: "pmt", Reason: "未标注操作间面积"}}},
			check: func(t *testing.T, c workflow.Case) {
				if got, want := c.Status, workflow.StatusSupplementRequested; got != want {
					t.Errorf("status = %s, want %s", got, want)
				}
				want := []workflow.SupplementItem{{Material: "pmt", Reason: "未标注操作间面积"}}
				if c.Supplement == nil || !cmp.Equal(want, c.Supplement.Items) {
					t.Errorf("supplement = %+v, want items %v", c.Supplement, want)
				}
				if c.Supplement != nil && c.Supplement.By.Kind != workflow.ActorDepartment {
					t.Errorf("requested by %+v, want the department", c.Supplement.By)
				}
			},
		},
		{
			name: "SupplementWithReasonOnly",
			cb:   department.Callback{Decision: department.DecisionSupplement, Reason: "请补充卫生管理制度说明"},
			check: func(t *testing.T, c workflow.Case) {
				want := []workflow.SupplementItem{{Reason: "请补充卫生管理制度说明"}}
				if c.Supplement == nil || !cmp.Equal(want, c.Supplement.Items) {
					t.Errorf("supplement = %+v, want items %v", c.Supplement, want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := workflowWith(t, newClock())
			cb := tt.cb
			cb.Department, cb.CaseID, cb.DecisionID = scjgj, "c1", "D-"+tt.name
			c, err := department.Handle(context.Background(), cb, svc, st.byNumber)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestHandle_Refusals(t *testing.T) {
	base := department.Callback{Department: scjgj, CaseID: "c1", Decision: department.DecisionApprove, DecisionID: "D-9"}
	tests := []struct {
		name   string
		change func(*department.Callback)
		find   department.FindByNumber
		want   error
	}{
		{"OtherDepartment", func(c *department.Callback) { c.Department = gaj }, nil, workflow.ErrForbidden},
		{"NumberDisagrees", func(c *department.Callback) { c.CaseNumber = "ZV2" }, nil, workflow.ErrInvalidInput},
		{"VersionAhead", func(c *department.Callback) { c.Version = 99 }, nil, workflow.ErrInvalidInput},
		{"RejectWithoutLegalBasis", func(c *department.Callback) { c.Decision, c.Reason = department.DecisionReject, "不符合条件" }, nil, workflow.ErrInvalidInput},
		{"NumberOnlyWithoutFinder", func(c *department.Callback) { c.CaseID, c.CaseNumber = "", "ZV1" }, nil, workflow.ErrInvalidInput},
		{"UnknownNumber", func(c *department.Callback) { c.CaseID, c.CaseNumber = "", "ZV404" }, nil, workflow.ErrNotFound},
		{"UnknownCase", func(c *department.Callback) { c.CaseID = "c404" }, nil, workflow.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, st := workflowWith(t, newClock())
			cb := base
			tt.change(&cb)
			find := tt.find
			if tt.name == "UnknownNumber" {
				find = st.byNumber
			}
			_, err := department.Handle(context.Background(), cb, svc, find)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			c, _ := svc.Get(context.Background(), "c1")
			if got, want := c.Status, workflow.StatusAccepted; got != want {
				t.Errorf("case is %s, want it unchanged (%s)", got, want)
			}
		})
	}
}

func TestHandle_SameDecisionIDOtherDecision(t *testing.T) {
	svc, st := workflowWith(t, newClock())
	ctx := context.Background()
	cb := department.Callback{Department: scjgj, CaseID: "c1", Decision: department.DecisionApprove, DecisionID: "D-1"}
	if _, err := department.Handle(ctx, cb, svc, st.byNumber); err != nil {
		t.Fatal(err)
	}
	cb.Decision, cb.Reason, cb.LegalBasis = department.DecisionReject, "不符合条件", "某法第一条"
	_, err := department.Handle(ctx, cb, svc, st.byNumber)
	if !errors.Is(err, workflow.ErrIdempotencyMismatch) {
		t.Errorf("err = %v, want ErrIdempotencyMismatch", err)
	}
}

func TestHandle_DecisionOnADecidedCase(t *testing.T) {
	svc, st := workflowWith(t, newClock())
	ctx := context.Background()
	approve := department.Callback{Department: scjgj, CaseID: "c1", Decision: department.DecisionApprove, DecisionID: "D-1"}
	if _, err := department.Handle(ctx, approve, svc, st.byNumber); err != nil {
		t.Fatal(err)
	}
	again := approve
	again.DecisionID = "D-2"
	_, err := department.Handle(ctx, again, svc, st.byNumber)
	if !errors.Is(err, workflow.ErrInvalidTransition) {
		t.Errorf("err = %v, want ErrInvalidTransition", err)
	}
}

func TestSummaryOf(t *testing.T) {
	clk := newClock()
	svc, _ := workflowWith(t, clk)
	c, err := svc.Get(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	got := department.SummaryOf(c)
	want := department.Summary{
		ItemName: "食品经营许可", DepartmentName: "市场监督管理局", ApplicantID: "u1",
		Channel: "wechat", PathNote: c.PathNote, SubmittedAt: c.SubmittedAt, Deadline: c.Deadline,
		Materials: []department.Material{
			{Code: "yyzz", Source: "elicense", Ref: "1.2.156.3005.2.yyzz", Provided: true},
			{Code: "pmt", Source: "upload", Ref: "sha256:ab", Provided: true},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SummaryOf mismatch (-want +got):\n%s", diff)
	}
	if c.Deadline.IsZero() || c.SubmittedAt.IsZero() {
		t.Errorf("fixture case lacks a deadline or submission time: %v, %v", c.Deadline, c.SubmittedAt)
	}
}

// caseStore is the real store on a fresh SQLite database, so that Handle is
// tested against the real Service, engine and persistence.
type caseStore struct{ *models.Repo }

func newCaseStore(t *testing.T) caseStore { return caseStore{models.NewRepo(dbtest.SQLite(t))} }

// byNumber finds a case id by number, as the callback route does.
func (s caseStore) byNumber(ctx context.Context, number string) (string, error) {
	c, err := s.GetCaseByNumber(ctx, number)
	return c.ID, err
}
