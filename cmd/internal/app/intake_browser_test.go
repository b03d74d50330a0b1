package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow/staff"
)

// TestIntakeFormInBrowser: at the counter the clerk picks an item; the
// base-data materials read as words (no field code to type), trust first
// asks for the signed letter, and posting the result is offered with the
// recipient's address.
func TestIntakeFormInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	addStaff(t, app, "counter.clerk", "scjgj", staff.RoleClerk)
	base := "http://" + app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "counter.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(location.hash = "#/intake", true)`)); err != nil {
		t.Fatal(err)
	}
	choose := func(sel, value string) error {
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
			return err
		}
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector("`+sel+`").dispatchEvent(new Event("change")), true)`))
		return err
	}
	err = choose("#intake-item", "scjgj-gtgshsldj")
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#intake-letter")))
	}
	if err == nil {
		err = choose("#intake-delivery", "courier")
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#intake-post-address")))
	}
	if err != nil {
		t.Fatalf("fill the intake form: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#intake-form")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "由基础数据库按身份证号核验提供") || !strings.Contains(text, "告知承诺书") {
		t.Errorf("intake form reads %q", text)
	}
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#intake-form input:not([type=hidden])")].map(i => i.value).join(",")`))
	if err != nil || strings.Contains(visible, "identity") || strings.Contains(visible, "household") {
		t.Errorf("visible inputs carry library codes: %q %v", visible, err)
	}
}
