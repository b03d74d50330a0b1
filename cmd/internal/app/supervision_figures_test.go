package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// figuresCases opens a known set of cases in scjgj: two approved and one
// rejected inside the last 30 days (one of them late), one decided 40 days
// ago (outside the default period), and one accepted 20 days ago and still
// open (overdue, held by the first clerk). It returns the clerks' ids and the
// open case. The app's timers must be slow (figuresEnv): a backdated
// decision is refused after a timer's event of today. Only the open case is
// made when decided is false.
func figuresCases(t *testing.T, app *App, decided bool) (wang, li string, open workflow.Case) {
	t.Helper()
	wang = addStaff(t, app, "wang.clerk", "scjgj", staff.RoleClerk)
	li = addStaff(t, app, "li.clerk", "scjgj", staff.RoleClerk)
	now := time.Now()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	decide := func(id, item string, accepted time.Time, acceptor string, decided time.Time, decider string, approve bool) {
		t.Helper()
		c := submitAt(t, app, id, item, false, accepted.Add(-time.Hour))
		ctx := context.Background()
		if _, err := app.svc.Do(ctx, c.ID, workflow.Accept{Meta: workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: acceptor}, At: accepted}}, nil); err != nil {
			t.Fatal(err)
		}
		if decider == "" {
			return
		}
		m := workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: decider}, At: decided}
		var ev workflow.Event = workflow.Approve{Meta: m}
		if !approve {
			ev = workflow.Reject{Meta: m, Reason: "材料不符合要求", LegalBasis: "《中华人民共和国行政许可法》第三十八条"}
		}
		if _, err := app.svc.Do(ctx, c.ID, ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if decided {
		decideAll(decide, day)
	}
	decide("fig-e", "scjgj-spjyxk", day(20), wang, time.Time{}, "", false)
	c, err := app.svc.Get(context.Background(), "fig-e")
	if err != nil {
		t.Fatal(err)
	}
	return wang, li, c
}

// figuresEnv runs the timers hourly, on PostgreSQL when TEST_DATABASE_URL
// is set.
func figuresEnv(t *testing.T) map[string]string {
	return staffTestEnv(map[string]string{"ZEROVISIT_WORKER_TIMER_INTERVAL": "1h", "ZEROVISIT_DATABASE_URL": testDatabaseURL(t)})
}

func decideAll(decide func(id, item string, accepted time.Time, acceptor string, decided time.Time, decider string, approve bool), day func(int) time.Time) {
	wang, li := "st-wang.clerk", "st-li.clerk"
	decide("fig-a", "scjgj-spjyxk", day(20), wang, day(20).Add(2*time.Hour), wang, true)
	decide("fig-b", "scjgj-spjyxk", day(20), wang, day(2), li, true)
	decide("fig-c", "scjgj-gtgshsldj", day(10), li, day(10).Add(time.Hour), li, false)
	decide("fig-d", "scjgj-spjyxk", day(45), wang, day(40), wang, true)
}

func rowOf(t *testing.T, list any, key, want string) map[string]any {
	t.Helper()
	items, _ := list.([]any)
	for _, it := range items {
		if m := it.(map[string]any); m[key] == want {
			return m
		}
	}
	t.Fatalf("no %s = %s in %v", key, want, list)
	return nil
}

// TestSupervisionStatsDefaultsAndFigures checks the statistics against a
// known set of cases: the default period is the last 30 days up to today
// (no future day drawn), shares are null when nothing was decided, and the
// figures come per clerk and per item.
func TestSupervisionStatsDefaultsAndFigures(t *testing.T) {
	app := openTestApp(t, noHolders{}, figuresEnv(t))
	wang, li, _ := figuresCases(t, app, true)
	sup := staffToken(t, app, addStaff(t, app, "fig.supervisor", "scjgj", staff.RoleSupervisor), "scjgj", staff.RoleSupervisor)
	today := workflow.DateOf(time.Now())

	code, st := call(t, app, http.MethodGet, "/api/v1/staff/stats", sup, nil)
	if code != http.StatusOK {
		t.Fatalf("stats = %d %v", code, st)
	}
	if st["from"] != today.AddDays(-29).String() || st["to"] != today.String() {
		t.Errorf("default period = %v to %v, want the last 30 days to %s", st["from"], st["to"], today)
	}
	daily, _ := st["daily"].([]any)
	if len(daily) != 30 || daily[len(daily)-1].(map[string]any)["date"] != today.String() {
		t.Errorf("daily = %d days, last %v; want 30 ending today", len(daily), daily[len(daily)-1])
	}
	d := rowOf(t, st["departments"], "department", "scjgj")
	if d["decided"] != 3.0 || d["approved"] != 2.0 || d["rejected"] != 1.0 || d["on_time"] != 2.0 {
		t.Errorf("scjgj figures = %v, want 3 decided (2 approved, 1 rejected), 2 on time", d)
	}
	if s, _ := d["on_time_share"].(float64); s < 0.66 || s > 0.67 {
		t.Errorf("on_time_share = %v, want 2/3", d["on_time_share"])
	}

	cal := app.svc.Engine().Calendar()
	now := time.Now()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	wangRow := rowOf(t, st["clerks"], "staff_id", wang)
	if wangRow["staff_name"] != "wang.clerk" || wangRow["decided"] != 1.0 || wangRow["on_time"] != 1.0 {
		t.Errorf("wang's figures = %v", wangRow)
	}
	liRow := rowOf(t, st["clerks"], "staff_id", li)
	if liRow["staff_name"] != "li.clerk" || liRow["decided"] != 2.0 || liRow["on_time"] != 1.0 {
		t.Errorf("li's figures = %v", liRow)
	}
	wantLi := float64(cal.WorkingDaysBetween(day(20), day(2))+cal.WorkingDaysBetween(day(10), day(10).Add(time.Hour))) / 2
	if liRow["avg_working_days"] != wantLi {
		t.Errorf("li's average = %v, want %v", liRow["avg_working_days"], wantLi)
	}
	item := rowOf(t, st["items"], "item_code", "scjgj-spjyxk")
	if item["item_name"] == "" || item["decided"] != 2.0 || item["on_time"] != 1.0 || item["department"] != "scjgj" {
		t.Errorf("item figures = %v", item)
	}
	if rowOf(t, st["items"], "item_code", "scjgj-gtgshsldj")["decided"] != 1.0 {
		t.Errorf("items = %v", st["items"])
	}

	// A quiet day: nothing decided, so no share at all (not 0%).
	q := day(5).Format("2006-01-02")
	code, quiet := call(t, app, http.MethodGet, "/api/v1/staff/stats?from="+q+"&to="+q, sup, nil)
	if code != http.StatusOK {
		t.Fatalf("quiet stats = %d %v", code, quiet)
	}
	if v, ok := quiet["total"].(map[string]any)["on_time_share"]; !ok || v != nil {
		t.Errorf("on_time_share with nothing decided = %v (present %v), want null", v, ok)
	}

	// A period reaching into the future draws no future day.
	fut := today.AddDays(10).String()
	_, ahead := call(t, app, http.MethodGet, "/api/v1/staff/stats?from="+today.AddDays(-2).String()+"&to="+fut, sup, nil)
	if days, _ := ahead["daily"].([]any); len(days) != 3 || ahead["to"] != today.String() {
		t.Errorf("future period: %d days, to %v; want 3 days to today", len(days), ahead["to"])
	}
}

// TestSupervisionOverdueDays shows how many working days the overdue case is
// late by.
func TestSupervisionOverdueDays(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	_, _, open := figuresCases(t, app, false)
	sup := staffToken(t, app, addStaff(t, app, "od.supervisor", "scjgj", staff.RoleSupervisor), "scjgj", staff.RoleSupervisor)
	want := app.svc.Engine().Calendar().WorkingDaysBetween(open.Deadline, time.Now())
	if want < 1 {
		t.Fatalf("the open case is not overdue: deadline %v", open.Deadline)
	}
	var body map[string]any
	eventually(t, 15*time.Second, "the overdue case in the supervision view", func() bool {
		_, body = call(t, app, http.MethodGet, "/api/v1/staff/supervision", sup, nil)
		cases, _ := body["cases"].([]any)
		return len(cases) > 0
	})
	c := rowOf(t, body["cases"], "id", open.ID)
	if c["overdue_days"] != float64(want) {
		t.Errorf("overdue_days = %v, want %d", c["overdue_days"], want)
	}
}

// download fetches an export with the token.
func download(t *testing.T, app *App, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestStatsExport exports the statistics as CSV (with a BOM, for Excel) and
// XLSX (opened with the library: the expected sheets and rows), to
// supervisors only, over a bounded period.
func TestStatsExport(t *testing.T) {
	app := openTestApp(t, noHolders{}, figuresEnv(t))
	wang, _, _ := figuresCases(t, app, true)
	supID := addStaff(t, app, "ex.supervisor", "scjgj", staff.RoleSupervisor)
	sup := staffToken(t, app, supID, "scjgj", staff.RoleSupervisor)

	resp, b := download(t, app, "/api/v1/staff/stats/export?format=csv", sup)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv = %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Errorf("csv has no BOM: %q", b[:min(len(b), 20)])
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), ".csv") {
		t.Errorf("disposition = %q", resp.Header.Get("Content-Disposition"))
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"部门", "收件", "办结", "按时率", "承办人", "事项", "wang.clerk"} {
		if !strings.Contains(text, want) {
			t.Errorf("csv lacks %q:\n%s", want, text)
		}
	}
	if len(recs) < 5 {
		t.Errorf("csv rows = %v", recs)
	}

	resp, b = download(t, app, "/api/v1/staff/stats/export?format=xlsx", sup)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if strings.Join(sheets, ",") != "部门,承办人,事项,每日" {
		t.Errorf("sheets = %v", sheets)
	}
	rows, err := f.GetRows("承办人")
	if err != nil || len(rows) != 3 || rows[0][0] != "承办人" {
		t.Fatalf("clerk sheet = %v %v", rows, err)
	}
	found := false
	for _, row := range rows[1:] {
		if row[0] == "wang.clerk" && row[1] == "1" {
			found = true
		}
	}
	if !found {
		t.Errorf("clerk sheet lacks wang.clerk with 1 decision (%s): %v", wang, rows)
	}
	if daily, _ := f.GetRows("每日"); len(daily) != 31 {
		t.Errorf("daily sheet rows = %d, want a header and 30 days", len(daily))
	}

	// Clerks may not export; nor may anyone over more than 366 days.
	clerk := staffToken(t, app, wang, "scjgj", staff.RoleClerk)
	if resp, _ := download(t, app, "/api/v1/staff/stats/export?format=csv", clerk); resp.StatusCode != http.StatusForbidden {
		t.Errorf("clerk export = %d, want 403", resp.StatusCode)
	}
	if resp, b := download(t, app, "/api/v1/staff/stats/export?format=csv&from=2024-01-01&to=2025-06-30", sup); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("long export = %d %s, want 400", resp.StatusCode, b)
	}
	if resp, b := download(t, app, "/api/v1/staff/stats/export?format=pdf", sup); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("pdf export = %d %s, want 400", resp.StatusCode, b)
	}
}
