package app

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	alipaysb "zerovisit/integrations/alipay/sandbox"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow/staff"
)

// sameMaskID is another resident's number that masks like 张三's
// (3301**********1231): the first four and last four characters agree.
const sameMaskID = "330106198001041231"

// TestIdentitySquattingRecovered: someone who knows 张三's name and ID
// number binds them first and files in his name. A name and a number are
// only the real-name level: no trust first, no delivery to the door. The
// real 张三, refused binding, proves to be the person with WeChat's face
// check and takes the identity over: the squatter's accounts are detached
// and their tokens refused, the case filed in 张三's name is his to see,
// and supervisors see the takeover with that case.
func TestIdentitySquattingRecovered(t *testing.T) {
	app, _ := czApp(t, staffTestEnv(nil))
	sb := app.parties.sandboxes.channels

	squatter := newCZClient(t, app)
	squatter.login("wechat", sb.wechat.LoginCode("o-squatter", ""))
	squatter.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})

	// The squatter's commitment is not trusted first, nor is a result
	// handed over at their door.
	cs, _ := czApply(t, squatter, map[string]any{"method": "electronic"}, "squat-submit-0001")
	if cs.TrustFirst || cs.Status != "submitted" || cs.Path == nil || cs.Path.Reason != "identity_not_verified" {
		t.Fatalf("submission at real_name = %+v (path %+v), want the ordinary path for identity_not_verified", cs, cs.Path)
	}
	var door struct {
		Case czCase `json:"case"`
	}
	squatter.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &door)
	squatter.must(http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+door.Case.ID+"/delivery",
		map[string]any{"method": "courier", "address_id": czAddress(t, squatter)})
	for _, m := range []string{"tjzm"} {
		squatter.upload(door.Case.ID, m, czPNG(1024))
	}
	if r := squatter.call(http.MethodPost, "/api/v1/citizen/cases/"+door.Case.ID+"/submit", nil, "Idempotency-Key", "squat-door-00001"); r.Status != http.StatusForbidden || r.Code() != "verified_person_required" {
		t.Errorf("delivery to the door at real_name = %d %s, want 403 verified_person_required", r.Status, r.Body)
	}

	var link struct {
		Code string `json:"link_code"`
	}
	squatter.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/link-code", nil).JSON(t, &link)

	real := newCZClient(t, app)
	real.login("wechat", sb.wechat.LoginCode("o-real-zhang", ""))
	if r := real.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}); r.Status != http.StatusConflict || r.Code() != "identity_bound_elsewhere" {
		t.Fatalf("the real person binding = %d %s, want 409 identity_bound_elsewhere", r.Status, r.Body)
	}
	// A failed and an expired check change nothing.
	if r := real.faceCheck(app, "o-real-zhang", "张三", basedatasb.ZhangSanID, "failed"); r.Status != http.StatusForbidden || r.Code() != "face_check_failed" {
		t.Errorf("failed face check = %d %s, want 403 face_check_failed", r.Status, r.Body)
	}
	if r := real.faceCheck(app, "o-real-zhang", "张三", basedatasb.ZhangSanID, "expired"); r.Status != http.StatusUnprocessableEntity || r.Code() != "face_check_expired" {
		t.Errorf("expired face check = %d %s, want 422 face_check_expired", r.Status, r.Body)
	}
	// The squatter cannot pass a check as 张三 with a result minted for
	// the real person's WeChat user.
	var st struct {
		CheckID string `json:"check_id"`
	}
	squatter.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}).JSON(t, &st)
	stolen := czFaceResult(t, app, "o-real-zhang", "张三", basedatasb.ZhangSanID)
	if r := squatter.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{"verify_result": stolen}); r.Status != http.StatusForbidden || r.Code() != "face_check_mismatch" {
		t.Errorf("squatter with another user's face result = %d %s, want 403 face_check_mismatch", r.Status, r.Body)
	}
	var me struct {
		Assurance string `json:"assurance"`
	}
	squatter.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/me", nil).JSON(t, &me)
	if me.Assurance != "real_name" {
		t.Fatalf("squatter after the refused checks = %+v, want real_name still", me)
	}

	// The real person's face check takes the identity over.
	r := real.faceCheck(app, "o-real-zhang", "张三", basedatasb.ZhangSanID, "passed")
	if r.Status != http.StatusOK {
		t.Fatalf("the real person's face check = %d %s", r.Status, r.Body)
	}
	r.JSON(t, &me)
	if me.Assurance != "verified_person" {
		t.Fatalf("after the takeover = %+v, want verified_person", me)
	}
	if r := squatter.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the squatter's token after the takeover = %d %s, want 401", r.Status, r.Body)
	}
	// A link code the squatter issued before joins nothing now.
	again := newCZClient(t, app)
	again.login("wechat", sb.wechat.LoginCode("o-squatter-again", ""))
	if r := again.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID,
		"link_code": link.Code}); r.Status != http.StatusUnprocessableEntity || r.Code() != "invalid_link_code" {
		t.Errorf("the squatter's old link code after the takeover = %d %s, want 422 invalid_link_code", r.Status, r.Body)
	}
	// The squatter's courier draft no longer delivers to their door nor
	// carries their signature.
	var drafted struct {
		Delivery  any `json:"delivery"`
		Signature any `json:"signature"`
	}
	real.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+door.Case.ID+"/application", nil).JSON(t, &drafted)
	if drafted.Delivery != nil || drafted.Signature != nil {
		t.Errorf("the squatter's draft after the takeover = %+v, want no delivery and no signature", drafted)
	}
	// A passed result proves once: not again for another check.
	real.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}).JSON(t, &st)
	used := czFaceResult(t, app, "o-real-zhang", "张三", basedatasb.ZhangSanID)
	real.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{"verify_result": used})
	real.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}).JSON(t, &st)
	if r := real.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{"verify_result": used}); r.Status != http.StatusUnprocessableEntity || r.Code() != "face_check_expired" {
		t.Errorf("a used verify_result for another check = %d %s, want 422 face_check_expired", r.Status, r.Body)
	}
	var list struct {
		Items []czCase `json:"items"`
	}
	real.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &list)
	found := false
	for _, c := range list.Items {
		found = found || c.ID == cs.ID
	}
	if !found {
		t.Errorf("the case filed in 张三's name is not in his list: %+v", list.Items)
	}
	// A finished check is spent: replaying it changes nothing.
	if r := real.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{"verify_result": stolen}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("another account's check id = %d %s, want 422", r.Status, r.Body)
	}

	sup := addStaff(t, app, "identity.sup", "jtj", staff.RoleSupervisor)
	code, body := call(t, app, http.MethodGet, "/api/v1/staff/identity-takeovers", staffToken(t, app, sup, "jtj", staff.RoleSupervisor), nil)
	items, _ := body["items"].([]any)
	if code != http.StatusOK || len(items) != 1 {
		t.Fatalf("takeovers = %d %v, want one", code, body)
	}
	tk := items[0].(map[string]any)
	open, _ := tk["open_cases"].([]any)
	if tk["from_level"] != "real_name" || tk["to_level"] != "verified_person" || tk["method"] != "wechat_face" ||
		len(open) != 2 || !slices.Contains(open, any(cs.ID)) || !slices.Contains(open, any(door.Case.ID)) {
		t.Errorf("takeover = %v, want real_name → verified_person by wechat_face with the squatter's two cases", tk)
	}
	if code, body := call(t, app, http.MethodGet, "/api/v1/staff/identity-takeovers?cursor=bm90LWEtY3Vyc29y", staffToken(t, app, sup, "jtj", staff.RoleSupervisor), nil); code != http.StatusBadRequest {
		t.Errorf("takeovers with a made-up cursor = %d %v, want 400 invalid_page", code, body)
	}
	if r := real.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks", map[string]any{"name": "张三", "id_number": basedatasb.ZhangSanID, "level": "verified_person"}); r.Status != http.StatusBadRequest {
		t.Errorf("a face check with an unknown field = %d %s, want 400", r.Status, r.Body)
	}
	if r := real.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+strings.Repeat("a", 33)+"/result", map[string]string{"verify_result": "x"}); r.Status != http.StatusUnprocessableEntity || r.Code() != "face_check_expired" {
		t.Errorf("a made-up check id = %d %s, want 422 face_check_expired", r.Status, r.Body)
	}
	clerk := addStaff(t, app, "identity.clerk", "jtj", staff.RoleClerk)
	if code, _ := call(t, app, http.MethodGet, "/api/v1/staff/identity-takeovers", staffToken(t, app, clerk, "jtj", staff.RoleClerk), nil); code != http.StatusForbidden {
		t.Errorf("a clerk listing takeovers = %d, want 403", code)
	}
}

// TestCounterIntakeNeedsAProvedAccount: a case 张三 files at a counter does
// not open under a mini-program account that bound his name and number
// only; it does under one that proved to be him.
func TestCounterIntakeNeedsAProvedAccount(t *testing.T) {
	app, _ := czApp(t, staffTestEnv(nil))
	sb := app.parties.sandboxes.channels
	squatter := newCZClient(t, app)
	squatter.login("wechat", sb.wechat.LoginCode("o-counter-squat", ""))
	squatter.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})

	id := addStaff(t, app, "walkin.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	scan := counterScan(t, app, token)
	intake := func(key string) string {
		code, body := callWithKey(t, app, "/api/v1/staff/intake", token, key, map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": scan}, {"code": "jycssyzm", "source": "upload", "ref": scan}},
			"commitment_signed": true, "commitment_letter": counterScanOf(t, app, token, []byte("%PDF-1.4\n告知承诺书 "+key)),
			"delivery": map[string]string{"method": "electronic"},
		})
		if code != http.StatusCreated {
			t.Fatalf("intake = %d %v", code, body)
		}
		return body["case"].(map[string]any)["id"].(string)
	}
	first := intake("walkin-proved-0001")
	var list struct {
		Items []czCase `json:"items"`
	}
	squatter.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &list)
	for _, c := range list.Items {
		if c.ID == first {
			t.Fatalf("the counter case %s opened under an account that only knew the name and number", first)
		}
	}

	real := newCZClient(t, app)
	real.login("wechat", sb.wechat.LoginCode("o-counter-real", ""))
	if r := real.faceCheck(app, "o-counter-real", "张三", basedatasb.ZhangSanID, "passed"); r.Status != http.StatusOK {
		t.Fatalf("face check = %d %s", r.Status, r.Body)
	}
	second := intake("walkin-proved-0002")
	real.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &list)
	found := false
	for _, c := range list.Items {
		found = found || c.ID == second
	}
	if !found {
		t.Errorf("the counter case %s is not under the proved account: %+v", second, list.Items)
	}
}

// TestLegalRepresentativeNeedsTheFullNumber: another 张三 whose number masks
// like the representative's, a verified person himself, cannot bind the
// restaurant; a representative at real_name cannot either.
func TestLegalRepresentativeNeedsTheFullNumber(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	if err := seedPerson(app.parties.sandboxes, sameMaskID, "张三"); err != nil {
		t.Fatal(err)
	}
	other := newCZClient(t, app)
	other.login("wechat", sb.wechat.LoginCode("o-other-zhang", ""))
	other.verify(app, "o-other-zhang", "张三", sameMaskID)
	if r := other.call(http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RestaurantID}); r.Status != http.StatusForbidden || r.Code() != "not_legal_representative" {
		t.Fatalf("another 张三 with the same masked number binding the restaurant = %d %s, want 403 not_legal_representative", r.Status, r.Body)
	}
	weak := newCZClient(t, app)
	weak.login("wechat", sb.wechat.LoginCode("o-weak-zhang", ""))
	weak.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})
	if r := weak.call(http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RestaurantID}); r.Status != http.StatusForbidden || r.Code() != "verified_person_required" {
		t.Fatalf("the representative at real_name = %d %s, want 403 verified_person_required", r.Status, r.Body)
	}
	if r := weak.faceCheck(app, "o-weak-zhang", "张三", basedatasb.ZhangSanID, "passed"); r.Status != http.StatusOK {
		t.Fatalf("face check = %d %s", r.Status, r.Body)
	}
	weak.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RestaurantID})
}

// czFaceResult is a passed face check's verifyResult for a WeChat user.
func czFaceResult(t *testing.T, app *App, openID, name, idNumber string) string {
	t.Helper()
	vr, err := app.parties.sandboxes.channels.wechat.FaceCheck(wechatFace(openID, name, idNumber, "passed"))
	if err != nil {
		t.Fatal(err)
	}
	return vr
}

// czAddress adds an address to the client's book and returns its id.
func czAddress(t *testing.T, c *czClient) string {
	t.Helper()
	var addr struct {
		ID string `json:"id"`
	}
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/addresses", map[string]string{"label": "家", "recipient": "张三",
		"phone": "13912345678", "region": "浙江省杭州市西湖区", "detail": "文三路1号"}).JSON(t, &addr)
	return addr.ID
}

// TestAlipayCertifyProvesThePerson: on Alipay the server starts the
// certification (实人认证) of the person; until the user finishes it the
// result is pending and the check stays usable, a failed one is refused
// and spent, an expired one too, and a passed one makes a verified person.
func TestAlipayCertifyProvesThePerson(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	c := newCZClient(t, app)
	c.login("alipay", sb.alipay.AuthCode(alipaysb.User{UserID: "2088000000000131"}))
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "李娜", "id_number": basedatasb.LiNaID})

	start := func() (id, certify string) {
		var st struct {
			CheckID    string `json:"check_id"`
			Channel    string `json:"channel"`
			CertifyID  string `json:"certify_id"`
			CertifyURL string `json:"certify_url"`
		}
		c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
			map[string]string{"name": "李娜", "id_number": basedatasb.LiNaID}).JSON(t, &st)
		if st.Channel != "alipay" || st.CertifyID == "" || st.CertifyURL == "" {
			t.Fatalf("started check = %+v, want an Alipay certify id and URL", st)
		}
		return st.CheckID, st.CertifyID
	}
	finish := func(id string) czResp {
		return c.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+id+"/result", map[string]string{})
	}
	level := func() string {
		var me struct {
			Assurance string `json:"assurance"`
		}
		c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/me", nil).JSON(t, &me)
		return me.Assurance
	}

	id, certify := start()
	if r := finish(id); r.Status != http.StatusConflict || r.Code() != "face_check_pending" {
		t.Fatalf("unfinished certification = %d %s, want 409 face_check_pending", r.Status, r.Body)
	}
	if err := sb.alipay.Complete(certify, alipaysb.CertifyFailed); err != nil {
		t.Fatal(err)
	}
	if r := finish(id); r.Status != http.StatusForbidden || r.Code() != "face_check_failed" {
		t.Fatalf("failed certification = %d %s, want 403 face_check_failed", r.Status, r.Body)
	}
	if r := finish(id); r.Status != http.StatusUnprocessableEntity || r.Code() != "face_check_expired" {
		t.Errorf("a failed check finished again = %d %s, want 422 face_check_expired", r.Status, r.Body)
	}
	id, certify = start()
	if err := sb.alipay.Complete(certify, alipaysb.CertifyExpired); err != nil {
		t.Fatal(err)
	}
	if r := finish(id); r.Status != http.StatusUnprocessableEntity || r.Code() != "face_check_expired" {
		t.Fatalf("expired certification = %d %s, want 422 face_check_expired", r.Status, r.Body)
	}
	if got := level(); got != "real_name" {
		t.Fatalf("after refused certifications the level is %s, want real_name", got)
	}
	id, certify = start()
	if err := sb.alipay.Complete(certify, alipaysb.CertifyPassed); err != nil {
		t.Fatal(err)
	}
	if r := finish(id); r.Status != http.StatusOK {
		t.Fatalf("passed certification = %d %s", r.Status, r.Body)
	}
	if got := level(); got != "verified_person" {
		t.Fatalf("after a passed certification the level is %s, want verified_person", got)
	}
}

// TestCounterCheckRecoversAnIdentity: the squatting victim shows a clerk
// their ID card and the counter code of their account; the clerk's check
// takes the identity over. Without the clerk's statement, with a spent
// code or a wrong name nothing changes.
func TestCounterCheckRecoversAnIdentity(t *testing.T) {
	app, _ := czApp(t, staffTestEnv(nil))
	sb := app.parties.sandboxes.channels
	squatter := newCZClient(t, app)
	squatter.login("wechat", sb.wechat.LoginCode("o-squat-counter", ""))
	squatter.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "王五", "id_number": basedatasb.WangWuID})

	real := newCZClient(t, app)
	real.login("wechat", sb.wechat.LoginCode("o-real-wang", ""))
	var cc struct {
		Code string `json:"counter_code"`
	}
	real.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity/counter-code", nil).JSON(t, &cc)
	clerk := addStaff(t, app, "idcheck.clerk", "jtj", staff.RoleClerk)
	token := staffToken(t, app, clerk, "jtj", staff.RoleClerk)
	check := func(code, name string, checked bool) (int, map[string]any) {
		return call(t, app, http.MethodPost, "/api/v1/staff/identity-checks", token,
			map[string]any{"counter_code": code, "name": name, "id_number": basedatasb.WangWuID, "id_card_checked": checked})
	}
	errCode := func(body map[string]any) any { e, _ := body["error"].(map[string]any); return e["code"] }
	if code, body := check(cc.Code, "王五", false); code != http.StatusBadRequest || errCode(body) != "id_card_check_required" {
		t.Errorf("without the clerk's statement = %d %v", code, body)
	}
	if code, body := check(cc.Code, "李四", true); code != http.StatusUnprocessableEntity || errCode(body) != "real_name_mismatch" {
		t.Errorf("a wrong name = %d %v", code, body)
	}
	if code, body := check("12345678", "王五", true); code != http.StatusUnprocessableEntity || errCode(body) != "invalid_counter_code" {
		t.Errorf("an unknown code = %d %v", code, body)
	}
	code, body := check(cc.Code, "王五", true)
	if code != http.StatusOK || body["assurance"] != "verified_person" || body["took_over"] != true {
		t.Fatalf("the clerk's check = %d %v, want verified_person taking over", code, body)
	}
	if code, body := check(cc.Code, "王五", true); code != http.StatusUnprocessableEntity || errCode(body) != "invalid_counter_code" {
		t.Errorf("the code again = %d %v, want it spent", code, body)
	}
	var me struct {
		Assurance string `json:"assurance"`
	}
	real.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/me", nil).JSON(t, &me)
	if me.Assurance != "verified_person" {
		t.Errorf("the real person after the counter check = %+v", me)
	}
	sup := addStaff(t, app, "idcheck.sup", "jtj", staff.RoleSupervisor)
	_, list := call(t, app, http.MethodGet, "/api/v1/staff/identity-takeovers", staffToken(t, app, sup, "jtj", staff.RoleSupervisor), nil)
	if items, _ := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["actor"] != clerk ||
		items[0].(map[string]any)["method"] != "counter_id_card" {
		t.Errorf("takeovers = %v, want the counter check by %s", list, clerk)
	}
	if r := squatter.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the squatter's token = %d, want 401", r.Status)
	}
}

// TestAlipayCertifyCannotTakeOver: an Alipay certification names no user,
// so its link could be passed to the victim (a scam call: "scan to claim a
// subsidy"). It may prove an identity nobody else holds, but never takes
// one over, and WeChat's face check takes over from it.
func TestAlipayCertifyCannotTakeOver(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	certified := func(c *czClient) czResp {
		var st struct {
			CheckID   string `json:"check_id"`
			CertifyID string `json:"certify_id"`
		}
		c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
			map[string]string{"name": "李娜", "id_number": basedatasb.LiNaID}).JSON(t, &st)
		if err := sb.alipay.Complete(st.CertifyID, alipaysb.CertifyPassed); err != nil {
			t.Fatal(err)
		}
		return c.call(http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{})
	}
	squatter := newCZClient(t, app)
	squatter.login("wechat", sb.wechat.LoginCode("o-relay-squat", ""))
	squatter.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "李娜", "id_number": basedatasb.LiNaID})

	relay := newCZClient(t, app)
	relay.login("alipay", sb.alipay.AuthCode(alipaysb.User{UserID: "2088000000000171"}))
	if r := certified(relay); r.Status != http.StatusConflict || r.Code() != "identity_bound_elsewhere" {
		t.Fatalf("an Alipay certification of an identity bound elsewhere = %d %s, want 409 identity_bound_elsewhere", r.Status, r.Body)
	}

	// The squatter relays their own account's certification to the victim
	// and is raised; the victim's WeChat face check still takes it back.
	alipaySquat := newCZClient(t, app)
	alipaySquat.login("alipay", sb.alipay.AuthCode(alipaysb.User{UserID: "2088000000000172"}))
	alipaySquat.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "欧阳娜娜", "id_number": basedatasb.OuyangID})
	var st struct {
		CheckID   string `json:"check_id"`
		CertifyID string `json:"certify_id"`
	}
	alipaySquat.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/me/identity/face-checks",
		map[string]string{"name": "欧阳娜娜", "id_number": basedatasb.OuyangID}).JSON(t, &st)
	if err := sb.alipay.Complete(st.CertifyID, alipaysb.CertifyPassed); err != nil {
		t.Fatal(err)
	}
	alipaySquat.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity/face-checks/"+st.CheckID+"/result", map[string]string{})
	victim := newCZClient(t, app)
	victim.login("wechat", sb.wechat.LoginCode("o-ouyang", ""))
	if r := victim.faceCheck(app, "o-ouyang", "欧阳娜娜", basedatasb.OuyangID, "passed"); r.Status != http.StatusOK {
		t.Fatalf("the victim's WeChat face check against an Alipay-certified holder = %d %s, want 200", r.Status, r.Body)
	}
	if r := alipaySquat.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the relaying squatter's token = %d, want 401", r.Status)
	}
}
