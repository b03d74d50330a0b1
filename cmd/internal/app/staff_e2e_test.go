package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
)

// TestCounterIntakeToVerification registers a walk-in applicant at the
// counter against the population library sandbox, scans a material, lets
// the approve-on-commit item be approved on the signed commitment, issues
// the result, checks the materials against the e-license and population
// library sandboxes and records the verification, which closes the case.
func TestCounterIntakeToVerification(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	id := addStaff(t, app, "counter.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)

	req, err := http.NewRequest(http.MethodPost, "http://"+app.Addr()+"/api/v1/staff/scans",
		bytes.NewReader(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2<<20)...))) // a scan over the 1 MiB general body limit
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var scan struct{ Key, SM3 string }
	_ = json.NewDecoder(resp.Body).Decode(&scan)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || scan.Key == "" || scan.SM3 == "" {
		t.Fatalf("scan = %d %+v", resp.StatusCode, scan)
	}
	intake := func(name, idNumber string) (int, map[string]any) {
		return callWithKey(t, app, "/api/v1/staff/intake", token, "intake-"+idNumber, map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": name, "id_number": idNumber, "phone": "13900001111"},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": scan.Key}, {"code": "jycssyzm", "source": "upload", "ref": scan.Key}},
			"commitment_signed": true, "commitment_letter": scan.Key, "delivery": map[string]string{"method": "electronic"},
		})
	}
	for name, tc := range map[string]struct{ name, id, code string }{
		"Mismatch": {"李四", basedatasb.ZhangSanID, "real_name_mismatch"},
		"Unknown":  {"赵六", basedatasb.UnknownID, "real_name_unknown"},
	} {
		code, body := intake(tc.name, tc.id)
		if e, _ := body["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["code"] != tc.code {
			t.Errorf("%s: intake = %d %v, want 422 %s", name, code, body, tc.code)
		}
	}
	code, body := intake("张三", basedatasb.ZhangSanID)
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, body)
	}
	cs := body["case"].(map[string]any)
	caseID := cs["id"].(string)
	if cs["status"] != "approved" || cs["channel"] != "counter" || !strings.HasPrefix(cs["number"].(string), "11330100002501234W3000172001000") {
		t.Fatalf("intake case = %v", cs)
	}
	// 办件编号: the item's 实施编码, the day in China Standard Time, a
	// six-digit sequence of the item's day.
	if n, day := cs["number"].(string), time.Now().In(workflow.CST()).Format("20060102"); len(n) != 45 || n[31:39] != day {
		t.Errorf("case number %s is not 实施编码 + %s + sequence", n, day)
	}
	// The same person again is the same applicant.
	c1, _ := app.svc.Get(context.Background(), caseID)
	_, again := intake("张三", basedatasb.ZhangSanID)
	c2, _ := app.svc.Get(context.Background(), again["case"].(map[string]any)["id"].(string))
	if c1.ApplicantID == "" || c1.ApplicantID != c2.ApplicantID {
		t.Errorf("applicants %q and %q, want one person", c1.ApplicantID, c2.ApplicantID)
	}
	raw, err := app.db.Gorm().Raw(`SELECT id_sealed || name_sealed || phone_sealed FROM counter_applicants`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	for raw.Next() {
		var s string
		_ = raw.Scan(&s)
		if strings.Contains(s, basedatasb.ZhangSanID) || strings.Contains(s, "张三") || strings.Contains(s, "13900001111") {
			t.Error("the applicant's identity is stored in clear")
		}
	}
	raw.Close()

	base := "/api/v1/staff/cases/" + caseID
	if code, body := call(t, app, http.MethodPost, base+"/dispatch", token, map[string]any{}); code != http.StatusOK || body["status"] != "verifying" {
		t.Fatalf("dispatch = %d %v", code, body)
	}
	code, chk := call(t, app, http.MethodGet, base+"/verification/checks?material=jycssyzm", token, nil)
	if code != http.StatusOK || chk["found"] != true || !strings.HasPrefix(chk["evidence"].(string), "elicense:1.2.156.3005.2.") {
		t.Fatalf("e-license check = %d %v", code, chk)
	}
	if code, id := call(t, app, http.MethodGet, base+"/verification/checks?material=jyzsfzm", token, nil); code != http.StatusOK || id["found"] != true {
		t.Errorf("population check = %d %v", code, id)
	}
	code, body = call(t, app, http.MethodPost, base+"/verification", token, map[string]any{
		"results": []map[string]any{{"material": "jycssyzm", "passed": true, "evidence": chk["evidence"]}}})
	if code != http.StatusOK || body["status"] != "closed" {
		t.Fatalf("verification = %d %v", code, body)
	}
}

// TestSupervisorSeesCardsAndAlerts makes a case overdue: the timers turn
// its card red, the warn_supervisor effect lands in the supervisors' feed,
// and the supervisor view counts it against the clerk who holds it.
func TestSupervisorSeesCardsAndAlerts(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	clerk := addStaff(t, app, "late.clerk", "scjgj", staff.RoleClerk)
	sup := addStaff(t, app, "the.supervisor", "scjgj", staff.RoleSupervisor)
	c := submitAt(t, app, "late-1", "scjgj-spjyxk", true, time.Now().AddDate(0, 0, -20))
	clerkToken := staffToken(t, app, clerk, "scjgj", staff.RoleClerk)
	if code, body := call(t, app, http.MethodPost, "/api/v1/staff/cases/"+c.ID+"/claim", clerkToken, nil); code != http.StatusOK {
		t.Fatalf("claim = %d %v", code, body)
	}
	token := staffToken(t, app, sup, "scjgj", staff.RoleSupervisor)
	var body map[string]any
	eventually(t, 15*time.Second, "the red card in the supervisors' feed and workloads", func() bool {
		_, body = call(t, app, http.MethodGet, "/api/v1/staff/supervision", token, nil)
		alerts, _ := body["alerts"].([]any)
		work, _ := body["workloads"].([]any)
		return len(alerts) > 0 && len(work) > 0
	})
	alert := body["alerts"].([]any)[0].(map[string]any)
	if alert["case_id"] != c.ID || alert["card"] != string(workflow.CardRed) {
		t.Errorf("alert = %v", alert)
	}
	w := body["workloads"].([]any)
	if len(w) != 1 || w[0].(map[string]any)["staff_id"] != clerk || w[0].(map[string]any)["red"].(float64) != 1 {
		t.Errorf("workloads = %v", w)
	}
}

var generatedPassword = regexp.MustCompile(`password: (\S+)`)

// TestStaffAddCommand opens the first administrator with `zerovisit staff
// add`, who then signs in to the running service.
func TestStaffAddCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"ZEROVISIT_ADDR":                      "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL":              filepath.Join(dir, "zv.db"),
		"ZEROVISIT_LOG_LEVEL":                 "error",
		"ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB": "64",
		"ZEROVISIT_STAFF_PASSWORD_TIME":       "1",
	}
	var out bytes.Buffer
	args := []string{"staff", "add", "--username", "root.admin", "--name", "系统管理员", "--roles", "administrator"}
	if err := run(context.Background(), args, envOf(env), &out, io.Discard); err != nil {
		t.Fatalf("staff add: %v", err)
	}
	m := generatedPassword.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no generated password in %q", out.String())
	}
	if err := run(context.Background(), args, envOf(env), io.Discard, io.Discard); err == nil {
		t.Error("a second account with the same username was added")
	}
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("clerk-password-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clerkArgs := []string{"staff", "add", "--username", "li.clerk", "--name", "李窗口", "--roles", "clerk", "--password-file", pwFile}
	if err := run(context.Background(), clerkArgs, envOf(env), io.Discard, io.Discard); err == nil {
		t.Error("a clerk without a department was added")
	}
	if err := run(context.Background(), append(clerkArgs, "--department", "scjgj"), envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatalf("staff add clerk: %v", err)
	}

	base, _, stop := startServe(t, env)
	defer func() { _ = stop() }()
	for user, pw := range map[string]string{"root.admin": m[1], "li.clerk": "clerk-password-1"} {
		b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
		resp, err := http.Post(base+"/api/v1/staff/login", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("login %s = %d %v", user, resp.StatusCode, got)
		}
	}
}
