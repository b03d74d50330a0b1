package app

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
)

// failFetch makes the page's fetch of paths containing part fail as a lost
// network does (the browser's "Failed to fetch"), or answer after delay ms
// when delay > 0; "" puts the real fetch back.
func failFetch(part string, delay int) string {
	return `(() => {
		window.__fetch = window.__fetch || window.fetch;
		const real = window.__fetch, part = ` + jsString(part) + `, delay = ` + strconv.Itoa(delay) + `;
		window.fetch = part === "" ? real : (u, i) => !String(u).includes(part) ? real(u, i) :
			delay > 0 ? new Promise(r => setTimeout(r, delay)).then(() => real(u, i)) : Promise.reject(new TypeError("Failed to fetch"));
		return true;
	})()`
}

// TestConsoleFeedbackInBrowser: a lost network reads as a Chinese message
// saying what to do, not "Failed to fetch", at sign-in and when a page
// fails to open; a failed page leaves the previous page, its navigation
// and its address, and 重试 opens it once the network is back, with a
// loading state meanwhile; intake refusals show next to their field.
func TestConsoleFeedbackInBrowser(t *testing.T) {
	ctx := longBrowser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	addStaff(t, app, "fb.clerk", "scjgj", staff.RoleClerk, staff.RoleSupervisor)
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	waitFor := func(js string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v\npage: %s", js, err, eval(`document.body.innerText`))
		}
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate("http://"+app.Addr()+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.Evaluate[chromedp.Void](failFetch("/api/v1/staff/login", 0)),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "fb.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`document.getElementById("login-error").textContent !== ""`)
	if msg := eval(`document.getElementById("login-error").textContent`); !strings.Contains(msg, "无法连接服务器") || !strings.Contains(msg, "重试") {
		t.Errorf("sign-in with no network says %q, want 无法连接服务器 and what to do", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](failFetch("", 0)),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}

	// Supervision cannot be reached: the queue stays, with its navigation
	// and address, and the message says what to do.
	eval(`(` + failFetch("/api/v1/staff/supervision", 0) + `, location.hash = "#/supervision", "")`)
	waitFor(`document.getElementById("page-state").className === "error"`)
	state := eval(`document.getElementById("page-state").innerText`)
	if !strings.Contains(state, "无法连接服务器") || strings.Contains(eval(`document.body.innerText`), "Failed to fetch") {
		t.Errorf("failed page says %q", state)
	}
	if got := eval(`location.hash + " " + document.querySelector("#nav a.active").getAttribute("href") + " " + !!document.getElementById("claim-next")`); got != "#/queue #/queue true" {
		t.Errorf("after a failed load: hash, active link, queue shown = %q, want the queue kept", got)
	}
	screenshots(t, ctx, "console-page-failed")

	// Back online, slowly: 重试 shows the loading state, then the page.
	eval(`(` + failFetch("/api/v1/staff/supervision", 1500) + `, document.getElementById("page-retry").click(), "")`)
	waitFor(`document.getElementById("page-state").className === "loading"`)
	if got := eval(`document.getElementById("page-state").innerText + " " + document.getElementById("main").getAttribute("aria-busy")`); got != "正在加载… true" {
		t.Errorf("while loading: %q, want 正在加载… and aria-busy", got)
	}
	waitFor(`!!document.getElementById("workloads")`)
	if got := eval(`location.hash + " " + document.querySelector("#nav a.active").getAttribute("href") + " " + document.getElementById("page-state").hidden`); got != "#/supervision #/supervision true" {
		t.Errorf("after 重试: %q", got)
	}

	// A slow page asked for and then left: its late answer is not drawn
	// over the page the clerk moved on to.
	eval(`(` + failFetch("/api/v1/staff/stats", 1500) + `, location.hash = "#/queue", setTimeout(() => { location.hash = "#/supervision"; setTimeout(() => { location.hash = "#/queue"; }, 100); }, 300), "")`)
	waitFor(`location.hash === "#/queue" && !!document.getElementById("claim-next") && document.getElementById("page-state").hidden`)
	if err := chromedp.Do(ctx, chromedp.Sleep(2500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if got := eval(`location.hash + " " + document.querySelector("#nav a.active").getAttribute("href") + " " + !!document.getElementById("claim-next") + " " + !!document.getElementById("workloads")`); got != "#/queue #/queue true false" {
		t.Errorf("after leaving a slow page: hash, active link, queue, supervision = %q, want the queue alone", got)
	}

	// Intake: the message sits next to the field it is about.
	eval(`(` + failFetch("", 0) + `, location.hash = "#/intake", "")`)
	waitFor(`!!document.getElementById("intake-item")`)
	eval(`(document.getElementById("intake-submit").click(), "")`)
	waitFor(`!!document.getElementById("intake-item-error")`)
	if got := eval(`(e => e.textContent + " " + (e.previousElementSibling.id) + " " + document.getElementById("intake-item").getAttribute("aria-invalid") + " " + document.activeElement.id)(document.getElementById("intake-item-error"))`); got != "请选择办理事项 intake-item true intake-item" {
		t.Errorf("no item chosen: %q, want the message right after the focused field", got)
	}
	eval(`(s => { s.value = "scjgj-spjyxk"; s.dispatchEvent(new Event("change")); return ""; })(document.getElementById("intake-item"))`)
	if got := eval(`String(!!document.getElementById("intake-item-error"))`); got != "false" {
		t.Error("the item's message stays after choosing one")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#intake-name"), "张三"),
		chromedp.SendKeys(chromedp.CSS("#intake-id"), "123456"),
		chromedp.SendKeys(chromedp.CSS("#intake-phone"), "13812345678"),
		chromedp.Click(chromedp.CSS("#intake-submit")),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`!!document.getElementById("intake-id-error")`)
	if got := eval(`(e => e.textContent + " " + e.previousElementSibling.id + " " + document.activeElement.id)(document.getElementById("intake-id-error"))`); got != "身份证号码不正确 intake-id intake-id" {
		t.Errorf("refused ID number: %q, want the server's message next to the field", got)
	}
	checkAxe(t, ctx, "intake with a field error")
	screenshots(t, ctx, "console-intake-field-error")
}

// TestCourierPageFeedbackInBrowser: on the couriers' page a lost network
// says what to do, and the check at the door puts each missing answer next
// to its field.
func TestCourierPageFeedbackInBrowser(t *testing.T) {
	ctx := longBrowser(t)
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-feedback", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	waitFor := func(js string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v\npage: %s", js, err, eval(`document.body.innerText`))
		}
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate("http://"+app.Addr()+"/courier/"),
		chromedp.WaitVisible(css(`#login-phone`)),
		chromedp.SendKeys(css(`#login-phone`), courierPhone),
		chromedp.SendKeys(css(`#login-password`), courierPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"]`)),
		chromedp.Evaluate[chromedp.Void](failFetch("/api/v1/courier/legs", 0)),
		chromedp.Click(css(`#refresh`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`document.getElementById("message").textContent.includes("无法连接服务器")`)
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](failFetch("", 0)),
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`document.getElementById("message").textContent.includes("已揽收")`)
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "delivery"),
		chromedp.Click(css(`#scan-submit`)),
		chromedp.WaitVisible(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#door-submit`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`!!document.getElementById("id-number-error")`)
	if got := eval(`(e => e.textContent + " " + e.previousElementSibling.id + " " + document.activeElement.id)(document.getElementById("id-number-error"))`); got != "请填写收件人身份证号 id-number id-number" {
		t.Errorf("no ID number: %q, want the message right after the focused field", got)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css(`#id-number`), elicensesb.ZhangSanID),
		chromedp.Click(css(`#door-submit`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(`!!document.getElementById("check-pmbjt-pass-error")`)
	if got := eval(`(e => e.textContent + " " + e.previousElementSibling.className + " " + String(document.getElementById("id-number-error").hidden))(document.getElementById("check-pmbjt-pass-error"))`); got != "请选择“通过”或“不通过” verdict true" {
		t.Errorf("no verdict: %q, want the message after the item's choices and the ID message gone", got)
	}
	checkAxe(t, ctx, "courier door check with a field error")
	screenshots(t, ctx, "courier-door-field-error")
}
