package app

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow/staff"
)

// TestQueueOnAPhoneInBrowser: at 390 px the queue shows each case as a
// card whose cells are named, instead of a table squeezed into columns of
// one character.
func TestQueueOnAPhoneInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	addStaff(t, app, "phone.clerk", "scjgj", staff.RoleClerk)
	submitAt(t, app, "phone-1", "scjgj-spjyxk", true, time.Now())
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate("http://"+app.Addr()+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "phone.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#queue-table tbody tr")),
	)
	if err != nil {
		t.Fatalf("open the queue: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const td = document.querySelector("#queue-table tbody td[data-label='事项']");
		const cs = getComputedStyle(td), before = getComputedStyle(td, "::before").content;
		return cs.display + "|" + before + "|" + (td.getBoundingClientRect().width > 300);
	})()`))
	if err != nil || got != `block|"事项："|true` {
		t.Errorf("a queue cell on a phone = %q %v, want a full-width named line", got, err)
	}
}
