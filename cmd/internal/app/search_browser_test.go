package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow/staff"
)

// TestConsoleSearchInBrowser: the queue shows the applicant's masked name
// under 申请人 and the card under 预警 (not 监察); a clerk finds the case
// by its number and by the applicant's phone from the search box.
func TestConsoleSearchInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	id := addStaff(t, app, "li.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	cs := counterIntake(t, app, token, "intake-browser-0001", "13900003333")
	number := cs["number"].(string)
	submitAt(t, app, "browser-other", "scjgj-spjyxk", false, time.Now())

	base := "http://" + app.Addr() + "/console/"
	run := func(what string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, acts...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %s", what, err, body)
		}
	}
	run("sign in", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "li.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")),
		chromedp.WaitVisible(chromedp.Search(`//th[normalize-space()="申请人"]`)),
		chromedp.WaitVisible(chromedp.Search(`//th[normalize-space()="预警"]`)),
		chromedp.WaitVisible(chromedp.Search(`//td[normalize-space()="张*"]`)))
	head, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#queue-table thead")))
	if err != nil || strings.Contains(head, "监察") {
		t.Errorf("queue header %q %v: want 预警, not 监察", head, err)
	}
	for _, key := range []string{number, "139 0000 3333"} {
		run("search "+key, chromedp.Navigate(base+"#/queue"), chromedp.WaitVisible(chromedp.CSS("#claim-next")),
			chromedp.SendKeys(chromedp.CSS("#search-q"), key),
			chromedp.Click(chromedp.Search(`//button[normalize-space()="检索"]`)),
			chromedp.WaitVisible(chromedp.Search(`//span[normalize-space()="找到 1 件"]`)),
			chromedp.WaitVisible(chromedp.Search(`//a[normalize-space()="`+number+`"]`)),
			chromedp.WaitVisible(chromedp.Search(`//td[normalize-space()="张*"]`)))
	}
	run("search by name", chromedp.Navigate(base+"#/queue"), chromedp.WaitVisible(chromedp.CSS("#claim-next")),
		chromedp.SendKeys(chromedp.CSS("#search-q"), "张三"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="检索"]`)),
		chromedp.WaitVisible(chromedp.Search(`//*[contains(., "不支持按姓名检索")]`)))
}
