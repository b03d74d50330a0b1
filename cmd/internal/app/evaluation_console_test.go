package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow/feedback"
	"zerovisit/workflow/staff"
)

// TestEvaluationsConsoleInBrowser: a supervisor opens the 好差评 page, sees
// the bad rating's follow-up and the published figures, and records the
// visit-back from the page.
func TestEvaluationsConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	clerk := staffToken(t, app, addStaff(t, app, "con.clerk", "scjgj", staff.RoleClerk), "scjgj", staff.RoleClerk)
	addStaff(t, app, "con.sup", "scjgj", staff.RoleSupervisor)
	caseID := counterCase(t, app, clerk, true)
	link := issueLink(t, app, clerk, caseID, "result", "counter_qr")
	if code, body := call(t, app, http.MethodPost, "/api/v1/evaluation-links/"+link, "", map[string]any{"stars": 1}); code != http.StatusCreated {
		t.Fatalf("bad rating = %d %v", code, body)
	}
	base := "http://" + app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "con.sup"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#workloads")),
		chromedp.Navigate(base+"#/evaluations"),
		chromedp.WaitVisible(chromedp.CSS("#followups tbody tr")),
		chromedp.WaitVisible(chromedp.CSS("#evaluation-stats tbody tr")),
	)
	if err != nil {
		t.Fatalf("open the page: %v", err)
	}
	row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#evaluation-stats tbody tr")))
	if err != nil || !strings.Contains(row, "个体工商户") || !strings.Contains(row, "100%") {
		t.Errorf("figures row = %q, %v", row, err)
	}
	fu, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#followups tbody tr")))
	if err != nil || !strings.Contains(fu, "待回访") || !strings.Contains(fu, "非常不满意") {
		t.Errorf("follow-up row = %q, %v", fu, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { window.prompt = () => "已电话回访评价人"; return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#followups tbody tr button"))); err != nil {
		t.Fatalf("click: %v", err)
	}
	eventually(t, 10*time.Second, "the visit-back recorded", func() bool {
		f, err := app.citizen.deps.Evaluations.FollowupOfCase(context.Background(), caseID)
		return err == nil && f.Status == feedback.FollowupContacted
	})
}
