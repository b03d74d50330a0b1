package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/models"
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
	base := "http://" + app.Addr() + "/console/"
	// The clerk prints the result's evaluation code from the case page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "con.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#nav a[href="#/queue"]`)),
		chromedp.Navigate(base+"#/case/"+caseID),
		chromedp.WaitVisible(chromedp.CSS("#act-evaluation-link")),
		chromedp.Click(chromedp.CSS("#act-evaluation-link")),
	); err != nil {
		t.Fatalf("clerk prints the code: %v", err)
	}
	printed, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector("#evaluation-link").textContent || null`))
	i := strings.Index(printed, "/console/evaluate.html#")
	if err != nil || i < 0 {
		t.Fatalf("printed code = %q, %v", printed, err)
	}
	page := strings.SplitN(printed[i:], "（", 2)[0]
	link := strings.TrimPrefix(page, "/console/evaluate.html#")
	// The applicant scans it: the page shows the counter indicators and
	// takes one rating.
	if err := chromedp.Do(ctx,
		chromedp.Navigate("http://"+app.Addr()+page),
		chromedp.WaitVisible(chromedp.CSS("#evaluate-form")),
		chromedp.Click(chromedp.CSS(`#evaluate-form input[name="stars"][value="1"]`)),
		chromedp.SetValue(chromedp.CSS(`#evaluate-form select[name="service_attitude"]`), "1"),
		chromedp.Click(chromedp.CSS(`#evaluate-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#evaluate-done")),
	); err != nil {
		t.Fatalf("rate on the page: %v", err)
	}
	e, err := models.NewEvaluations(app.db, app.sealer).Get(context.Background(), caseID, feedback.StageResult)
	if err != nil || e.Stars != 1 || e.Channel != feedback.MediumCounterQR || e.Indicators["service_attitude"] != 1 {
		t.Fatalf("rating from the page = %+v, %v", e, err)
	}
	if code, body := call(t, app, http.MethodGet, "/api/v1/evaluation-links/"+link, "", nil); code != http.StatusNotFound {
		t.Errorf("the code after use = %d %v", code, body)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#logout"))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
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
