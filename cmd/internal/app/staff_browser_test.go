package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow"
)

// chromiumPath finds Debian's chromium. In CI (CI=true) a missing browser
// fails the test; elsewhere it skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (.ci/run installs it)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// browser starts a headless chromium with a fresh profile and no network
// chatter of its own, and returns a tab's context with a deadline.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first call starts the browser; it lives as long as bctx, so the
	// deadline goes on a context derived after it.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestConsoleInBrowser drives the console in a real browser: a clerk signs
// in, claims the most urgent case from the keyboard (an overdue one with a
// red card), asks for a correction, then claims and approves a second case,
// and sees each state change in the page and in the API.
func TestConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	clerkID := addStaff(t, app, "wang.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, clerkID, "scjgj", staff.RoleClerk)

	late := submitAt(t, app, "b-late", "scjgj-spjyxk", true, time.Now().AddDate(0, 0, -20))
	fresh := submitAt(t, app, "a-fresh", "scjgj-spjyxk", true, time.Now())
	if late.Status != workflow.StatusAccepted || fresh.Status != workflow.StatusAccepted {
		t.Fatalf("seed: %s %s", late.Status, fresh.Status)
	}
	eventually(t, 10*time.Second, "the timer to turn the late case red", func() bool {
		c, err := app.svc.Get(context.Background(), late.ID)
		return err == nil && c.Card == workflow.CardRed
	})
	apiStatus := func(id string) string {
		code, body := call(t, app, http.MethodGet, "/api/v1/staff/cases/"+id, token, nil)
		if code != http.StatusOK {
			t.Fatalf("GET case %s = %d %v", id, code, body)
		}
		return body["status"].(string)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	base := "http://" + app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "wang.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#queue-table")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#queue-table tbody tr"), "data-id"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Value != late.ID {
		t.Fatalf("first in the queue = %q, want the red-carded %s", first.Value, late.ID)
	}
	// "c" claims the most urgent case and opens it.
	err = chromedp.Do(ctx,
		chromedp.KeyEvent("c"),
		chromedp.WaitVisible(chromedp.CSS("#act-supplement")),
		chromedp.SetValue(chromedp.CSS("#supp-material"), "pmbjt"),
		chromedp.SendKeys(chromedp.CSS("#supp-reason"), "平面布局图未标明操作间尺寸"),
		chromedp.Click(chromedp.CSS("#act-supplement")),
		chromedp.WaitVisible(chromedp.CSS(`#case-status[data-status="supplement_requested"]`)),
	)
	if err != nil {
		t.Fatalf("claim and request a correction: %v", err)
	}
	if got := text("#case-status"); got != "待补正" {
		t.Errorf("page shows status %q, want 待补正", got)
	}
	if got := text("#case-claim"); got == "未领取" {
		t.Errorf("page shows claim %q", got)
	}
	if got := apiStatus(late.ID); got != string(workflow.StatusSupplementRequested) {
		t.Errorf("API status of %s = %s, want supplement_requested", late.ID, got)
	}

	// Back to the queue, open the second case, claim it and approve it.
	row := fmt.Sprintf(`#queue-table tr[data-id="%s"]`, fresh.ID)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"#/queue"),
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.Click(chromedp.CSS(row+" a")),
		chromedp.WaitVisible(chromedp.CSS("#act-claim")),
		chromedp.Click(chromedp.CSS("#act-claim")),
		chromedp.WaitVisible(chromedp.CSS("#act-approve")),
		chromedp.SendKeys(chromedp.CSS("#approve-opinion"), "经审查，符合许可条件"),
		chromedp.Click(chromedp.CSS("#act-approve")),
		chromedp.WaitVisible(chromedp.CSS(`#case-status[data-status="approved"]`)),
	)
	if err != nil {
		t.Fatalf("approve the second case: %v", err)
	}
	if got := text("#case-status"); got != "已准予" {
		t.Errorf("page shows %q after approval", got)
	}
	if got := apiStatus(fresh.ID); got != string(workflow.StatusApproved) {
		t.Errorf("API status of %s = %s, want approved", fresh.ID, got)
	}
	c, err := app.svc.Get(context.Background(), fresh.ID)
	if err != nil || c.Decision == nil || c.Decision.By.ID != clerkID || c.Decision.Opinion != "经审查，符合许可条件" {
		t.Errorf("decision = %+v, %v", c.Decision, err)
	}
}
