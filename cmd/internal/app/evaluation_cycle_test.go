package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/staff"
)

// counterCase takes a counter applicant's trust-first case from intake to
// closed through the staff API, the clerk (token) doing every step.
func counterCase(t *testing.T, app *App, token string, closeIt bool) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+app.Addr()+"/api/v1/staff/scans", bytes.NewReader([]byte("%PDF-1.4\nscan")))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var scan struct{ Key string }
	_ = json.NewDecoder(resp.Body).Decode(&scan)
	resp.Body.Close()
	code, body := callWithKey(t, app, "/api/v1/staff/intake", token, "intake-"+scan.Key, map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": scan.Key}, {"code": "jycssyzm", "source": "upload", "ref": scan.Key}},
		"commitment_signed": true, "delivery": map[string]string{"method": "electronic"},
		"commitment_letter": counterScanOf(t, app, token, []byte("%PDF-1.4\n告知承诺书 申请人签字 "+scan.Key)),
	})
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, body)
	}
	id := body["case"].(map[string]any)["id"].(string)
	if !closeIt {
		return id
	}
	base := "/api/v1/staff/cases/" + id
	if code, body := call(t, app, http.MethodPost, base+"/dispatch", token, map[string]any{}); code != http.StatusOK {
		t.Fatalf("dispatch = %d %v", code, body)
	}
	_, chk := call(t, app, http.MethodGet, base+"/verification/checks?material=jycssyzm", token, nil)
	if code, body := call(t, app, http.MethodPost, base+"/verification", token, map[string]any{
		"results": []map[string]any{{"material": "jycssyzm", "passed": true, "evidence": chk["evidence"]}}}); code != http.StatusOK || body["status"] != "closed" {
		t.Fatalf("verification = %d %v", code, body)
	}
	return id
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// issueLink has the clerk print a one-time evaluation link.
func issueLink(t *testing.T, app *App, token, caseID, stage, medium string) string {
	t.Helper()
	code, body := call(t, app, http.MethodPost, "/api/v1/staff/cases/"+caseID+"/evaluation-links", token,
		map[string]string{"stage": stage, "medium": medium})
	if code != http.StatusCreated {
		t.Fatalf("issue %s link = %d %v", stage, code, body)
	}
	return body["token"].(string)
}

// TestCounterApplicantEvaluatesByLink: a counter applicant, who has no
// mini program, rates the acceptance and the result through the one-time
// links printed on the notices; each link works once, each stage takes
// one rating however many arrive at once, and every rating names the clerk
// who served and the channel it came through.
func TestCounterApplicantEvaluatesByLink(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	ctx := context.Background()
	clerkID := addStaff(t, app, "eval.clerk", "scjgj", staff.RoleClerk)
	clerk := staffToken(t, app, clerkID, "scjgj", staff.RoleClerk)
	other := staffToken(t, app, addStaff(t, app, "gaj.clerk", "gaj", staff.RoleClerk), "gaj", staff.RoleClerk)
	caseID := counterCase(t, app, clerk, false)

	if code, body := call(t, app, http.MethodPost, "/api/v1/staff/cases/"+caseID+"/evaluation-links", other,
		map[string]string{"stage": "accept", "medium": "counter_qr"}); code == http.StatusCreated {
		t.Errorf("another department's clerk issued a link: %v", body)
	}
	if code, body := call(t, app, http.MethodPost, "/api/v1/staff/cases/"+caseID+"/evaluation-links", clerk,
		map[string]string{"stage": "accept", "medium": "fax"}); code != http.StatusUnprocessableEntity || errCode(body) != "invalid_medium" {
		t.Errorf("a link for fax = %d %v", code, body)
	}
	link := issueLink(t, app, clerk, caseID, "accept", "counter_qr")
	code, view := call(t, app, http.MethodGet, "/api/v1/evaluation-links/"+link, "", nil)
	if code != http.StatusOK || view["service"] != "offline" || view["open"] != true || len(view["indicators"].([]any)) != 3 {
		t.Fatalf("link view = %d %v", code, view)
	}
	raw, _ := json.Marshal(view)
	if strings.Contains(string(raw), "张三") || strings.Contains(string(raw), basedatasb.ZhangSanID) || strings.Contains(string(raw), "139") {
		t.Errorf("the link shows personal data: %s", raw)
	}
	if code, body := call(t, app, http.MethodGet, "/api/v1/evaluation-links/"+strings.Repeat("A", 43), "", nil); code != http.StatusNotFound || errCode(body) != "link_invalid" {
		t.Errorf("a guessed link = %d %v", code, body)
	}
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{
		"stars": 5, "indicators": map[string]int{"operability": 5}}); code != http.StatusUnprocessableEntity {
		t.Errorf("an online indicator on a counter case = %d %v", code, body)
	}
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{
		"stars": 5, "indicators": map[string]int{"service_attitude": 5}}); code != http.StatusCreated || body["channel"] != "counter_qr" || body["stage"] != "accept" {
		t.Fatalf("acceptance rating = %d %v", code, body)
	}
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{"stars": 1}); code != http.StatusNotFound || errCode(body) != "link_invalid" {
		t.Errorf("the link used again = %d %v", code, body)
	}

	// The result: two links (the printed result and an SMS) used at once.
	result := []string{issueLink(t, app, clerk, caseID, "result", "counter_qr"), issueLink(t, app, clerk, caseID, "result", "sms")}
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+result[0], "", map[string]any{"stars": 1}); code != http.StatusConflict || errCode(body) != "not_completed" {
		t.Errorf("a result rating before the end = %d %v", code, body)
	}
	closeCase(t, app, clerk, caseID)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	bodies := make([]map[string]any, 2)
	for i, l := range result {
		wg.Go(func() {
			codes[i], bodies[i] = call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+l, "", map[string]any{
				"stars": 1, "indicators": map[string]int{"service_efficiency": 1}, "comment": "窗口等候太久"})
		})
	}
	wg.Wait()
	won := 0
	for i := range codes {
		switch {
		case codes[i] == http.StatusCreated:
			won++
		case codes[i] != http.StatusConflict || errCode(bodies[i]) != "already_evaluated":
			t.Errorf("concurrent result rating = %d %v", codes[i], bodies[i])
		}
	}
	if won != 1 {
		t.Fatalf("%d result ratings stored, want 1: %v", won, bodies)
	}
	evals := models.NewEvaluations(app.db, app.sealer)
	for _, st := range []feedback.Stage{feedback.StageAccept, feedback.StageResult} {
		e, err := evals.Get(ctx, caseID, st)
		if err != nil || e.AcceptedBy != clerkID || e.Service != feedback.ServiceOffline {
			t.Errorf("%s rating = %+v, %v; want served by %s at the counter", st, e, err, clerkID)
		}
	}
	if e, _ := evals.Get(ctx, caseID, feedback.StageResult); e.DecidedBy != clerkID || e.Comment != "窗口等候太久" {
		t.Errorf("result rating = %+v, want decided by %s", e, clerkID)
	}
	if f, err := evals.FollowupOf(ctx, caseID, feedback.StageResult); err != nil || f.Status != feedback.FollowupOpen {
		t.Errorf("the bad result rating opened %+v, %v", f, err)
	}
}

// closeCase takes an approved counter case to closed.
func closeCase(t *testing.T, app *App, token, id string) {
	t.Helper()
	base := "/api/v1/staff/cases/" + id
	if code, body := call(t, app, http.MethodPost, base+"/dispatch", token, map[string]any{}); code != http.StatusOK {
		t.Fatalf("dispatch = %d %v", code, body)
	}
	_, chk := call(t, app, http.MethodGet, base+"/verification/checks?material=jycssyzm", token, nil)
	if code, body := call(t, app, http.MethodPost, base+"/verification", token, map[string]any{
		"results": []map[string]any{{"material": "jycssyzm", "passed": true, "evidence": chk["evidence"]}}}); code != http.StatusOK || body["status"] != "closed" {
		t.Fatalf("verification = %d %v", code, body)
	}
}

// TestBadRatingCycle: a bad rating is contacted, verified, rectified and
// answered in that order, each step audited in the case's staff log; an
// appeal is reviewed by someone other than the appellant; a late step
// warns the supervisors; the published figures count it, with no
// personal data.
func TestBadRatingCycle(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	clerkID := addStaff(t, app, "cyc.clerk", "scjgj", staff.RoleClerk)
	clerk := staffToken(t, app, clerkID, "scjgj", staff.RoleClerk)
	supID := addStaff(t, app, "cyc.sup", "scjgj", staff.RoleSupervisor)
	sup := staffToken(t, app, supID, "scjgj", staff.RoleSupervisor)
	sup2 := staffToken(t, app, addStaff(t, app, "cyc.sup2", "scjgj", staff.RoleSupervisor), "scjgj", staff.RoleSupervisor)
	caseID := counterCase(t, app, clerk, true)
	sb := app.parties.sandboxes.goodbad
	sb.Faults().FailNext(1, http.StatusServiceUnavailable) // the first report fails; the outbox retries it
	link := issueLink(t, app, clerk, caseID, "result", "pad")
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{"stars": 2, "comment": "态度差"}); code != http.StatusCreated || body["followup_due"] == nil {
		t.Fatalf("bad rating = %d %v", code, body)
	}
	_, list := call(t, app, http.MethodGet, "/api/v1/staff/followups", sup, nil)
	items, _ := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("follow-ups = %v", list)
	}
	fid := items[0].(map[string]any)["id"].(string)
	path := "/api/v1/staff/followups/" + fid
	step := func(token, name, finding string) (int, map[string]any) {
		return call(t, app, http.MethodPost, path+"/steps", token, map[string]string{"step": name, "note": "已电话联系评价人", "finding": finding})
	}
	if code, body := call(t, app, http.MethodPost, path+"/close", sup, map[string]string{"resolution": "已处理"}); code != http.StatusConflict || errCode(body) != "step_out_of_order" {
		t.Errorf("closing before contact = %d %v", code, body)
	}
	if code, body := step(clerk, "contact", ""); code != http.StatusForbidden {
		t.Errorf("a clerk's step = %d %v", code, body)
	}
	if code, body := step(sup, "contact", ""); code != http.StatusOK || body["status"] != "contacted" {
		t.Fatalf("contact = %d %v", code, body)
	}

	// The verification is late: the supervisors are warned once.
	var late any = time.Now().Add(-time.Hour).UTC()
	if app.db.Dialect() != models.DialectPostgres {
		late = late.(time.Time).Format("2006-01-02T15:04:05.000000Z")
	}
	if n := app.db.Gorm().Exec(`UPDATE evaluation_followups SET step_due_at = ? WHERE id = ?`, late, fid).RowsAffected; n != 1 {
		t.Fatalf("made %d follow-ups late", n)
	}
	eventually(t, 15*time.Second, "the late step in the supervisors' feed", func() bool {
		_, body := call(t, app, http.MethodGet, "/api/v1/staff/supervision", sup, nil)
		alerts, _ := body["alerts"].([]any)
		for _, a := range alerts {
			if a.(map[string]any)["case_id"] == caseID && strings.Contains(a.(map[string]any)["reason"].(string), "核实") {
				return true
			}
		}
		return false
	})

	if code, body := call(t, app, http.MethodPost, path+"/appeal", sup, map[string]string{"reason": "评价人当场辱骂窗口人员，与服务无关"}); code != http.StatusOK || body["status"] != "appealed" {
		t.Fatalf("appeal = %d %v", code, body)
	}
	if code, body := call(t, app, http.MethodPost, path+"/review", sup, map[string]any{"exclude": true, "note": "同意"}); code != http.StatusForbidden || errCode(body) != "own_appeal" {
		t.Errorf("the appellant's own review = %d %v", code, body)
	}
	if code, body := call(t, app, http.MethodPost, path+"/review", sup2, map[string]any{"exclude": false, "note": "评价针对服务态度，维持"}); code != http.StatusOK || body["status"] != "contacted" {
		t.Fatalf("review = %d %v", code, body)
	}
	for _, s := range []string{"verify", "rectify", "feedback"} {
		if code, body := step(sup, s, "founded"); code != http.StatusOK {
			t.Fatalf("%s = %d %v", s, code, body)
		}
	}
	code, got := call(t, app, http.MethodGet, path, sup, nil)
	if f := got["followup"].(map[string]any); code != http.StatusOK || f["status"] != "closed" || len(got["steps"].([]any)) != 6 {
		t.Fatalf("follow-up = %d %v", code, got)
	}
	log, err := models.NewStaffStore(app.db).StaffLog(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if strings.HasPrefix(string(e.Action), "evaluation_") {
			actions = append(actions, string(e.Action)+":"+e.StaffID)
		}
	}
	if want := "evaluation_contact:" + supID; len(actions) != 7 || actions[0] != "evaluation_link:"+clerkID || actions[1] != want {
		t.Errorf("audited steps = %v", actions)
	}

	// The provincial 好差评 system holds the rating and its outcome, once.
	evalID := caseID + ":result"
	eventually(t, 15*time.Second, "the rectified rating in the provincial system", func() bool {
		return sb.Records()[evalID].Version == 2
	})
	rec := sb.Records()[evalID]
	if rec.Level != 2 || rec.Channel != "pad" || rec.Service != "offline" || rec.StaffID == "" || !strings.Contains(string(rec.Rectification), `"on_time":true`) {
		t.Errorf("reported = %+v %s", rec, rec.Rectification)
	}
	if bytes.Contains(mustJSON(t, rec), []byte("态度差")) || bytes.Contains(mustJSON(t, rec), []byte("张三")) {
		t.Errorf("the report carries the comment or the applicant: %+v", rec)
	}
	r, err := app.citizen.deps.Evaluations.ReportOf(context.Background(), caseID, feedback.StageResult)
	if err != nil {
		t.Fatal(err)
	}
	before := sb.Counts()[evalID]
	if a, err := app.parties.goodbad.Report(context.Background(), r); err != nil || a.Result != "duplicate" {
		t.Errorf("a replayed report = %+v, %v; want a duplicate", a, err)
	}
	if after := sb.Counts()[evalID]; after.Created != 1 || after.Replaced != before.Replaced || after.Duplicates != before.Duplicates+1 {
		t.Errorf("counts %+v after %+v: a replay changed the holding", after, before)
	}
	r.CaseNumber = ""
	r.Version = 3
	if _, err := app.parties.goodbad.Report(context.Background(), r); !errors.Is(err, workflow.ErrPermanent) || !strings.Contains(err.Error(), "case_number") {
		t.Errorf("a record without its case number = %v, want a permanent refusal naming case_number", err)
	}

	code, stats := call(t, app, http.MethodGet, "/api/v1/evaluation-stats?limit=10", "", nil)
	rows, _ := stats["items"].([]any)
	if code != http.StatusOK || len(rows) != 1 {
		t.Fatalf("stats = %d %v", code, stats)
	}
	if r := rows[0].(map[string]any); r["item_code"] != "scjgj-gtgshsldj" || r["ratings"].(float64) != 1 || r["bad"].(float64) != 1 ||
		r["rectified_on_time"].(float64) != 1 || r["bad_share"].(float64) != 1 || r["item_name"] == "" {
		t.Errorf("stats row = %v", r)
	}
	raw, _ := json.Marshal(stats)
	if strings.Contains(string(raw), "态度差") || strings.Contains(string(raw), caseID) {
		t.Errorf("the statistics show a rating: %s", raw)
	}
}
