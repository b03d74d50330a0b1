package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/alipay/sandbox"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/integrations/elicense"
	"zerovisit/workflow"
)

// TestCitizenBlacklistedOnAlipay: a joint-punishment target (the credit
// sandbox's 王五) signs the commitment but takes the ordinary path, and the
// answer says why; pays with Alipay (a wrong amount and a forged
// notification are refused and change nothing, a replay changes nothing);
// once the case is completed they are invited to evaluate it, and a bad
// rating opens a follow-up due in 15 working days.
func TestCitizenBlacklistedOnAlipay(t *testing.T) {
	app, _ := czApp(t, map[string]string{"ZEROVISIT_CITIZEN_INVITE_AFTER": "200ms"})
	ctx := context.Background()
	sb := app.parties.sandboxes.channels
	const userID = "2088000000000097"

	c := newCZClient(t, app)
	c.login("alipay", sb.alipay.AuthCode(sandbox.User{UserID: userID}))
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "王五", "id_number": basedatasb.WangWuID})
	sb.alipay.Subscribe(userID, "ZV-EVALUATE", 1)
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/subscriptions", map[string]any{"template_ids": []string{"ZV-EVALUATE"}})

	cs, body := czApply(t, c, map[string]any{"method": "electronic"}, "submit-wangwu-0001")
	if cs.Status != "submitted" || cs.TrustFirst || cs.Path == nil || cs.Path.Reason != string(workflow.PathCreditBlack) ||
		!strings.Contains(cs.Path.Note, "失信联合惩戒") {
		t.Fatalf("blacklisted submission = %s, want the ordinary path because of the credit blacklist", body.Body)
	}

	var full struct {
		Materials []workflow.CaseMaterial `json:"materials"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+cs.ID, nil).JSON(t, &full)
	for _, m := range full.Materials {
		if m.Code == "jsz" && (m.Source != workflow.SourceUpload || m.Note != elicense.ReasonNone) {
			t.Errorf("licence the library does not hold = %+v, want an upload noting why", m)
		}
	}

	// A clerk accepts and asks for a correction; the citizen uploads a new
	// certificate and hands it in.
	clerk := workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "clerk-1"}}
	if _, err := app.svc.Do(ctx, cs.ID, workflow.Accept{Meta: clerk}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := app.svc.Do(ctx, cs.ID, workflow.RequestSupplement{Meta: clerk,
		Items: []workflow.SupplementItem{{Material: "tjzm", Reason: "照片不清晰"}}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := czWait(t, c, cs.ID, "the correction request", func(c czCase) bool { return c.Status == "supplement_requested" }); !got.needs("supplement") {
		t.Errorf("a correction request is not among what is needed: %+v", got.Needed)
	}
	var up struct{ ID string }
	r := c.upload(cs.ID, "tjzm", czPNG(4096))
	if r.Status != http.StatusCreated {
		t.Fatalf("upload for the correction = %d %s", r.Status, r.Body)
	}
	r.JSON(t, &up)
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/supplement", map[string]any{
		"materials": []map[string]string{{"code": "tjzm", "upload_id": up.ID}}, "note": "已重新拍摄"})
	if _, err := app.svc.Do(ctx, cs.ID, workflow.Approve{Meta: clerk}, nil); err != nil {
		t.Fatal(err)
	}
	// Approved but unpaid: the result waits, and the case says so.
	waiting := czWait(t, c, cs.ID, "the approval", func(c czCase) bool { return c.Status == "approved" })
	if waiting.Stage != "awaiting_payment" || !waiting.needs("pay") {
		t.Errorf("approved unpaid case = %+v, want stage awaiting_payment", waiting)
	}
	if _, err := app.svc.Do(ctx, cs.ID, workflow.Dispatch{Meta: clerk}, nil); err == nil {
		t.Error("the result of an unpaid case was dispatched")
	}

	var pay struct {
		OutTradeNo    string `json:"out_trade_no"`
		AlipayTradeNo string `json:"alipay_trade_no"`
	}
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/payments", nil).JSON(t, &pay)
	if pay.AlipayTradeNo == "" {
		t.Fatalf("no Alipay trade to pay: %+v", pay)
	}
	again := struct {
		OutTradeNo string `json:"out_trade_no"`
	}{}
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/payments", nil).JSON(t, &again)
	if again.OutTradeNo != pay.OutTradeNo {
		t.Errorf("asking to pay again opened order %s, want the unpaid %s", again.OutTradeNo, pay.OutTradeNo)
	}

	t.Run("WrongAmount", func(t *testing.T) {
		n, err := sb.alipay.PayWith(ctx, pay.OutTradeNo, func(f url.Values) { f.Set("total_amount", "0.01") })
		if err != nil || n.Acknowledged() || n.Status != http.StatusBadRequest {
			t.Fatalf("a correctly signed notification of 0.01 yuan answered %d %q, %v; want 400 fail", n.Status, n.Answer, err)
		}
		if got := czWait(t, c, cs.ID, "the case", func(czCase) bool { return true }); got.Paid {
			t.Error("a wrong amount paid the case")
		}
	})
	t.Run("Forged", func(t *testing.T) {
		n := sb.alipay.Notifications()[0]
		f := url.Values{}
		for k, v := range n.Form {
			f[k] = v
		}
		f.Set("total_amount", "10.00")
		res, err := sb.alipay.Resend(ctx, sandbox.Notification{URL: n.URL, Form: f})
		if err != nil || res.Acknowledged() {
			t.Fatalf("a forged notification was acknowledged (%d %q, %v)", res.Status, res.Answer, err)
		}
	})

	sent, err := sb.alipay.Pay(ctx, pay.OutTradeNo)
	if err != nil || !sent.Acknowledged() {
		t.Fatalf("payment notification answered %d %q, %v", sent.Status, sent.Answer, err)
	}
	czWait(t, c, cs.ID, "the case paid", func(c czCase) bool { return c.Paid })
	if replay, _ := sb.alipay.Resend(ctx, sent); !replay.Acknowledged() {
		t.Errorf("a replayed notification was not acknowledged: %d %q", replay.Status, replay.Answer)
	}
	evs, err := app.svc.History(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	pays := 0
	for _, e := range evs {
		if e.Name == string(workflow.EventPay) {
			pays++
		}
	}
	if pays != 1 {
		t.Errorf("%d pay events, want 1", pays)
	}

	// Paid: the electronic result is issued and the ordinary-path case closes.
	if _, err := app.svc.Do(ctx, cs.ID, workflow.Dispatch{Meta: clerk}, nil); err != nil {
		t.Fatal(err)
	}
	closed := czWait(t, c, cs.ID, "the case closed", func(c czCase) bool { return c.Status == "closed" })
	if !closed.needs("evaluate") {
		t.Errorf("a closed case does not ask for an evaluation: %+v", closed.Needed)
	}

	eventually(t, 15*time.Second, "the evaluation invitation", func() bool {
		var inbox struct {
			Items []struct{ Template string } `json:"items"`
		}
		c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/inbox", nil).JSON(t, &inbox)
		for _, m := range inbox.Items {
			if m.Template == "evaluation_invitation" {
				return true
			}
		}
		return false
	})
	eventually(t, 10*time.Second, "the Alipay invitation message", func() bool {
		for _, m := range sb.alipay.Messages() {
			if m.TemplateID == "ZV-EVALUATE" && m.ToUserID == userID {
				return true
			}
		}
		return false
	})

	if r := c.call(http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{"stars": 6}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("six stars = %d, want 422", r.Status)
	}
	var ev struct {
		Stars       int        `json:"stars"`
		Level       string     `json:"level"`
		FollowupDue *time.Time `json:"followup_due"`
	}
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{
		"stars": 2, "indicators": map[string]int{"efficiency": 1, "convenience": 2}, "comment": "等待时间太长"}).JSON(t, &ev)
	if ev.Level != "不满意" || ev.FollowupDue == nil {
		t.Fatalf("bad rating = %+v, want a follow-up", ev)
	}
	f, err := app.citizen.deps.Evaluations.FollowupOfCase(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := app.svc.Engine().Calendar().AddWorkingDays(f.CreatedAt, 15)
	if !f.DueAt.Equal(want.UTC().Truncate(time.Microsecond)) || f.Department != "gaj" {
		t.Errorf("follow-up = %+v, want due %v (15 working days) for gaj", f, want)
	}
	if r := c.call(http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/evaluation", map[string]any{"stars": 5}); r.Status != http.StatusConflict || r.Code() != "already_evaluated" {
		t.Errorf("second evaluation = %d %s, want 409 already_evaluated", r.Status, r.Body)
	}
}
