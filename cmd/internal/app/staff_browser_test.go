package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/models"
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
	// The access token expires while two calls are under way: both renew
	// the session with one refresh (a refresh token is good for one use;
	// a second use ends every session) and the clerk stays signed in.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const s = ZV.session(); s.tokens.access_token = "expired"; ZV.setSession(s);
		window.__renewed = null;
		Promise.all([ZV.get("/api/v1/staff/me"), ZV.get("/api/v1/staff/me")])
			.then(() => ZV.get("/api/v1/staff/me")).then(() => { window.__renewed = "ok"; }, e => { window.__renewed = "failed " + e.status; });
		return true;
	})()`))
	if err != nil || !got {
		t.Fatalf("start parallel calls: %v", err)
	}
	renewed, err := chromedp.Run(ctx, chromedp.Poll[string](`window.__renewed`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil || renewed != "ok" {
		t.Fatalf("parallel calls with an expired token: %q %v, want both answered and the session kept", renewed, err)
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
		chromedp.WaitVisible(chromedp.CSS(`#act-approve[data-armed="1"]`)),
	)
	if err != nil {
		t.Fatalf("ask to approve the second case: %v", err)
	}
	// One click only asks: nothing is decided until the second.
	if got := apiStatus(fresh.ID); got != string(workflow.StatusAccepted) {
		t.Fatalf("after one click on 准予许可 the case is %s, want still accepted", got)
	}
	if got := text("#act-approve"); got != "确认准予许可" {
		t.Errorf("the armed button reads %q", got)
	}
	err = chromedp.Do(ctx,
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

// TestConsolePagesInBrowser: a clerk pages through a queue longer than a
// page with the console's next and previous buttons and sees every case
// once; an administrator's account list shows every account, beyond the
// API's largest page.
func TestConsolePagesInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	addStaff(t, app, "pg.admin", "", staff.RoleAdministrator)
	addStaff(t, app, "pg.clerk", "scjgj", staff.RoleClerk)
	hasher, err := app.staffPasswords()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(context.Background(), "not-a-password-to-use")
	if err != nil {
		t.Fatal(err)
	}
	accounts := models.NewStaffStore(app.db)
	for i := range 205 {
		if _, err := accounts.CreateStaff(context.Background(), staff.Account{ID: fmt.Sprintf("st-many-%03d", i), Username: fmt.Sprintf("many%03d", i),
			Name: "成员", Department: "gaj", Roles: []staff.Role{staff.RoleClerk}, PasswordHash: hash, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Now().Add(-time.Hour)
	for i := range 23 {
		submitAt(t, app, fmt.Sprintf("pb-%02d", i), "scjgj-spjyxk", false, at.Add(time.Duration(i)*time.Second))
	}
	// rows waits for the queue table to show n rows and returns their ids.
	rows := func(n int) []string {
		t.Helper()
		ids, err := chromedp.Run(ctx, chromedp.Poll[[]string](fmt.Sprintf(`(() => {
			const ids = [...document.querySelectorAll("#queue-table tbody tr")].map((tr) => tr.dataset.id);
			return ids.length === %d ? ids : null; })()`, n)))
		if err != nil {
			t.Fatalf("waiting for %d queue rows: %v", n, err)
		}
		return ids
	}
	disabled := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("`+sel+`").disabled`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	signIn := func(user string, then string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS("#login-username")),
			chromedp.SendKeys(chromedp.CSS("#login-username"), user),
			chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(then)))
		if err != nil {
			t.Fatalf("sign in as %s: %v", user, err)
		}
	}
	base := "http://" + app.Addr() + "/console/"
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		t.Fatal(err)
	}
	signIn("pg.clerk", "#queue-table")
	first := rows(20)
	if !disabled("#prev-page") || disabled("#next-page") {
		t.Fatalf("first page: prev disabled %v, next disabled %v; want only prev disabled", disabled("#prev-page"), disabled("#next-page"))
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#next-page"))); err != nil {
		t.Fatal(err)
	}
	second := rows(3)
	all := append(slices.Clone(first), second...)
	slices.Sort(all)
	if len(slices.Compact(all)) != 23 || !disabled("#next-page") || disabled("#prev-page") {
		t.Errorf("pages %v and %v: want 23 cases once, and only next disabled on the last", first, second)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#prev-page"))); err != nil {
		t.Fatal(err)
	}
	if again := rows(20); !slices.Equal(again, first) {
		t.Errorf("back on the first page: %v, want %v", again, first)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#logout"))); err != nil {
		t.Fatal(err)
	}
	// The administrator lands on supervision; the account list is opened
	// from the navigation as a person would, once that page has loaded
	// (a jump before it would be overtaken by the landing page).
	signIn("pg.admin", `#nav a[href="#/accounts"]`)
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#main h1")),
		chromedp.Click(chromedp.CSS(`#nav a[href="#/accounts"]`))); err != nil {
		t.Fatal(err)
	}
	// 207 accounts: more than the largest page (200) the console asks for.
	n, err := chromedp.Run(ctx, chromedp.Poll[int](`(() => {
		const h1 = document.querySelector("#main h1");
		return h1 && h1.textContent === "账号管理" ? document.querySelectorAll("#main table tbody tr").length : null; })()`))
	if err != nil || n != 207 {
		t.Errorf("account rows = %d, %v; want all 207", n, err)
	}
}
