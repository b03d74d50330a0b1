package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// courierBrowser starts headless Chromium at a phone's size (390×844)
// with its own profile in dir, and returns a context with a deadline.
func courierBrowser(t *testing.T, dir string) (ctx, browserCtx context.Context) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(390, 844))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browserCtx); err != nil { // starts the browser, without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx, browserCtx
}

// pollJS waits until the JavaScript expression is true.
func pollJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second))
}

// waitTextIn waits until the element's text contains want.
func waitTextIn(sel, want string) chromedp.Action[chromedp.Void] {
	return pollJS(`(document.querySelector(` + jsString(sel) + `)||{}).textContent?.includes(` + jsString(want) + `)`)
}

// courierSignIn opens the page and signs the test courier in.
func courierSignIn(app *App) []chromedp.Action[chromedp.Void] {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate("http://" + app.Addr() + "/courier/"),
		chromedp.WaitVisible(css(`#login-phone`)),
		chromedp.SendKeys(css(`#login-phone`), courierPhone),
		chromedp.SendKeys(css(`#login-password`), courierPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#work-view`)),
	}
}

// TestCourierPageWrongIDKeepsForm checks the door at a phone's size: a
// refused scan keeps the typed waybill and shows in the error colour; a
// photo that cannot be uploaded shows in the error colour; a wrong ID
// number keeps the checklist and the photos and clears only the ID field,
// with the error next to it; the right one then closes the case, and the
// delivered leg is listed apart from the pending ones. Once the courier
// holds the leg, the applicant's full address, phone (to call) and a map
// link are shown on request.
func TestCourierPageWrongIDKeepsForm(t *testing.T) {
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-wrong-id", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)

	dir := t.TempDir()
	photos := map[string]string{}
	for i, code := range []string{"pmbjt", "sbssqd"} {
		photos[code] = filepath.Join(dir, code+".png")
		if err := os.WriteFile(photos[code], testPNG(t, uint8(20+i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	notImage := filepath.Join(dir, "broken.png")
	if err := os.WriteFile(notImage, []byte("not an image at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, browserCtx := courierBrowser(t, dir)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	actions := append(courierSignIn(app),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"]`)),

		// A refused scan keeps what was typed, in the error colour.
		chromedp.SendKeys(css(`#scan-waybill`), "SF0000000000"),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
		waitTextIn(`#message`, "未被接受"),
		pollJS(`document.querySelector('#message').classList.contains('error')`),
		pollJS(`document.querySelector('#scan-waybill').value === 'SF0000000000'`),
		pollJS(`(document.querySelector('#scan-waybill').value = '') === ''`),

		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.Click(css(`#scan-submit`)),
		waitTextIn(`#message`, "已揽收"),
		pollJS(`document.querySelector('#scan-waybill').value === ''`),

		// The leg is the courier's now: the full address, a phone to call
		// and a map, on request.
		pollJS(`!document.querySelector('#legs li[data-waybill="`+leg.Waybill+`"]').textContent.includes('文三路')`),
		chromedp.Click(css(`#legs li[data-waybill="`+leg.Waybill+`"] button.reveal`)),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"] a[href="tel:`+zhangPhone+`"]`)),
		waitTextIn(`#legs li[data-waybill="`+leg.Waybill+`"] .contact`, zhangAddress),
		pollJS(`document.querySelector('#legs li[data-waybill="`+leg.Waybill+`"] a.map').href.startsWith('https://uri.amap.com/search?keyword=')`),

		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "delivery"),
		chromedp.Click(css(`#scan-submit`)),
		chromedp.WaitVisible(css(`#check-pmbjt-pass`)),

		// A file that is no photo: the failure in the error colour.
		chromedp.SetUploadFiles(css(`#photo-pmbjt`), []string{notImage}),
		waitTextIn(`#photo-pmbjt-status`, "失败"),
		pollJS(`document.querySelector('#photo-pmbjt-status').classList.contains('error')`),

		chromedp.Click(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-sbssqd-pass`)),
		chromedp.SetUploadFiles(css(`#photo-pmbjt`), []string{photos["pmbjt"]}),
		waitTextIn(`#photo-pmbjt-status`, "已上传"),
		pollJS(`!document.querySelector('#photo-pmbjt-status').classList.contains('error')`),
		chromedp.SetUploadFiles(css(`#photo-sbssqd`), []string{photos["sbssqd"]}),
		waitTextIn(`#photo-sbssqd-status`, "已上传"),

		// A wrong ID number: the form stays, only the ID field is cleared.
		chromedp.SendKeys(css(`#id-number`), elicensesb.LiNaID),
		chromedp.Click(css(`#door-submit`)),
		waitTextIn(`#id-number-error`, "不符"),
		pollJS(`!document.querySelector('#door').hidden`),
		pollJS(`document.querySelector('#id-number').value === ''`),
		pollJS(`document.querySelector('#check-pmbjt-pass').checked && document.querySelector('#check-sbssqd-pass').checked`),
		waitTextIn(`#photo-pmbjt-status`, "已上传"),
		waitTextIn(`#photo-sbssqd-status`, "已上传"),

		// The right one delivers.
		chromedp.SendKeys(css(`#id-number`), elicensesb.ZhangSanID),
		chromedp.Click(css(`#door-submit`)),
		waitTextIn(`#message`, "核验通过"),
		pollJS(`document.querySelector('#door').hidden`),
		pollJS(`document.querySelector('#id-number-error').textContent === ''`),

		// Done legs apart from pending ones.
		chromedp.WaitVisible(css(`#legs-done li[data-waybill="`+leg.Waybill+`"]`)),
		pollJS(`!document.querySelector('#legs li[data-waybill="`+leg.Waybill+`"]')`),
	)
	if err := chromedp.Do(ctx, actions...); err != nil {
		shown, _ := chromedp.Run(browserCtx, chromedp.Text(css(`body`)))
		t.Fatalf("page: %v\npage text:\n%s", err, shown)
	}
	waitCase(t, app, c.ID, workflow.StatusClosed)
}
