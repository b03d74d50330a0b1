package province_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/province"
	"zerovisit/integrations/province/sandbox"
	"zerovisit/workflow"
)

const (
	implCode  = "11330100002501234W3000172001000"
	basicCode = "000172001000"
	deptCode  = "11330100002501234W"
)

var t0 = time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)

// ev is a history record of the case.
func ev(seq int64, name workflow.EventName, from, to workflow.Status, min int, actor workflow.Actor, data any) workflow.EventRecord {
	raw, _ := json.Marshal(data)
	return workflow.EventRecord{Seq: seq, Name: string(name), From: from, To: to, At: t0.Add(time.Duration(min) * time.Minute), Actor: actor, Data: raw}
}

var (
	citizen = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u1"}
	clerk   = workflow.Actor{Kind: workflow.ActorClerk, ID: "st-wang"}
)

// facts is a case taken from submission through a special procedure to
// approval, as the store would hand it over.
func facts() province.Facts {
	number := implCode + "20250901000001"
	c := workflow.Case{
		ID: "c1", Number: number, ItemCode: "scjgj-spjyxk", Department: "scjgj", ApplicantID: "u1",
		Status: workflow.StatusApproved, Version: 7, Channel: workflow.ChannelWeChat,
		SubmittedAt: t0, Deadline: t0.Add(96 * time.Hour),
		Terms:    workflow.Terms{ItemName: "食品经营许可（新办）", PromisedDays: 5},
		Delivery: workflow.Delivery{Method: workflow.DeliveryCourier},
		Materials: []workflow.CaseMaterial{
			{Code: "yyzz", Source: workflow.SourceELicense, ProvidedAt: t0},
			{Code: "sqs", Source: workflow.SourceUpload, ProvidedAt: t0},
		},
		Decision: &workflow.Decision{Approved: true, Opinion: "符合条件，准予许可", By: clerk, At: t0.Add(50 * time.Minute)},
		Reported: &workflow.ReportedState{Version: 7, Status: workflow.StatusApproved, At: t0.Add(50 * time.Minute)},
	}
	return province.Facts{
		Case: c,
		History: []workflow.EventRecord{
			ev(1, workflow.EventCreate, "", workflow.StatusDraft, -5, citizen, nil),
			ev(2, workflow.EventSubmit, workflow.StatusDraft, workflow.StatusSubmitted, 0, citizen, nil),
			ev(3, workflow.EventAccept, workflow.StatusSubmitted, workflow.StatusAccepted, 10, clerk, nil),
			ev(4, workflow.EventTick, workflow.StatusAccepted, workflow.StatusAccepted, 11, workflow.Actor{Kind: workflow.ActorSystem}, nil),
			ev(5, workflow.EventStartSpecialProcedure, workflow.StatusAccepted, workflow.StatusSpecialProcedure, 20, clerk,
				map[string]any{"kind": "onsite_inspection", "reason": "经营场所现场核查", "days": 3}),
			ev(6, workflow.EventEndSpecialProcedure, workflow.StatusSpecialProcedure, workflow.StatusAccepted, 40, clerk,
				map[string]any{"outcome": "现场核查合格"}),
			ev(7, workflow.EventApprove, workflow.StatusAccepted, workflow.StatusApproved, 50, clerk, nil),
			ev(8, "verification_review", workflow.StatusApproved, workflow.StatusApproved, 55, clerk, nil),
		},
		ImplCode: implCode, BasicCode: basicCode, ItemName: "食品经营许可（新办）", ItemVersion: 3,
		Materials:      map[string]string{"yyzz": "营业执照", "sqs": "食品经营许可申请书"},
		DepartmentCode: deptCode, DepartmentName: "杭州市市场监督管理局",
		ApplicantName: "张三", ApplicantID: "330106199001011231",
		LicenceName: "食品经营许可证", DataSource: "ZV1", Now: t0.Add(time.Hour),
	}
}

func TestBuildRecords(t *testing.T) {
	b, err := province.Build(facts())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.DataVersion, int64(7); got != want {
		t.Errorf("data version = %d, want %d", got, want)
	}
	if len(b.Accept) != 1 {
		t.Fatalf("accept rows = %d, want 1", len(b.Accept))
	}
	a := b.Accept[0]
	if a.TaskCode != implCode || a.CatalogCode != basicCode || a.TaskVersion != 3 || a.OrgCode != deptCode ||
		a.ApplicantIDType != province.IDResident || a.ApplyType != province.ApplyMobile || !a.AcceptDate.Equal(t0.Add(10*time.Minute)) ||
		a.HandlerName != "clerk:st-wang" || a.RowGUID != b.ProjectNo+":A" || a.Version != 7 || a.Operation != province.OpUpdate {
		t.Errorf("accept row = %+v", a)
	}
	// Steps from the 网上申报 on; creation and a tick that changed nothing are not steps;
	// an event the table does not know is still reported.
	var names []string
	for _, p := range b.Process {
		names = append(names, p.ProcessName+"/"+p.EventName)
	}
	want := "网上申报/01 受理/02 特别程序开始/10 特别程序结束/10 审批决定/05 办理（verification_review）/99"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("process = %s\nwant      %s", got, want)
	}
	if p := b.Process[1]; !p.StartTime.Equal(t0) || !p.EndTime.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("受理 step runs %v → %v, want from the submission to the acceptance", p.StartTime, p.EndTime)
	}
	if len(b.Special) != 1 || b.Special[0].SpecialType != province.SpecialInspection || b.Special[0].Outcome != "现场核查合格" ||
		!b.Special[0].EndTime.Equal(t0.Add(40*time.Minute)) {
		t.Errorf("special rows = %+v", b.Special)
	}
	if len(b.Material) != 2 || b.Material[0].GetType != province.GetLicence || b.Material[1].MaterialName != "食品经营许可申请书" {
		t.Errorf("material rows = %+v", b.Material)
	}
	if len(b.Result) != 1 || b.Result[0].ResultType != province.ResultGranted || b.Result[0].DeliveryByPost != province.Yes ||
		b.Result[0].LicenceName != "食品经营许可证" {
		t.Errorf("result rows = %+v", b.Result)
	}
	// Only the acceptance row carries the ID number.
	raw, _ := json.Marshal(b)
	if n := strings.Count(string(raw), "330106199001011231"); n != 1 {
		t.Errorf("the ID number appears %d times in the batch, want once (the acceptance row)", n)
	}
}

func TestBuildRecordsTrustFirstAcceptsOnSubmission(t *testing.T) {
	f := facts()
	f.History = []workflow.EventRecord{
		ev(1, workflow.EventCreate, "", workflow.StatusDraft, -5, citizen, nil),
		ev(2, workflow.EventSubmit, workflow.StatusDraft, workflow.StatusAccepted, 0, citizen, nil),
	}
	f.Case.Status, f.Case.Decision = workflow.StatusAccepted, nil
	b, err := province.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Accept) != 1 || !b.Accept[0].AcceptDate.Equal(t0) || len(b.Result) != 0 {
		t.Errorf("a trust-first case accepted on submission = %+v", b)
	}
}

func TestBuildRecordsOnlineSubmission(t *testing.T) {
	f := facts()
	f.Case.Status, f.Case.Decision, f.Case.Reported, f.Case.Version = workflow.StatusSubmitted, nil, &workflow.ReportedState{Version: 2}, 2
	f.History = f.History[:2]
	b, err := province.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Process) != 1 || b.Process[0].EventName != province.ActionApply || len(b.Accept) != 0 || len(b.Result) != 0 {
		t.Errorf("a 网上申报 not yet accepted = %+v, want one 申报 process row and nothing else", b)
	}
	f.Case.SubmittedAt = time.Time{}
	if _, err := province.Build(f); !errors.Is(err, workflow.ErrPermanent) {
		t.Errorf("a draft built = %v, want a permanent refusal", err)
	}
}

func TestSendRecords(t *testing.T) {
	clk := newClock()
	p := newPlatform(t, sandbox.Config{Now: clk.Now})
	c := newClient(t, p, clk.Now)
	ctx := context.Background()
	f := facts()
	b, err := province.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendRecords(ctx, b); err != nil {
		t.Fatalf("send: %v", err)
	}
	rows := p.Rows(b.ProjectNo)
	if got, want := len(rows), len(b.Rows()); got != want {
		t.Fatalf("platform holds %d rows, want %d", got, want)
	}
	acc := rows[sandbox.RowKey{Table: province.TableAccept, RowGUID: b.ProjectNo + ":A"}]
	if acc.Version != 7 || acc.Fields["applyer_page_code"] != "330106199001011231" || acc.Fields["task_code"] != implCode {
		t.Errorf("held acceptance = %+v", acc)
	}

	t.Run("Idempotent", func(t *testing.T) {
		if err := c.SendRecords(ctx, b); err != nil {
			t.Fatal(err)
		}
		if got := len(p.Rows(b.ProjectNo)); got != len(b.Rows()) {
			t.Errorf("after a repeat the platform holds %d rows", got)
		}
	})
	t.Run("LatestWins", func(t *testing.T) {
		newer := f
		newer.Case.Reported = &workflow.ReportedState{Version: 9}
		nb, _ := province.Build(newer)
		nb.Result[0].Explain = "第九版"
		if err := c.SendRecords(ctx, nb); err != nil {
			t.Fatal(err)
		}
		if err := c.SendRecords(ctx, b); err != nil { // the older version, late
			t.Fatal(err)
		}
		res := p.Rows(b.ProjectNo)[sandbox.RowKey{Table: province.TableResult, RowGUID: b.ProjectNo + ":R"}]
		if res.Version != 9 || res.Fields["result_explain"] != "第九版" {
			t.Errorf("held result = v%d %v, want version 9", res.Version, res.Fields["result_explain"])
		}
		held, err := c.QueryRecords(ctx, []string{b.ProjectNo, "nothing"})
		if err != nil {
			t.Fatal(err)
		}
		if v := held[b.ProjectNo][province.RowKey{Table: province.TableResult, RowGUID: b.ProjectNo + ":R"}]; v != 9 {
			t.Errorf("queried result version = %d, want 9", v)
		}
		if len(held["nothing"]) != 0 {
			t.Errorf("an unknown case holds %v", held["nothing"])
		}
	})
}

// TestSandboxRefusesIncompleteRecords: the platform refuses a batch with a
// row that lacks a required field, or a code of the wrong length or value,
// with its error code and a message naming the field, and keeps nothing of it.
func TestSandboxRefusesIncompleteRecords(t *testing.T) {
	clk := newClock()
	p := newPlatform(t, sandbox.Config{Now: clk.Now})
	c := newClient(t, p, clk.Now)
	i := 0
	for _, tc := range []struct {
		name   string
		change func(*province.Batch)
		field  string
		msg    string
	}{
		{"NoApplicantName", func(b *province.Batch) { b.Accept[0].ApplicantName = "" }, "applyer_name", "申请人名称不能为空"},
		{"NoIDNumber", func(b *province.Batch) { b.Accept[0].ApplicantIDNumber = "" }, "applyer_page_code", "申请人证件号码不能为空"},
		{"ShortImplCode", func(b *province.Batch) { b.Accept[0].TaskCode = implCode[:30] }, "task_code", "实施编码长度应为31位"},
		{"ShortBasicCode", func(b *province.Batch) { b.Accept[0].CatalogCode = "0001720010" }, "catalog_code", "基本编码长度应为12位"},
		{"OrgCode", func(b *province.Batch) { b.Accept[0].OrgCode = "scjgj" }, "org_code", "受理部门编码长度应为18位"},
		{"UnknownAction", func(b *province.Batch) { b.Process[0].EventName = "77" }, "event_name", `业务动作取值"77"不在代码表中`},
		{"NoOpinion", func(b *province.Batch) { b.Process[2].Opinion = "" }, "handle_explain", "办理意见不能为空"},
		{"NoResultType", func(b *province.Batch) { b.Result[0].ResultType = "" }, "result_type", "办结结果不能为空"},
		{"NoDataSource", func(b *province.Batch) { b.Material[0].DataSource = "" }, "data_source", "数据来源不能为空"},
		{"ImplNotOfDepartment", func(b *province.Batch) { b.Accept[0].OrgCode = "11330100002502345X" }, "task_code", "实施编码应由受理部门编码"},
	} {
		i++
		t.Run(tc.name, func(t *testing.T) {
			f := facts()
			f.Case.Number = fmt.Sprintf("%s20250901%06d", implCode, i)
			b, _ := province.Build(f)
			tc.change(&b)
			err := c.SendRecords(context.Background(), b)
			var ae *province.APIError
			if !errors.As(err, &ae) || ae.Code != province.CodeRecordInvalid || !strings.Contains(ae.Message, tc.field) ||
				!strings.Contains(ae.Message, tc.msg) || !errors.Is(err, workflow.ErrPermanent) {
				t.Fatalf("send = %v, want a permanent %s refusal naming %s: %s", err, province.CodeRecordInvalid, tc.field, tc.msg)
			}
			if n := len(p.Rows(b.ProjectNo)); n != 0 {
				t.Errorf("the platform kept %d rows of a refused batch", n)
			}
		})
	}
}

// TestRecordsNeedTheSignature: a batch carries the applicant's ID number,
// so the platform takes it only signed with the app secret.
func TestRecordsNeedTheSignature(t *testing.T) {
	clk := newClock()
	p := newPlatform(t, sandbox.Config{Now: clk.Now})
	forger := province.NewClient(p.URL, nil, province.Credentials{AppID: creds.AppID, Secret: creds.Secret},
		province.Options{HTTP: fastHTTP(), Now: func() time.Time { return clk.Now().Add(-10 * time.Minute) }})
	b, _ := province.Build(facts())
	err := forger.SendRecords(context.Background(), b)
	var ae *province.APIError
	if !errors.As(err, &ae) || ae.Code != "signature_invalid" {
		t.Fatalf("a batch signed ten minutes ago = %v, want signature_invalid", err)
	}
	if len(p.Rows(b.ProjectNo)) != 0 {
		t.Error("the platform kept rows of a stale signature")
	}
}
