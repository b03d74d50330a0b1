package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zerovisit/handlers/session"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/elicense"
	"zerovisit/models"
	"zerovisit/models/kv"
	"zerovisit/workflow"
)

// TestCitizenRefusals: bad input of every kind gets a clear, structured
// error and changes nothing.
func TestCitizenRefusals(t *testing.T) {
	app, _ := czApp(t, map[string]string{"ZEROVISIT_CITIZEN_MAX_UPLOAD_BYTES": "65536"})
	ctx := context.Background()
	sb := app.parties.sandboxes.channels

	zhang := newCZClient(t, app)
	zhang.login("wechat", sb.wechat.LoginCode("o-zhang-r", ""))

	t.Run("InvalidIDNumber", func(t *testing.T) {
		r := zhang.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": "330106198503121232"})
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "invalid_id_number" || !strings.Contains(string(r.Body), "校验位") {
			t.Errorf("bad check digit = %d %s, want 422 invalid_id_number", r.Status, r.Body)
		}
		if strings.Contains(string(r.Body), "330106198503121232") {
			t.Error("the error echoes the ID number")
		}
	})
	t.Run("NameDoesNotMatch", func(t *testing.T) {
		r := zhang.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "李四", "id_number": basedatasb.ZhangSanID})
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "real_name_mismatch" {
			t.Errorf("wrong name = %d %s, want 422 real_name_mismatch", r.Status, r.Body)
		}
		r = zhang.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.UnknownID})
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "real_name_mismatch" {
			t.Errorf("unknown number = %d %s, want the same answer as a wrong name", r.Status, r.Body)
		}
	})
	t.Run("BadLoginCode", func(t *testing.T) {
		c := newCZClient(t, app)
		if r := c.call(http.MethodPost, "/api/v1/citizen/login/wechat", map[string]string{"code": "made-up"}); r.Status != http.StatusUnauthorized || r.Code() != "invalid_login_code" {
			t.Errorf("made-up code = %d %s", r.Status, r.Body)
		}
		if r := c.call(http.MethodPost, "/api/v1/citizen/login/wechat", map[string]any{"code": 42}); r.Status != http.StatusBadRequest || r.Code() != "invalid_field_type" {
			t.Errorf("code of the wrong type = %d %s", r.Status, r.Body)
		}
		if r := c.call(http.MethodPost, "/api/v1/citizen/login/alipay", map[string]any{"code": "x", "extra": 1}); r.Status != http.StatusBadRequest || r.Code() != "unknown_field" {
			t.Errorf("unknown field = %d %s", r.Status, r.Body)
		}
	})
	zhang.verify(app, "o-zhang-r", "张三", basedatasb.ZhangSanID)

	t.Run("CommitmentOfOtherWording", func(t *testing.T) {
		var app struct{ Case czCase }
		zhang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &app)
		var item struct {
			Commitment struct {
				TemplateVersion string `json:"template_version"`
			} `json:"commitment"`
		}
		zhang.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+czItem, nil).JSON(t, &item)
		r := zhang.call(http.MethodPut, "/api/v1/citizen/cases/"+app.Case.ID+"/commitment", map[string]string{
			"template_version": item.Commitment.TemplateVersion, "text_hash": strings.Repeat("0", 64)})
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "commitment_text_mismatch" {
			t.Errorf("signing other wording = %d %s, want 422 commitment_text_mismatch", r.Status, r.Body)
		}
		if r := zhang.call(http.MethodPost, "/api/v1/citizen/cases/"+app.Case.ID+"/submit", nil); r.Status != http.StatusBadRequest || r.Code() != "idempotency_key_required" {
			t.Errorf("submit without a key = %d %s", r.Status, r.Body)
		}
		if r := zhang.call(http.MethodPost, "/api/v1/citizen/cases/"+app.Case.ID+"/submit", nil, "Idempotency-Key", "early-submit-01"); r.Status != http.StatusUnprocessableEntity || r.Code() != "materials_missing" {
			t.Errorf("submit with materials missing = %d %s", r.Status, r.Body)
		}
	})
	var uploadCase string
	t.Run("Uploads", func(t *testing.T) {
		var app struct{ Case czCase }
		zhang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &app)
		uploadCase = app.Case.ID
		if r := zhang.upload(app.Case.ID, "tjzm", []byte("just some text, not a scan")); r.Status != http.StatusUnsupportedMediaType || r.Code() != "unsupported_file_type" {
			t.Errorf("text file = %d %s", r.Status, r.Body)
		}
		if r := zhang.upload(app.Case.ID, "tjzm", czPNG(70<<10)); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("file over the limit = %d %s", r.Status, r.Body)
		}
		if r := zhang.upload(app.Case.ID, "jsz", czPNG(100)); r.Status != http.StatusUnprocessableEntity || r.Code() != "material_held" {
			t.Errorf("upload of a material the government holds = %d %s", r.Status, r.Body)
		}
		if r := zhang.upload(app.Case.ID, "nope", czPNG(100)); r.Status != http.StatusUnprocessableEntity || r.Code() != "unknown_material" {
			t.Errorf("unknown material = %d %s", r.Status, r.Body)
		}
		big := bytes.Repeat([]byte("x"), 2<<20)
		if r := zhang.send(http.MethodPost, "/api/v1/citizen/addresses", "application/json", bytes.NewReader(big)); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized JSON body = %d", r.Status)
		}
	})
	t.Run("LibraryDownDegradesToUpload", func(t *testing.T) {
		app.parties.sandboxes.elicense.Faults.Down(true)
		defer app.parties.sandboxes.elicense.Faults.Down(false)
		var pre struct {
			Materials []struct {
				Code, Note string
				Held       bool
			} `json:"materials"`
		}
		zhang.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+czItem+"/prefill", nil).JSON(t, &pre)
		for _, m := range pre.Materials {
			if m.Code == "jsz" && (m.Held || m.Note != elicense.ReasonUnavailable) {
				t.Errorf("licence with the library down = %+v, want an upload with the reason", m)
			}
		}
	})

	cs, _ := czApply(t, zhang, map[string]any{"method": "electronic"}, "submit-zhang-r-001")

	t.Run("IdempotencyKeyReused", func(t *testing.T) {
		k := "draft-key-000001"
		zhang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}, "Idempotency-Key", k)
		r := zhang.call(http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": "gaj-hjzmkj"}, "Idempotency-Key", k)
		if r.Status != http.StatusUnprocessableEntity || r.Code() != "idempotency_key_reused" {
			t.Errorf("same key, another request = %d %s", r.Status, r.Body)
		}
	})

	t.Run("TooManyDrafts", func(t *testing.T) {
		wang := newCZClient(t, app)
		wang.login("wechat", sb.wechat.LoginCode("o-wangwu-drafts", ""))
		wang.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "王五", "id_number": basedatasb.WangWuID})
		last := ""
		for i := range 20 {
			last = fmt.Sprintf("many-drafts-%04d", i)
			wang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}, "Idempotency-Key", last)
		}
		if r := wang.call(http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}, "Idempotency-Key", "many-drafts-9999"); r.Status != http.StatusConflict || r.Code() != "too_many_drafts" {
			t.Errorf("21st open draft = %d %s, want 409 too_many_drafts", r.Status, r.Body)
		}
		// A retry of an accepted request still gets its first answer.
		if r := wang.call(http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}, "Idempotency-Key", last); r.Status != http.StatusCreated {
			t.Errorf("retry of the 20th draft = %d %s, want its first answer", r.Status, r.Body)
		}
	})

	t.Run("AnotherCitizensCase", func(t *testing.T) {
		li := newCZClient(t, app)
		li.login("wechat", sb.wechat.LoginCode("o-lina", ""))
		li.verify(app, "o-lina", "李娜", basedatasb.LiNaID)
		for _, rq := range []struct{ method, path string }{
			{http.MethodGet, ""}, {http.MethodGet, "/timeline"}, {http.MethodGet, "/application"}, {http.MethodPost, "/withdraw"},
			{http.MethodPost, "/payments"}, {http.MethodGet, "/payments"}, {http.MethodGet, "/licences"},
			{http.MethodPut, "/commitment"}, {http.MethodPut, "/promises"}, {http.MethodPut, "/delivery"},
			{http.MethodPost, "/submit"}, {http.MethodPost, "/supplement"}, {http.MethodPost, "/materials/tjzm"},
			{http.MethodGet, "/evaluation"},
		} {
			var body any
			if rq.method != http.MethodGet {
				body = map[string]any{}
			}
			r := li.call(rq.method, "/api/v1/citizen/cases/"+cs.ID+rq.path, body)
			if r.Status != http.StatusNotFound || r.Code() != "case_not_found" {
				t.Errorf("%s %s of another citizen's case = %d %s, want 404 case_not_found", rq.method, rq.path, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), cs.Number) || strings.Contains(string(r.Body), "驾驶证") {
				t.Errorf("the refusal leaks the case: %s", r.Body)
			}
		}
		if r := li.upload(cs.ID, "tjzm", czPNG(100)); r.Status != http.StatusNotFound || r.Code() != "case_not_found" {
			t.Errorf("upload to another citizen's case = %d %s, want 404 case_not_found", r.Status, r.Body)
		}
		got, err := app.svc.Get(ctx, cs.ID)
		if err != nil || got.Status != workflow.StatusAccepted {
			t.Errorf("case after another citizen's attempts = %s, %v; want it untouched", got.Status, err)
		}
	})

	t.Run("WeChatPayForgedAndWrongAmount", func(t *testing.T) {
		var pay struct {
			OutTradeNo string `json:"out_trade_no"`
		}
		zhang.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/payments", nil).JSON(t, &pay)
		n, err := sb.wechat.PayWith(ctx, pay.OutTradeNo, func(tx map[string]any) {
			tx["amount"] = map[string]any{"total": 1, "payer_total": 1, "currency": "CNY"}
		})
		if err != nil || n.Status != http.StatusBadRequest {
			t.Fatalf("correctly signed notification of 1 fen = %d, %v; want 400", n.Status, err)
		}
		forged := n
		forged.Body = bytes.Replace(n.Body, []byte(`"TRANSACTION.SUCCESS"`), []byte(`"TRANSACTION.SUCCESS" `), 1)
		if res, _ := sb.wechat.Resend(ctx, forged); res.Status != http.StatusUnauthorized {
			t.Errorf("altered notification = %d, want 401", res.Status)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+app.Addr()+"/api/v1/payments/wechat/notify", strings.NewReader(`{"id":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("unsigned notification = %v, %v; want 401", resp, err)
		}
		resp.Body.Close()
		got, _ := app.svc.Get(ctx, cs.ID)
		if got.Payment != nil {
			t.Errorf("refused notifications paid the case: %+v", got.Payment)
		}
	})

	t.Run("Tokens", func(t *testing.T) {
		old, err := session.NewTokens([]byte(testKeys["ZEROVISIT_TOKEN_SECRET"]), 15*time.Minute, time.Hour, models.NewRevocations(app.db, kv.NewMemory(time.Now), time.Now),
			func() time.Time { return time.Now().Add(-time.Hour) })
		if err != nil {
			t.Fatal(err)
		}
		acct, err := app.citizen.citizens.Login(ctx, workflow.ChannelWeChat, sb.wechatApp, "o-zhang-r", "")
		if err != nil {
			t.Fatal(err)
		}
		expired, _ := old.Issue(session.Subject{Kind: session.SubjectCitizen, ID: acct.ID})
		c := newCZClient(t, app)
		c.access = expired.AccessToken
		if r := c.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized || r.Code() != "unauthorized" {
			t.Errorf("expired token = %d %s, want 401", r.Status, r.Body)
		}

		s := newCZClient(t, app)
		s.login("wechat", sb.wechat.LoginCode("o-zhang-r", ""))
		var pair struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		s.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/token/refresh", map[string]string{"refresh_token": s.refresh}).JSON(t, &pair)
		if r := s.call(http.MethodPost, "/api/v1/citizen/token/refresh", map[string]string{"refresh_token": s.refresh}); r.Status != http.StatusUnauthorized {
			t.Errorf("refresh token used twice = %d, want 401", r.Status)
		}
		s.access = pair.AccessToken
		if r := s.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("tokens after a replayed refresh token = %d, want 401 (all revoked)", r.Status)
		}

		// Another account: the replay above revoked every token of that one
		// issued within the same second.
		l := newCZClient(t, app)
		l.login("wechat", sb.wechat.LoginCode("o-logout", ""))
		l.must(http.StatusNoContent, http.MethodPost, "/api/v1/citizen/logout", map[string]string{"refresh_token": l.refresh})
		if r := l.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("revoked token after logout = %d, want 401", r.Status)
		}
		if r := newCZClient(t, app).call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("no token = %d, want 401", r.Status)
		}
	})

	t.Run("UploadsLimitedInTheirOwnBucket", func(t *testing.T) {
		// Last: it spends zhang's upload allowance for the minute. The
		// tokens above revoked every token zhang's account was issued in
		// that second: log in again in the next one.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
		zhang.login("wechat", sb.wechat.LoginCode("o-zhang-r", ""))
		limited := 0
		for n := 1; n <= 40 && limited == 0; n++ {
			if r := zhang.upload(uploadCase, "tjzm", czPNG(100+n)); r.Status == http.StatusTooManyRequests && r.Code() == "rate_limited" {
				limited = n
			}
		}
		if limited == 0 {
			t.Fatal("40 uploads a minute from one account were never limited")
		}
		if r := zhang.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusOK {
			t.Errorf("the account's other calls after its uploads were limited = %d %s, want 200", r.Status, r.Body)
		}
	})

	t.Run("MadeUpTokensLimitedPerIP", func(t *testing.T) {
		c := newCZClient(t, app)
		c.access = "made.up.token"
		refused, limited := 0, false
		for range 1300 {
			r := c.call(http.MethodGet, "/api/v1/citizen/me", nil)
			if r.Status == http.StatusTooManyRequests {
				limited = r.Code() == "rate_limited" && r.Header.Get("Retry-After") != ""
				break
			}
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("a made-up token = %d %s, want 401", r.Status, r.Body)
			}
			refused++
		}
		if !limited {
			t.Errorf("%d made-up tokens a minute from one address were never limited", refused)
		}
		// Signed-in callers behind the same address are not held back.
		other := newCZClient(t, app)
		other.ip = c.ip
		other.login("wechat", sb.wechat.LoginCode("o-same-address", ""))
		if r := other.call(http.MethodGet, "/api/v1/citizen/me", nil); r.Status != http.StatusOK {
			t.Errorf("a signed-in citizen behind that address = %d %s, want 200", r.Status, r.Body)
		}
	})

	t.Run("LoginRateLimitedPerIP", func(t *testing.T) {
		c := newCZClient(t, app)
		limited := false
		for range 40 {
			if r := c.call(http.MethodPost, "/api/v1/citizen/login/wechat", map[string]string{"code": "made-up"}); r.Status == http.StatusTooManyRequests {
				limited = r.Code() == "rate_limited" && r.Header.Get("Retry-After") != ""
				break
			}
		}
		if !limited {
			t.Error("40 logins a minute from one address were never limited")
		}
	})
}
