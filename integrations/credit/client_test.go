package credit_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/credit"
	"zerovisit/integrations/credit/sandbox"
	"zerovisit/integrations/exchange"
	"zerovisit/integrations/exchange/exchangetest"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

func TestStatus(t *testing.T) {
	e := newEnv(t, fastOptions())
	tests := []struct {
		name, subject string
		status        workflow.CreditStatus
		black, red    []string
	}{
		{"Normal", sandbox.ZhangSanID, workflow.CreditNormal, nil, nil},
		{"Black", sandbox.WangWuID, workflow.CreditBlack, []string{"失信被执行人名单"}, nil},
		{"Red", sandbox.OuyangID, workflow.CreditRed, nil, []string{"纳税信用A级纳税人名单"}},
		{"CompanyBlack", sandbox.RevokedCoID, workflow.CreditBlack, []string{"严重违法失信企业名单"}, nil},
		{"CompanyNormal", sandbox.RestaurantID, workflow.CreditNormal, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := e.client.Status(context.Background(), tt.subject)
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if got, want := st.Status, tt.status; got != want {
				t.Errorf("status = %q, want %q", got, want)
			}
			if diff := cmp.Diff(tt.black, st.ListNames(credit.KindBlack)); diff != "" {
				t.Errorf("black lists (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.red, st.ListNames(credit.KindRed)); diff != "" {
				t.Errorf("red lists (-want +got):\n%s", diff)
			}
			if got, want := credit.StatusOf(st, err), tt.status; got != want {
				t.Errorf("StatusOf = %q, want %q", got, want)
			}
		})
	}
	t.Run("BlackBeatsRed", func(t *testing.T) {
		e.sb.Blacklist(sandbox.OuyangID, "拖欠农民工工资失信联合惩戒对象名单")
		t.Cleanup(func() {
			e.sb.Clear(sandbox.OuyangID)
			e.sb.Redlist(sandbox.OuyangID, "纳税信用A级纳税人名单")
		})
		st, err := e.client.Status(context.Background(), sandbox.OuyangID)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got, want := st.Status, workflow.CreditBlack; got != want {
			t.Errorf("status = %q, want %q", got, want)
		}
	})
	t.Run("InvalidNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		_, err := e.client.Status(context.Background(), "33010519780920789X")
		if !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("err = %v, want ident.ErrInvalid", err)
		}
		if got, want := credit.StatusOf(credit.Standing{}, err), workflow.CreditUnknown; got != want {
			t.Errorf("StatusOf = %q, want %q", got, want)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
}

func TestRecordFalseCommitment_OnceByCaseNumber(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	for i := range 2 {
		if err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000201"), sandbox.ZhangSanID); err != nil {
			t.Fatalf("RecordFalseCommitment #%d: %v", i+1, err)
		}
	}
	recs := e.sb.Records()
	if got, want := len(recs), 1; got != want {
		t.Fatalf("records = %d, want %d", got, want)
	}
	want := credit.FalseCommitment{
		CaseNumber: "ZV2026000201", SubjectID: sandbox.ZhangSanID, ItemCode: "scjgj-gtgshsldj",
		Department: "scjgj", Code: "materials_false", Reason: "经营场所使用证明与实际不符",
		OccurredAt: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC),
	}
	if diff := cmp.Diff(want, recs[0].FalseCommitment); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	st, err := e.client.Status(ctx, sandbox.ZhangSanID)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if got, want := st.FalseCommitments, 1; got != want {
		t.Errorf("false commitments = %d, want %d", got, want)
	}
}

func TestRecordFalseCommitment_ConcurrentRedeliveries(t *testing.T) {
	e := newEnv(t, fastOptions())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := e.client.RecordFalseCommitment(context.Background(), falseCommitment("ZV2026000202"), sandbox.ZhangSanID); err != nil {
				t.Errorf("RecordFalseCommitment: %v", err)
			}
		})
	}
	wg.Wait()
	if got, want := len(e.sb.Records()), 1; got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
}

func TestRecordFalseCommitment_RetriedAfter5xx(t *testing.T) {
	e := newEnv(t, fastOptions())
	e.sb.Faults.FailNext(1, http.StatusServiceUnavailable)
	if err := e.client.RecordFalseCommitment(context.Background(), falseCommitment("ZV2026000203"), sandbox.ZhangSanID); err != nil {
		t.Fatalf("RecordFalseCommitment: %v", err)
	}
	reqs := e.sb.Recorder.Requests()
	if got, want := len(reqs), 2; got != want {
		t.Fatalf("requests = %d, want %d", got, want)
	}
	if got, want := reqs[1].Header.Get(httpx.HeaderIdempotencyKey), "credit-false-commitment:ZV2026000203"; got != want {
		t.Errorf("idempotency key = %q, want %q", got, want)
	}
	if got, want := len(e.sb.Records()), 1; got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
}

func TestRecordFalseCommitment_Refusals(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	if err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000204"), sandbox.ZhangSanID); err != nil {
		t.Fatalf("RecordFalseCommitment: %v", err)
	}
	t.Run("ErrConflict", func(t *testing.T) {
		err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000204"), sandbox.WangWuID)
		if !errors.Is(err, credit.ErrConflict) || !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want ErrConflict and workflow.ErrPermanent", err)
		}
	})
	t.Run("InvalidNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		noReason := falseCommitment("ZV2026000205")
		noReason.Reason = ""
		if err := e.client.RecordFalseCommitment(ctx, noReason, sandbox.ZhangSanID); !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("no reason: err = %v, want workflow.ErrPermanent", err)
		}
		if err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000206"), "applicant-1"); !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("account id for subject: err = %v, want ident.ErrInvalid", err)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
	if got, want := len(e.sb.Records()), 1; got != want {
		t.Errorf("records = %d, want %d", got, want)
	}
}

func TestWrongSecretRefused(t *testing.T) {
	e := newEnv(t, fastOptions())
	c := newClient(t, e.url, "wrong", fastOptions())
	_, err := c.Status(context.Background(), sandbox.ZhangSanID)
	var xe *exchange.Error
	if !errors.As(err, &xe) || xe.Code != "bad_signature" || !errors.Is(err, credit.ErrRefused) {
		t.Fatalf("err = %v, want 401 bad_signature", err)
	}
	if got, want := credit.StatusOf(credit.Standing{}, err), workflow.CreditUnknown; got != want {
		t.Errorf("StatusOf = %q, want %q", got, want)
	}
}

// TestResilience runs the exchange clients' resilience checks on the
// standing query.
func TestResilience(t *testing.T) {
	exchangetest.Resilience(t, exchangetest.Party{
		Start: func(t *testing.T, opts httpx.Options) exchangetest.Target {
			e := newEnv(t, opts)
			return exchangetest.Target{
				Call: func(ctx context.Context) error {
					_, err := e.client.Status(ctx, sandbox.ZhangSanID)
					return err
				},
				Faults:   e.sb.Faults,
				Requests: e.sb.Recorder.Len,
				Breaker:  e.client.State,
			}
		},
	})
}

// TestRepair: a completed credit repair is on the subject's standing, and
// the false commitments the library held when it was completed no longer
// count; one recorded after it does.
func TestRepair(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	if err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000401"), sandbox.ZhangSanID); err != nil {
		t.Fatal(err)
	}
	st, err := e.client.Status(ctx, sandbox.ZhangSanID)
	if err != nil || st.FalseCommitments != 1 || st.Repair != nil || st.History() != (workflow.CreditHistory{FalseCommitments: 1}) {
		t.Fatalf("before the repair = %+v, %v; want one false commitment and no repair", st, err)
	}
	time.Sleep(time.Millisecond)
	r := e.sb.Repair(sandbox.ZhangSanID, "杭州市信用办")
	st, err = e.client.Status(ctx, sandbox.ZhangSanID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Repair == nil || st.Repair.RecordID != r.RecordID || !st.Repair.CompletedAt.Equal(r.CompletedAt) || st.FalseCommitments != 0 {
		t.Fatalf("after the repair = %+v, want repair %+v and no false commitment", st, r)
	}
	if h := st.History(); h.FalseCommitments != 0 || !h.RepairedAt.Equal(r.CompletedAt) {
		t.Errorf("history = %+v, want repaired at %v", h, r.CompletedAt)
	}
	time.Sleep(time.Millisecond)
	if err := e.client.RecordFalseCommitment(ctx, falseCommitment("ZV2026000402"), sandbox.ZhangSanID); err != nil {
		t.Fatal(err)
	}
	if st, err = e.client.Status(ctx, sandbox.ZhangSanID); err != nil || st.FalseCommitments != 1 {
		t.Errorf("a false commitment after the repair = %+v, %v; want it counted", st, err)
	}
}
