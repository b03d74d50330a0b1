package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// chromium finds Debian's chromium. In CI (CI=true) a missing browser
// fails the test; elsewhere it skips it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// TestCourierPageDoorCheck drives the couriers' mobile page in headless
// Chromium: sign in, a typed pickup scan, and a check at the door with the
// recipient's ID number and a photo of each original, which closes the
// trust-first case.
func TestCourierPageDoorCheck(t *testing.T) {
	browser := chromium(t)
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-page", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)

	dir := t.TempDir()
	photos := map[string]string{}
	for i, code := range []string{"pmbjt", "sbssqd"} {
		photos[code] = filepath.Join(dir, code+".png")
		if err := os.WriteFile(photos[code], testPNG(t, uint8(10+i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true), chromedp.WindowSize(414, 896))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil { // starts the browser, without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 60*time.Second)
	defer cancel()

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	waitText := func(sel, want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(document.querySelector(`+jsString(sel)+`)||{}).textContent?.includes(`+jsString(want)+`)`,
			chromedp.WithPollingTimeout(20*time.Second))
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate("http://"+app.Addr()+"/courier/"),
		chromedp.WaitVisible(css(`#login-phone`)),
		chromedp.SendKeys(css(`#login-phone`), courierPhone),
		chromedp.SendKeys(css(`#login-password`), courierPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#work-view`)),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"]`)),

		// A typed pickup scan at the department.
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
		waitText(`#message`, "已揽收"),

		// The check at the door.
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "delivery"),
		chromedp.Click(css(`#scan-submit`)),
		chromedp.WaitVisible(css(`#door`)),
		chromedp.WaitVisible(css(`#check-pmbjt-pass`)),
		chromedp.SendKeys(css(`#id-number`), elicensesb.ZhangSanID),
		chromedp.Click(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-sbssqd-pass`)),
		chromedp.SetUploadFiles(css(`#photo-pmbjt`), []string{photos["pmbjt"]}),
		waitText(`#photo-pmbjt-status`, "已上传"),
		chromedp.SetUploadFiles(css(`#photo-sbssqd`), []string{photos["sbssqd"]}),
		waitText(`#photo-sbssqd-status`, "已上传"),
		chromedp.Click(css(`#door-submit`)),
		waitText(`#message`, "核验通过"),
	)
	if err != nil {
		shown, _ := chromedp.Run(browserCtx, chromedp.Text(css(`body`)))
		t.Fatalf("page: %v\npage text:\n%s", err, shown)
	}
	message, err := chromedp.Run(ctx, chromedp.Text(css(`#message`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(message, leg.Waybill) {
		t.Errorf("message = %q, want it to name the waybill", message)
	}
	c = waitCase(t, app, c.ID, workflow.StatusClosed)
	for _, code := range []string{"pmbjt", "sbssqd"} {
		r, ok := c.Verification.Result(code)
		if !ok || !r.Passed || !strings.HasPrefix(r.Evidence, "photo:sm3:") || r.By.Kind != workflow.ActorCourier {
			t.Errorf("verification of %s = %+v", code, r)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
