package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// sanctionEnv is an App with the citizen API (czApp) and a clerk of scjgj
// at its counter.
type sanctionEnv struct {
	app   *App
	token string
	scan  string
	// reviewer decides what the clerk pursued (a second account).
	reviewerID, reviewer string
}

func newSanctionEnv(t *testing.T) *sanctionEnv {
	t.Helper()
	app, _ := czApp(t, staffTestEnv(nil))
	id := addStaff(t, app, "sanction.clerk", "scjgj", staff.RoleClerk, staff.RoleReviewer)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk, staff.RoleReviewer)
	rid := addStaff(t, app, "sanction.reviewer", "scjgj", staff.RoleReviewer)
	return &sanctionEnv{app: app, token: token, scan: counterScan(t, app, token),
		reviewerID: rid, reviewer: staffToken(t, app, rid, "scjgj", staff.RoleReviewer)}
}

// letter scans a commitment letter signed for the intake with key.
func (e *sanctionEnv) letter(t *testing.T, key string) string {
	t.Helper()
	return counterScanOf(t, e.app, e.token, []byte("%PDF-1.4\n告知承诺书 申请人签字 "+key))
}

// intake registers 张三 at the counter for the approve-on-commit item, with
// the commitment signed, and returns the case as answered.
func (e *sanctionEnv) intake(t *testing.T, key string) map[string]any {
	t.Helper()
	code, body := callWithKey(t, e.app, "/api/v1/staff/intake", e.token, key, map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": e.scan}, {"code": "jycssyzm", "source": "upload", "ref": e.scan}},
		"commitment_signed": true, "commitment_letter": e.letter(t, key), "delivery": map[string]string{"method": "electronic"},
	})
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, body)
	}
	return body["case"].(map[string]any)
}

// revokedAtCounter registers 张三 as a walk-in applicant, has the case
// approved on the commitment and fails its verification on completion:
// the decision is revoked for a false commitment.
func (e *sanctionEnv) revokedAtCounter(t *testing.T) workflow.Case {
	t.Helper()
	return e.revokedAtCounterWith(t, "intake-sanction-0001")
}

// revokedAtCounterWith is revokedAtCounter with the intake's key.
func (e *sanctionEnv) revokedAtCounterWith(t *testing.T, key string) workflow.Case {
	t.Helper()
	cs := e.intake(t, key)
	if cs["status"] != "approved" {
		t.Fatalf("counter case = %v, want approved on the commitment", cs)
	}
	base := "/api/v1/staff/cases/" + cs["id"].(string)
	if code, body := call(t, e.app, http.MethodPost, base+"/dispatch", e.token, map[string]any{}); code != http.StatusOK || body["status"] != "verifying" {
		t.Fatalf("dispatch = %d %v", code, body)
	}
	code, body := call(t, e.app, http.MethodPost, base+"/verification", e.token, map[string]any{
		"results": []map[string]any{{"material": "jycssyzm", "passed": false, "note": "经营场所使用证明与实际不符"}}})
	if code != http.StatusOK || body["status"] != "commitment_review" {
		t.Fatalf("failed verification = %d %v, want under review", code, body)
	}
	// Due process: rectification ordered, the walk-in states at the counter
	// that they cannot rectify and signs it, the clerk hands the case to a
	// reviewer, who revokes.
	signed := counterScanOf(t, e.app, e.token, []byte("%PDF-1.4\n陈述申辩书 申请人签字 "+key))
	for _, step := range []struct {
		path, token string
		body        map[string]any
		want        string
	}{
		{"/breach/rectification", e.token, map[string]any{"reason": "经营场所使用证明与实际不符", "legal_basis": "国办发〔2020〕42号", "days": 5}, "rectifying"},
		{"/breach/statement", e.token, map[string]any{"text": "申请人当面陈述：无法提供真实的场所使用证明", "final": true, "signed_scan": signed}, "rectifying"},
		{"/hand-over", e.token, map[string]any{"to_staff_id": e.reviewerID, "reason": "提请审核"}, ""},
		{"/breach/decision", e.reviewer, map[string]any{"outcome": "revoked", "reason": "承诺不实", "legal_basis": "《中华人民共和国行政许可法》第六十九条", "false_commitment": true}, "revoked"},
	} {
		if code, body := call(t, e.app, http.MethodPost, base+step.path, step.token, step.body); code != http.StatusOK || (step.want != "" && body["status"] != step.want) {
			t.Fatalf("%s = %d %v, want %s", step.path, code, body, step.want)
		}
	}
	c, err := e.app.svc.Get(context.Background(), cs["id"].(string))
	if err != nil || !c.FalseCommitment || !staff.IsWalkin(c.ApplicantID) {
		t.Fatalf("revoked case = %+v, %v; want a walk-in's false commitment", c, err)
	}
	return c
}

// citizen logs 张三 in on WeChat, binds the real name and proves it with a
// face check, as trust first needs.
func (e *sanctionEnv) citizen(t *testing.T) *czClient {
	t.Helper()
	wx := newCZClient(t, e.app)
	openID := "o-sanction-" + time.Now().Format("150405.000000")
	wx.login("wechat", e.app.parties.sandboxes.channels.wechat.LoginCode(openID, ""))
	wx.verify(e.app, openID, "张三", basedatasb.ZhangSanID)
	return wx
}

// wantOrdinary fails unless the submission took the ordinary path because
// of an earlier false commitment.
func wantOrdinary(t *testing.T, what string, cs czCase) {
	t.Helper()
	if cs.TrustFirst || cs.Status != "submitted" || cs.Path == nil || cs.Path.Reason != string(workflow.PathPriorFalseCommitment) {
		t.Errorf("%s: case %s, trust first %v, path %+v; want the ordinary path for a prior false commitment", what, cs.Status, cs.TrustFirst, cs.Path)
	}
}

// TestSanctionFollowsThePersonFromCounterToMiniProgram: a person whose
// commitment at the counter proved false, as a walk-in applicant, then
// binds their real name in the mini program and applies: the false
// commitment follows them, and they are not trusted first.
func TestSanctionFollowsThePersonFromCounterToMiniProgram(t *testing.T) {
	e := newSanctionEnv(t)
	e.revokedAtCounter(t)
	wx := e.citizen(t)
	cs, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "sanction-submit-0001")
	wantOrdinary(t, "mini program after a false commitment at the counter", cs)
}

// TestLibraryFalseCommitmentsCount: the credit library holds a false
// commitment of the person this product never recorded (another city's,
// another system's): the submission is not trusted first, online or at the
// counter.
func TestLibraryFalseCommitmentsCount(t *testing.T) {
	e := newSanctionEnv(t)
	ctx := context.Background()
	elsewhere := workflow.RecordFalseCommitment{CaseID: "elsewhere-1", Number: "ZJ2026110200017", ApplicantID: "elsewhere",
		ItemCode: "scjgj-gtgshsldj", Department: "scjgj", Code: string(workflow.EndVerificationFailed),
		Reason: "承诺内容与实际情况不符", At: time.Now().Add(-24 * time.Hour)}
	if err := e.app.parties.credit.RecordFalseCommitment(ctx, elsewhere, basedatasb.ZhangSanID); err != nil {
		t.Fatalf("record in the library: %v", err)
	}
	wx := e.citizen(t)
	cs, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "sanction-submit-0002")
	wantOrdinary(t, "mini program with a false commitment in the library", cs)

	counter := e.intake(t, "intake-sanction-0002")
	if counter["status"] != "submitted" || counter["trust_first"] == true {
		t.Errorf("counter case = %v, want submitted on the ordinary path", counter)
	}
}

// TestCreditRepairRestoresTrustFirst: after the false commitment at the
// counter reached the credit library, the credit authority completes the
// person's credit repair (信用修复); the library reports it, the false
// commitments before it no longer count, and the person is trusted first
// again, online and at the counter.
func TestCreditRepairRestoresTrustFirst(t *testing.T) {
	e := newSanctionEnv(t)
	revoked := e.revokedAtCounter(t)
	lib := e.app.parties.sandboxes.credit
	eventually(t, 10*time.Second, "the false commitment in the credit library", func() bool {
		for _, r := range lib.Records() {
			if r.CaseNumber == revoked.Number && r.SubjectID == basedatasb.ZhangSanID {
				return true
			}
		}
		return false
	})
	wx := e.citizen(t)
	before, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "sanction-submit-0003")
	wantOrdinary(t, "before the repair", before)

	time.Sleep(10 * time.Millisecond) // the repair comes after the revocation
	lib.Repair(basedatasb.ZhangSanID, "杭州市信用办")
	after, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "sanction-submit-0004")
	if !after.TrustFirst || after.Status != "accepted" || after.Path == nil || after.Path.Reason != string(workflow.PathTrustFirst) {
		t.Errorf("after the repair: case %s, trust first %v, path %+v; want trusted first", after.Status, after.TrustFirst, after.Path)
	}
	counter := e.intake(t, "intake-sanction-0003")
	if counter["status"] != "approved" || counter["trust_first"] != true {
		t.Errorf("counter case after the repair = %v %v, want approved on the commitment", counter["status"], counter["trust_first"])
	}
}

// TestRevokedCaseIsEvaluatedByLink: a walk-in whose decision was revoked
// after due process rates the result stage through a one-time link.
func TestRevokedCaseIsEvaluatedByLink(t *testing.T) {
	e := newSanctionEnv(t)
	revoked := e.revokedAtCounter(t)
	link := issueLink(t, e.app, e.reviewer, revoked.ID, "result", "counter_qr")
	code, view := call(t, e.app, http.MethodGet, "/api/v1/evaluation-links/"+link, "", nil)
	if code != http.StatusOK || view["open"] != true {
		t.Fatalf("link view of the revoked case = %d %v", code, view)
	}
	code, body := call(t, e.app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{
		"stars": 2, "indicators": map[string]int{"service_attitude": 2}, "comment": "撤销前已听取陈述，但等待较久"})
	if code != http.StatusCreated || body["stage"] != "result" {
		t.Fatalf("rating of the revoked case = %d %v", code, body)
	}
}
