package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/alipay/sandbox"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/models"
	"zerovisit/workflow"
)

// TestCitizenEndToEnd is the citizen channel's acceptance path over real
// HTTP, through the real WeChat and Alipay SDK clients against their
// sandboxes: a citizen logs in on WeChat, binds a real name, applies for a
// trust-first item with its driving licence pre-filled from the e-license
// library, pays with WeChat Pay, sees the case accepted and is told so by a
// subscribe message; the same person logging in on Alipay sees the same
// case. No ID number, phone number or address is in any table or log line.
func TestCitizenEndToEnd(t *testing.T) {
	app, logs := czApp(t, nil)
	ctx := context.Background()
	sb := app.parties.sandboxes.channels
	const phone, street = "13912345678", "文三路1号1幢101室"

	wx := newCZClient(t, app)
	wx.login("wechat", sb.wechat.LoginCode("o-zhangsan", ""))
	var me struct {
		ID       string `json:"id"`
		Verified bool   `json:"verified"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		// Assurance is the identity level.
		Assurance string `json:"assurance"`
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/me", nil).JSON(t, &me)
	if me.Verified {
		t.Fatal("a fresh account is verified")
	}
	if r := wx.call(http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}); r.Status != http.StatusForbidden || r.Code() != "real_name_required" {
		t.Fatalf("draft before real-name binding = %d %s, want 403 real_name_required", r.Status, r.Body)
	}
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity",
		map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}).JSON(t, &me)
	if !me.Verified || me.Name != "张*" || me.IDNumber != "3301**********1231" || me.Assurance != "real_name" {
		t.Fatalf("profile after binding = %+v, want verified at real_name and masked", me)
	}
	// A name and number prove only that someone knows them: trust first and
	// delivery to the door wait for the face check (人脸核身).
	wx.faceCheck(app, "o-zhangsan", "张三", basedatasb.ZhangSanID, "passed").JSON(t, &me)
	if me.Assurance != "verified_person" {
		t.Fatalf("profile after the face check = %+v, want verified_person", me)
	}
	var masked struct{ Phone string }
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/phone", map[string]string{"code": sb.wechat.PhoneCode(phone)}).JSON(t, &masked)
	if masked.Phone != "139****5678" {
		t.Errorf("phone answer = %q, want it masked", masked.Phone)
	}
	var addr struct {
		ID     string `json:"id"`
		Detail string `json:"detail"`
	}
	wx.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/addresses", map[string]string{"label": "家", "recipient": "张三",
		"phone": phone, "region": "浙江省杭州市西湖区", "detail": street}).JSON(t, &addr)
	if strings.Contains(addr.Detail, "文三路1号") {
		t.Errorf("address answer shows the street: %q", addr.Detail)
	}

	// What the government holds: identity (population library) and the
	// driving licence (e-license library); the health certificate is needed.
	var pre struct {
		Materials []struct {
			Code   string `json:"code"`
			Held   bool   `json:"held"`
			Source string `json:"source"`
			Needed bool   `json:"needed"`
		} `json:"materials"`
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+czItem+"/prefill", nil).JSON(t, &pre)
	held := map[string]bool{}
	for _, m := range pre.Materials {
		held[m.Code] = m.Held
	}
	if !held["sfz"] || !held["jsz"] || held["tjzm"] {
		t.Fatalf("prefill = %+v, want sfz and jsz held, tjzm needed", pre.Materials)
	}

	// One-time consent to the acceptance message, given in WeChat and told to us.
	sb.wechat.Subscribe("o-zhangsan", "ZV-ACCEPTED", 1)
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/subscriptions", map[string]any{"template_ids": []string{"ZV-ACCEPTED"}})

	cs, first := czApply(t, wx, map[string]any{"method": "courier", "address_id": addr.ID}, "submit-zhangsan-0001")
	if cs.Status != "accepted" || !cs.TrustFirst || cs.Path == nil || cs.Path.Reason != "trust_first" || cs.Path.Note == "" {
		t.Fatalf("submission = %s, want accepted on the trust-first path with the reason", first.Body)
	}
	if !cs.needs("pay") || cs.Paid {
		t.Errorf("an unpaid fee is not among what is needed: %+v", cs.Needed)
	}
	again := wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/submit", nil, "Idempotency-Key", "submit-zhangsan-0001")
	if string(again.Body) != string(first.Body) {
		t.Errorf("resubmission with the same Idempotency-Key answered differently:\n%s\n%s", first.Body, again.Body)
	}
	var mine struct {
		Items []czCase `json:"items"`
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &mine)
	if len(mine.Items) != 1 {
		t.Fatalf("the citizen has %d cases after a resubmission, want 1", len(mine.Items))
	}

	// WeChat Pay: the mini program pays, WeChat Pay notifies, the case is paid once.
	var pay struct {
		OutTradeNo string `json:"out_trade_no"`
		AmountFen  int64  `json:"amount_fen"`
		WeChat     struct {
			PaySign string `json:"paySign"`
		} `json:"wechat"`
	}
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/payments", nil).JSON(t, &pay)
	if pay.AmountFen != 1000 || pay.WeChat.PaySign == "" {
		t.Fatalf("payment = %+v", pay)
	}
	sent, err := sb.wechat.Pay(ctx, pay.OutTradeNo)
	if err != nil || sent.Status != http.StatusNoContent {
		t.Fatalf("payment notification answered %d, %v", sent.Status, err)
	}
	paid := czWait(t, wx, cs.ID, "the case paid", func(c czCase) bool { return c.Paid })
	if paid.Status != "accepted" || paid.needs("pay") {
		t.Errorf("paid case = %+v, want accepted with nothing to pay", paid)
	}
	if replay, _ := sb.wechat.Resend(ctx, sent); replay.Status != http.StatusNoContent {
		t.Errorf("a replayed notification answered %d, want 204 (already applied)", replay.Status)
	}
	var timeline struct {
		Items []struct {
			Event string              `json:"event"`
			Actor struct{ ID string } `json:"actor"`
		} `json:"items"`
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+cs.ID+"/timeline", nil).JSON(t, &timeline)
	pays := 0
	for _, e := range timeline.Items {
		if e.Event == "pay" {
			pays++
		}
	}
	if pays != 1 {
		t.Errorf("timeline has %d pay events after a replayed notification, want 1", pays)
	}

	// The acceptance reached the inbox and, with the consent, WeChat.
	eventually(t, 10*time.Second, "the subscribe message", func() bool { return len(sb.wechat.Messages()) == 1 })
	if m := sb.wechat.Messages()[0]; m.OpenID != "o-zhangsan" || m.TemplateID != "ZV-ACCEPTED" || m.Data["character_string1"] != cs.Number[len(cs.Number)-32:] {
		t.Errorf("subscribe message = %+v", m)
	}
	var inbox struct {
		Items []struct {
			Template string `json:"template"`
			Title    string `json:"title"`
		} `json:"items"`
		Unread int `json:"unread"`
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/inbox", nil).JSON(t, &inbox)
	if len(inbox.Items) == 0 || inbox.Items[0].Template != workflow.TplAccepted || inbox.Unread != 1 {
		t.Errorf("inbox = %+v", inbox)
	}

	// The same person on Alipay: one citizen, one case history.
	ali := newCZClient(t, app)
	ali.login("alipay", sb.alipay.AuthCode(sandbox.User{UserID: "2088102122458832"}))
	var none struct{ Items []czCase }
	ali.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &none)
	if len(none.Items) != 0 {
		t.Fatalf("an unbound Alipay account sees %d cases", len(none.Items))
	}
	// Knowing the name and ID number is not enough to join the WeChat
	// citizen: a leaked pair must not open someone's cases.
	r := ali.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "identity_bound_elsewhere") {
		t.Fatalf("binding a held identity without a link code = %d %s, want 409 identity_bound_elsewhere", r.Status, r.Body)
	}
	ali.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &none)
	if len(none.Items) != 0 {
		t.Fatalf("a refused binding let the Alipay account see %d cases", len(none.Items))
	}
	if r := ali.call(http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "link_code": "00000000"}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a made-up link code = %d %s, want 422", r.Status, r.Body)
	}
	// The person proves control of the WeChat account with a link code from it.
	var link struct {
		Code string `json:"link_code"`
	}
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/link-code", nil).JSON(t, &link)
	ali.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "link_code": link.Code})
	var both struct{ Items []czCase }
	ali.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases", nil).JSON(t, &both)
	if len(both.Items) != 1 || both.Items[0].ID != cs.ID || !both.Items[0].Paid {
		t.Fatalf("the same person on Alipay sees %+v, want the paid WeChat case", both.Items)
	}

	// Withdrawing the paid case refunds the fee through WeChat Pay, once;
	// a refund that is still processing is asked about again, not taken as done.
	sb.wechat.RefundsProcessing(2)
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/withdraw", map[string]string{"reason": "不再需要"})
	// A withdrawn case is rated at both stages (受理 and 办结), once each.
	wx.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{
		"stage": "result", "stars": 3, "indicators": map[string]int{"convenience": 3}})
	wx.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{"stage": "accept", "stars": 4})
	if r := wx.call(http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{"stage": "accept", "stars": 1}); r.Status != http.StatusConflict || r.Code() != "already_evaluated" {
		t.Errorf("a second acceptance rating = %d %s", r.Status, r.Body)
	}
	var accEval struct {
		Stage, Channel, Service string
	}
	wx.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+cs.ID+"/evaluation?stage=accept", nil).JSON(t, &accEval)
	if accEval.Stage != "accept" || accEval.Channel != "wechat" || accEval.Service != "online" {
		t.Errorf("acceptance rating = %+v", accEval)
	}
	eventually(t, 10*time.Second, "the refund", func() bool { return len(sb.wechat.Refunds()) == 1 })
	eventually(t, 10*time.Second, "the order marked refunded", func() bool {
		o, err := app.citizen.deps.Payments.Get(ctx, pay.OutTradeNo)
		return err == nil && o.Status == models.PaymentRefunded
	})
	refundCalls := 0
	for _, r := range sb.wechat.Recorder.Requests() {
		if strings.HasSuffix(r.Path, "/refund/domestic/refunds") {
			refundCalls++
		}
	}
	if refundCalls != 3 {
		t.Errorf("%d refund calls, want 3: two answered PROCESSING and were asked again", refundCalls)
	}

	// Personal data is sealed at rest and never logged.
	clear := []string{basedatasb.ZhangSanID, phone, street, "文三路"}
	for table, text := range czTableText(t, app) {
		for _, c := range clear {
			if strings.Contains(text, c) {
				t.Errorf("table %s holds %q in clear", table, c)
			}
		}
	}
	for _, c := range append(clear, "张三") {
		if strings.Contains(logs.String(), c) {
			t.Errorf("the log holds %q", c)
		}
	}
	if !strings.Contains(logs.String(), "/api/v1/citizen/me/identity") {
		t.Error("the log capture saw no requests: the check above proves nothing")
	}
	var raw []string
	if err := app.db.Gorm().Raw(`SELECT id_sealed FROM citizens WHERE id = ?`, me.ID).Scan(&raw).Error; err != nil || len(raw) != 1 || !strings.HasPrefix(raw[0], "s1:") {
		t.Errorf("citizen's id_sealed = %v, %v; want an SM4 sealed value", raw, err)
	}
}
