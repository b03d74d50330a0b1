package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
)

// caseEndpoints are every route on one case, with a body each accepts.
func caseEndpoints(id string) []struct {
	method, path string
	body         any
} {
	p := "/api/v1/staff/cases/" + id
	note := map[string]any{"note": "x"}
	return []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, p, nil},
		{http.MethodGet, p + "/timeline", nil},
		{http.MethodGet, p + "/materials/sqs", nil},
		{http.MethodGet, p + "/verification/checks?material=sqs", nil},
		{http.MethodPost, p + "/claim", nil},
		{http.MethodDelete, p + "/claim", nil},
		{http.MethodPost, p + "/hand-over", map[string]any{"to_staff_id": "id-clerk.ga", "reason": "x"}},
		{http.MethodPost, p + "/accept", note},
		{http.MethodPost, p + "/supplement", map[string]any{"items": []map[string]string{{"reason": "x"}}}},
		{http.MethodPost, p + "/approve", map[string]any{"opinion": "x"}},
		{http.MethodPost, p + "/reject", map[string]any{"reason": "x", "legal_basis": "y"}},
		{http.MethodPost, p + "/special-procedure", map[string]any{"kind": "hearing", "reason": "x", "days": 3}},
		{http.MethodPost, p + "/special-procedure/end", map[string]any{"outcome": "x"}},
		{http.MethodPost, p + "/transfer", map[string]any{"department": "gaj", "reason": "x"}},
		{http.MethodPost, p + "/dispatch", note},
		{http.MethodPost, p + "/verification", map[string]any{"results": []map[string]any{{"material": "x", "passed": true}}}},
		{http.MethodGet, p + "/notices/accepted", nil},
		{http.MethodGet, p + "/applicant", nil},
		{http.MethodGet, p + "/breach/evidence", nil},
		{http.MethodGet, p + "/breach/evidence/photos/abc", nil},
		{http.MethodPost, p + "/breach/clear", map[string]any{"finding": "x"}},
		{http.MethodPost, p + "/breach/rectification", map[string]any{"reason": "x", "legal_basis": "y", "days": 3}},
		{http.MethodPost, p + "/breach/decision", map[string]any{"outcome": "rectified", "reason": "x"}},
		{http.MethodPost, p + "/breach/statement", map[string]any{"text": "x"}},
		{http.MethodPost, p + "/reassign", map[string]any{"to_staff_id": "", "reason": "x"}},
		{http.MethodPost, p + "/evaluation-links", map[string]any{"stage": "accept", "medium": "counter_qr"}},
	}
}

// TestOtherDepartmentForbiddenOnEveryCaseEndpoint has a clerk (and a
// supervisor) of 公安 reach into a 市场监管 case through every case
// endpoint: each answers 403 and nothing changes. The table must name every
// registered case route, so a new one cannot be left out.
func TestOtherDepartmentForbiddenOnEveryCaseEndpoint(t *testing.T) {
	env := newStaffEnv(t)
	c := env.submit("scjgj-spjyxk", false)
	own := env.login("clerk.sc")
	if r := env.do(http.MethodPost, "/api/v1/staff/cases/"+c.ID+"/claim", own, nil); r.Code != http.StatusOK {
		t.Fatalf("own clerk claims = %d %s", r.Code, r.Raw)
	}
	before := env.get(c.ID)
	logBefore, _ := env.store.StaffLog(context.Background(), c.ID)

	covered := map[string]bool{}
	for _, ep := range caseEndpoints(c.ID) {
		route := strings.Replace(strings.SplitN(ep.path, "?", 2)[0], c.ID, ":id", 1)
		route = strings.Replace(route, "/materials/sqs", "/materials/:code", 1)
		route = strings.Replace(route, "/photos/abc", "/photos/:key", 1)
		route = strings.Replace(route, "/notices/accepted", "/notices/:kind", 1)
		covered[ep.method+" "+route] = true
	}
	for _, rt := range env.router.Routes() {
		if strings.HasPrefix(rt.Path, "/api/v1/staff/cases/:id") && !covered[rt.Method+" "+rt.Path] {
			t.Errorf("case route %s %s is not in the table", rt.Method, rt.Path)
		}
	}

	for _, who := range []string{"clerk.ga", "super.sc"} {
		token := env.login(who)
		for _, ep := range caseEndpoints(c.ID) {
			// The supervisor is of the case's department: reading and
			// reassigning are theirs (tested elsewhere); handling is not.
			if who == "super.sc" && (ep.method == http.MethodGet && !strings.Contains(ep.path, "/checks") || strings.HasSuffix(ep.path, "/reassign")) {
				continue
			}
			t.Run(who+" "+ep.method+" "+ep.path, func(t *testing.T) {
				r := env.do(ep.method, ep.path, token, ep.body)
				if r.Code != http.StatusForbidden {
					t.Fatalf("= %d %s, want 403", r.Code, r.Raw)
				}
				if who == "clerk.ga" && r.errCode() != "other_department" && r.errCode() != "role_required" {
					t.Errorf("code = %q", r.errCode())
				}
			})
		}
	}
	after := env.get(c.ID)
	if after.Version != before.Version || after.Department != "scjgj" {
		t.Errorf("the case changed: version %d -> %d, department %s", before.Version, after.Version, after.Department)
	}
	logAfter, _ := env.store.StaffLog(context.Background(), c.ID)
	if len(logAfter) != len(logBefore) {
		t.Errorf("staff log grew from %d to %d entries", len(logBefore), len(logAfter))
	}
	if cl, ok, _ := env.store.ClaimOf(context.Background(), c.ID, env.clock.Now()); !ok || cl.StaffID != "id-clerk.sc" {
		t.Errorf("claim = %+v %v, want still clerk.sc's", cl, ok)
	}
}

func TestStaffDecisions(t *testing.T) {
	env := newStaffEnv(t)
	older := env.submit("scjgj-spjyxk", false) // ordinary path: submitted
	env.clock.Add(time.Hour)
	newer := env.submit("scjgj-spjyxk", false)
	other := env.submit("gaj-hjzmkj", false)
	clerk, colleague := env.login("clerk.sc"), env.login("clerk.sc2")

	q := env.do(http.MethodGet, "/api/v1/staff/queue", clerk, nil)
	items := q.Body["items"].([]any)
	if q.Code != http.StatusOK || len(items) != 2 || q.Body["total"].(float64) != 2 {
		t.Fatalf("queue = %d %s, want this department's 2 cases", q.Code, q.Raw)
	}
	if got := items[0].(map[string]any)["id"]; got != older.ID {
		t.Errorf("first in queue = %v, want the older %s", got, older.ID)
	}
	_ = other

	// Claim next gives the most urgent; a colleague then gets the other one.
	r := env.do(http.MethodPost, "/api/v1/staff/queue/claim-next", clerk, map[string]any{})
	if r.Code != http.StatusOK || r.Body["case"].(map[string]any)["id"] != older.ID {
		t.Fatalf("claim next = %d %s", r.Code, r.Raw)
	}
	base := "/api/v1/staff/cases/" + older.ID
	if r := env.do(http.MethodPost, base+"/accept", colleague, map[string]any{}); r.Code != http.StatusConflict || r.errCode() != "claimed_by_other" {
		t.Errorf("colleague acting on a claimed case = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, "/api/v1/staff/cases/"+newer.ID+"/accept", clerk, map[string]any{}); r.Code != http.StatusConflict || r.errCode() != "claim_required" {
		t.Errorf("acting without a claim = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, base+"/approve", clerk, map[string]any{}); r.Code != http.StatusConflict || r.errCode() != "invalid_transition" {
		t.Errorf("approve before acceptance = %d %s", r.Code, r.Raw)
	}
	r = env.do(http.MethodPost, base+"/accept", clerk, map[string]any{"note": "材料齐全，予以受理"})
	if r.Code != http.StatusOK || r.Body["status"] != "accepted" || !slices.Contains(toStrings(r.Body["actions"]), "supplement") {
		t.Fatalf("accept = %d %s", r.Code, r.Raw)
	}
	supp := map[string]any{"items": []map[string]string{{"material": "pmbjt", "reason": "布局图未标明尺寸"}}, "note": "请于期限内补正"}
	r = env.do(http.MethodPost, base+"/supplement", clerk, supp)
	if r.Code != http.StatusOK || r.Body["status"] != "supplement_requested" {
		t.Fatalf("supplement = %d %s", r.Code, r.Raw)
	}
	if sla := r.Body["sla"].(map[string]any); sla["paused_at"] == nil {
		t.Errorf("the clock did not pause: %v", sla)
	}
	if r := env.do(http.MethodPost, base+"/reject", clerk, map[string]any{"reason": "x"}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("reject without legal basis = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, base+"/supplement", clerk, map[string]any{"items": []map[string]string{{"reason": strings.Repeat("长", 501)}}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a 501-character reason = %d", r.Code)
	}

	// The colleague claims the newer case, accepts and approves it, with an
	// idempotency key: a retry answers the same and changes nothing.
	nb := "/api/v1/staff/cases/" + newer.ID
	if r := env.do(http.MethodPost, nb+"/claim", colleague, nil); r.Code != http.StatusOK {
		t.Fatalf("claim = %d %s", r.Code, r.Raw)
	}
	env.do(http.MethodPost, nb+"/accept", colleague, map[string]any{})
	first := env.do(http.MethodPost, nb+"/approve", colleague, map[string]any{"opinion": "符合条件"}, "Idempotency-Key", "approve-k-1")
	again := env.do(http.MethodPost, nb+"/approve", colleague, map[string]any{"opinion": "符合条件"}, "Idempotency-Key", "approve-k-1")
	if first.Code != http.StatusOK || again.Code != http.StatusOK || first.Body["version"] != again.Body["version"] || first.Body["status"] != "approved" {
		t.Fatalf("approve and its retry = %d %v / %d %v", first.Code, first.Body["version"], again.Code, again.Body["version"])
	}
	// Decisions read the key as every other endpoint does.
	for _, key := range []string{"k-1", strings.Repeat("k", 129), "key with spaces"} {
		r := env.do(http.MethodPost, nb+"/dispatch", colleague, map[string]any{}, "Idempotency-Key", key)
		if r.Code != http.StatusBadRequest || r.Body["error"].(map[string]any)["code"] != "invalid_idempotency_key" {
			t.Errorf("key %q = %d %s, want 400 invalid_idempotency_key", key, r.Code, r.Raw)
		}
	}
	if got := env.get(newer.ID); got.Decision == nil || got.Decision.By.ID != "id-clerk.sc2" {
		t.Errorf("decision = %+v, want by the colleague", got.Decision)
	}

	tl := env.do(http.MethodGet, base+"/timeline", clerk, nil)
	var names []string
	for _, e := range tl.Body["items"].([]any) {
		names = append(names, e.(map[string]any)["name"].(string))
	}
	for _, want := range []string{"create", "submit", "claim", "accept", "request_supplement"} {
		if !slices.Contains(names, want) {
			t.Errorf("timeline %v lacks %s", names, want)
		}
	}
}

func TestStaffSpecialProcedureTransferAndHandOver(t *testing.T) {
	env := newStaffEnv(t)
	c := env.submit("scjgj-spjyxk", true) // trust first: accepted at once
	clerk := env.login("clerk.sc")
	base := "/api/v1/staff/cases/" + c.ID
	env.do(http.MethodPost, base+"/claim", clerk, nil)
	if r := env.do(http.MethodPost, base+"/special-procedure", clerk, map[string]any{"kind": "hearing", "reason": "利害关系人申请听证", "days": 21}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a 21-day hearing = %d %s", r.Code, r.Raw)
	}
	r := env.do(http.MethodPost, base+"/special-procedure", clerk, map[string]any{"kind": "hearing", "reason": "利害关系人申请听证", "days": 10})
	if r.Code != http.StatusOK || r.Body["status"] != "special_procedure" {
		t.Fatalf("start hearing = %d %s", r.Code, r.Raw)
	}
	r = env.do(http.MethodPost, base+"/special-procedure/end", clerk, map[string]any{"outcome": "听证结束，符合条件"})
	if r.Code != http.StatusOK || r.Body["status"] != "accepted" {
		t.Fatalf("end hearing = %d %s", r.Code, r.Raw)
	}
	// Hand over to a colleague: logged with the reason; then the colleague
	// transfers the case to 公安, where the 公安 clerk sees it.
	r = env.do(http.MethodPost, base+"/hand-over", clerk, map[string]any{"to_staff_id": "id-clerk.ga", "reason": "x"})
	if r.Code != http.StatusUnprocessableEntity || r.errCode() != "unsuitable_staff" {
		t.Errorf("hand over to another department's clerk = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, base+"/hand-over", clerk, map[string]any{"to_staff_id": "id-clerk.sc2", "reason": "休假移交"}); r.Code != http.StatusOK {
		t.Fatalf("hand over = %d %s", r.Code, r.Raw)
	}
	colleague := env.login("clerk.sc2")
	r = env.do(http.MethodPost, base+"/transfer", colleague, map[string]any{"department": "gaj", "reason": "属公安机关职权"})
	if r.Code != http.StatusOK || r.Body["department"] != "gaj" {
		t.Fatalf("transfer = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodGet, base, colleague, nil); r.Code != http.StatusForbidden {
		t.Errorf("after the transfer the old department reads the case: %d", r.Code)
	}
	ga := env.login("clerk.ga")
	q := env.do(http.MethodGet, "/api/v1/staff/queue?claimed=free", ga, nil)
	if q.Body["total"].(float64) != 1 {
		t.Errorf("公安 free queue = %s, want the transferred case", q.Raw)
	}
	log, _ := env.store.StaffLog(context.Background(), c.ID)
	var actions []string
	for _, e := range log {
		actions = append(actions, string(e.Action))
	}
	if strings.Join(actions, ",") != "claim,hand_over,release" {
		t.Errorf("staff log = %v, want claim, hand_over, release", actions)
	}
	if err := env.store.VerifyStaffLog(context.Background(), c.ID); err != nil {
		t.Error(err)
	}
}

func TestStaffIntakeAndVerification(t *testing.T) {
	env := newStaffEnv(t)
	clerk := env.login("clerk.sc")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	up := func(body []byte, ct string) response {
		return env.doRaw(http.MethodPost, "/api/v1/staff/scans", clerk, body, ct)
	}
	if r := up([]byte("<html><script>x</script></html>"), "text/html"); r.Code != http.StatusUnsupportedMediaType {
		t.Errorf("html scan = %d", r.Code)
	}
	scan := up(png, "image/png")
	if scan.Code != http.StatusCreated {
		t.Fatalf("scan = %d %s", scan.Code, scan.Raw)
	}
	key := scan.Body["key"].(string)
	intake := map[string]any{
		"item_code": "scjgj-spjyxk", "applicant_type": "business", "company_uscc": "91330106MA2H3K4L5N",
		"applicant": map[string]string{"name": "张三", "id_number": "330106198503121231", "phone": "13812345678"},
		"materials": []map[string]string{
			{"code": "yyzz", "source": "elicense", "ref": "1.2.156.3005.2.yyzz.x"}, {"code": "fddbrsfzm", "source": "basedata", "ref": "identity"},
			{"code": "sqs", "source": "upload", "ref": key}, {"code": "pmbjt", "source": "upload", "ref": key},
			{"code": "sbssqd", "source": "upload", "ref": key}, {"code": "glzd", "source": "upload", "ref": key},
		},
		"commitment_signed": true, "commitment_letter": key, "delivery": map[string]string{"method": "electronic"},
	}
	bad := map[string]any{}
	for k, v := range intake {
		bad[k] = v
	}
	bad["applicant"] = map[string]string{"name": "张三", "id_number": "330106198503121232"}
	if r := env.do(http.MethodPost, "/api/v1/staff/intake", clerk, bad, "Idempotency-Key", "intake-bad-1"); r.Code != http.StatusUnprocessableEntity || r.errCode() != "invalid_id_number" {
		t.Errorf("intake with a bad ID number = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, "/api/v1/staff/intake", clerk, intake); r.Code != http.StatusBadRequest || r.errCode() != "idempotency_key_required" {
		t.Errorf("intake without an Idempotency-Key = %d %s, want 400 idempotency_key_required", r.Code, r.Raw)
	}
	r := env.do(http.MethodPost, "/api/v1/staff/intake", clerk, intake, "Idempotency-Key", "intake-ok-1")
	if r.Code != http.StatusCreated {
		t.Fatalf("intake = %d %s", r.Code, r.Raw)
	}
	if a := r.Body["applicant"].(map[string]any); a["id_number"] != "3301**********1231" || a["phone"] != "138****5678" || a["name"] != "张*" {
		t.Errorf("applicant echoed as %v, want masked", a)
	}
	if strings.Contains(string(r.Raw), "330106198503121231") || strings.Contains(string(r.Raw), "13812345678") {
		t.Error("the intake answer carries unmasked personal data")
	}
	cs := r.Body["case"].(map[string]any)
	id := cs["id"].(string)
	if cs["status"] != "accepted" || cs["channel"] != "counter" || cs["applicant_type"] != "business" || !cs["claim"].(map[string]any)["mine"].(bool) {
		t.Fatalf("intake case = %s", r.Raw)
	}
	base := "/api/v1/staff/cases/" + id
	if r := env.doRaw(http.MethodGet, base+"/materials/sqs", clerk, nil, ""); r.Code != http.StatusOK || r.Hdr.Get("Content-Type") != "image/png" {
		t.Errorf("preview = %d %s", r.Code, r.Hdr.Get("Content-Type"))
	}
	// Approve, issue electronically: the trust-first case awaits verification.
	env.do(http.MethodPost, base+"/approve", clerk, map[string]any{})
	r = env.do(http.MethodPost, base+"/dispatch", clerk, map[string]any{})
	if r.Code != http.StatusOK || r.Body["status"] != "verifying" {
		t.Fatalf("dispatch = %d %s", r.Code, r.Raw)
	}
	v := env.do(http.MethodGet, "/api/v1/staff/verifications", clerk, nil)
	if v.Body["total"].(float64) != 1 {
		t.Fatalf("verification queue = %s", v.Raw)
	}
	chk := env.do(http.MethodGet, base+"/verification/checks?material=pmbjt", clerk, nil)
	if chk.Code != http.StatusOK || chk.Body["found"] != true {
		t.Errorf("library check = %d %s", chk.Code, chk.Raw)
	}
	r = env.do(http.MethodPost, base+"/verification", clerk, map[string]any{"results": []map[string]any{
		{"material": "pmbjt", "passed": true, "evidence": chk.Body["evidence"]},
		{"material": "sbssqd", "passed": false, "note": "设备清单与现场不符"},
	}})
	// A failed check is reviewed, not revoked: the clerk sees the finding,
	// orders rectification, and only a reviewer revokes after the period.
	if r.Code != http.StatusOK || r.Body["status"] != "commitment_review" {
		t.Fatalf("failed verification = %d %s", r.Code, r.Raw)
	}
	if got := env.get(id); got.FalseCommitment || got.Ending != nil {
		t.Fatalf("a failed check ended the case at once: %+v", got.Ending)
	}
	ev := env.do(http.MethodGet, base+"/breach/evidence", clerk, nil)
	if b, _ := ev.Body["breach"].(map[string]any); ev.Code != http.StatusOK || b["material"] != "sbssqd" || b["note"] != "设备清单与现场不符" {
		t.Fatalf("evidence = %d %s", ev.Code, ev.Raw)
	}
	r = env.do(http.MethodPost, base+"/breach/rectification", clerk, map[string]any{"reason": "设备清单与现场不符，请限期整改", "legal_basis": "国办发〔2020〕42号", "days": 3})
	if r.Code != http.StatusOK || r.Body["status"] != "rectifying" {
		t.Fatalf("rectification = %d %s", r.Code, r.Raw)
	}
	revoke := map[string]any{"outcome": "revoked", "reason": "逾期未整改，承诺不实", "legal_basis": "《中华人民共和国行政许可法》第六十九条", "false_commitment": true}
	if r := env.do(http.MethodPost, base+"/breach/decision", clerk, revoke); r.Code != http.StatusForbidden || r.Body["error"].(map[string]any)["code"] != "reviewer_required" {
		t.Errorf("a clerk revokes = %d %s, want 403 reviewer_required", r.Code, r.Raw)
	}
	reviewer := env.login("review.sc")
	if r := env.do(http.MethodPost, base+"/hand-over", clerk, map[string]any{"to_staff_id": "id-review.sc", "reason": "整改期满，提请审核"}); r.Code != http.StatusOK {
		t.Fatalf("hand-over = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, base+"/breach/decision", reviewer, revoke); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("revoke inside the period = %d %s, want 422", r.Code, r.Raw)
	}
	env.clock.Add(8 * 24 * time.Hour)
	reviewer = env.login("review.sc")
	if r := env.do(http.MethodPost, base+"/claim", reviewer, nil); r.Code != http.StatusOK {
		t.Fatalf("reviewer claims = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodPost, base+"/breach/decision", reviewer, revoke); r.Code != http.StatusOK || r.Body["status"] != "revoked" {
		t.Fatalf("revoke after the period = %d %s", r.Code, r.Raw)
	}
	if got := env.get(id); !got.FalseCommitment || got.Ending.Code != workflow.EndVerificationFailed {
		t.Errorf("revoked case = %+v", got.Ending)
	}
}

func TestStaffSupervision(t *testing.T) {
	env := newStaffEnv(t)
	c := env.submit("scjgj-spjyxk", true)
	clerk := env.login("clerk.sc")
	env.do(http.MethodPost, "/api/v1/staff/cases/"+c.ID+"/claim", clerk, nil)
	// A week later the case is overdue; the timer turns its card red.
	env.clock.Add(9 * 24 * time.Hour)
	if _, err := env.svc.RunTimers(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if got := env.get(c.ID).Card; got != workflow.CardRed {
		t.Fatalf("card = %q, want red", got)
	}
	sup := env.login("super.sc")
	r := env.do(http.MethodGet, "/api/v1/staff/supervision", sup, nil)
	if r.Code != http.StatusOK || r.Body["total"].(float64) != 1 {
		t.Fatalf("supervision = %d %s", r.Code, r.Raw)
	}
	w := r.Body["workloads"].([]any)
	if len(w) != 1 || w[0].(map[string]any)["red"].(float64) != 1 {
		t.Errorf("workloads = %v", w)
	}
	if r := env.do(http.MethodGet, "/api/v1/staff/supervision?department=gaj", sup, nil); r.Code != http.StatusForbidden {
		t.Errorf("supervisor reading another department = %d", r.Code)
	}
	// Reassign to a colleague: the old holder loses the case.
	r = env.do(http.MethodPost, "/api/v1/staff/cases/"+c.ID+"/reassign", sup, map[string]any{"to_staff_id": "id-clerk.sc2", "reason": "超期督办，改派"})
	if r.Code != http.StatusOK {
		t.Fatalf("reassign = %d %s", r.Code, r.Raw)
	}
	clerk = env.login("clerk.sc")
	if r := env.do(http.MethodPost, "/api/v1/staff/cases/"+c.ID+"/approve", clerk, map[string]any{}); r.Code != http.StatusConflict || r.errCode() != "claimed_by_other" {
		t.Errorf("old holder after reassignment = %d %s", r.Code, r.Raw)
	}
	st := env.do(http.MethodGet, "/api/v1/staff/stats?month=2025-09", sup, nil)
	if st.Code != http.StatusOK || st.Body["total"].(map[string]any)["received"].(float64) != 1 {
		t.Errorf("stats = %d %s", st.Code, st.Raw)
	}
	if r := env.do(http.MethodGet, "/api/v1/staff/stats?month=2025-13", sup, nil); r.Code != http.StatusBadRequest {
		t.Errorf("a 13th month = %d", r.Code)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
