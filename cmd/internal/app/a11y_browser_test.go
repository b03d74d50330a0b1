package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow/staff"
)

// axeSource is axe-core from npm, pinned (testdata/axe/README.md). Only
// the test binary embeds it; the tests put it into the page over the
// DevTools protocol, so it never ships to users.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core's WCAG 2.1 A and AA rules on the page as it is
// and fails the test on a serious or critical violation.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+"\n;typeof axe === 'object'")); err != nil {
		t.Fatalf("%s: load axe-core: %v", page, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]
	}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe answer %q: %v", page, out, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: axe %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		} else {
			t.Logf("%s: axe %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// screenshotDir is where the browser tests leave their screenshots, kept
// after the run so a person can look at them.
var screenshotDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "zerovisit-screens-") })

// screenshots takes the page at desktop (1280×800) and phone (390×844)
// sizes, and goes back to desktop.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir, err := screenshotDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		size string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.w, s.h), chromedp.Sleep(150*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(dir, name+"-"+s.size+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
}

// longBrowser is browser(t) with room for many pages on a busy machine:
// each axe-core run and screenshot takes a moment.
func longBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(browser(t)), 4*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestAccessibilityConsoleInBrowser: axe-core finds no serious or critical
// violation on the queue, a case, the counter intake and supervision, in
// the default palette and in 关怀模式; 关怀模式 is switched on from the
// keyboard, shows a focus ring, enlarges the text and is remembered.
func TestAccessibilityConsoleInBrowser(t *testing.T) {
	ctx := longBrowser(t)
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	addStaff(t, app, "a11y.clerk", "scjgj", staff.RoleClerk, staff.RoleSupervisor)
	c := submitAt(t, app, "a11y-case", "scjgj-spjyxk", true, time.Now())

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate("http://"+app.Addr()+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, "login")
	screenshots(t, ctx, "console-login")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#login-username"), "a11y.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")),
		chromedp.WaitVisible(chromedp.CSS(`#queue-table tr[data-id="`+c.ID+`"]`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	pages := []struct{ name, hash, ready string }{
		{"queue", "#/queue", `#queue-table tr[data-id="` + c.ID + `"]`},
		{"case", "#/case/" + c.ID, "#case-status"},
		{"intake", "#/intake", "#intake-item"},
		{"supervision", "#/supervision", "#workloads"},
	}
	visit := func(mode string) {
		for _, p := range pages {
			err := chromedp.Do(ctx,
				chromedp.Evaluate[chromedp.Void](`location.hash = `+jsString(p.hash)),
				chromedp.WaitVisible(chromedp.CSS(p.ready)),
				chromedp.Sleep(200*time.Millisecond),
			)
			if err != nil {
				t.Fatalf("open %s: %v", p.name, err)
			}
			if still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector(`+jsString(p.ready)+`)`)); !still {
				t.Errorf("%s (%s): another page was drawn over it", p.name, mode)
			}
			checkAxe(t, ctx, p.name+" ("+mode+")")
			screenshots(t, ctx, "console-"+p.name+"-"+mode)
		}
	}
	visit("default")

	// 关怀模式 from the keyboard: Tab to the button (a real <button>),
	// Enter. The focused button shows a ring.
	rootSize := func() float64 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.documentElement).fontSize)`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := rootSize()
	focused := false
	for i := 0; i < 80 && !focused; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		focused, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement && document.activeElement.textContent.startsWith("关怀模式")`))
		if err != nil {
			t.Fatal(err)
		}
	}
	if !focused {
		t.Fatal("Tab never reached the 关怀模式 button")
	}
	ring, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(s => s.outlineStyle + " " + s.outlineWidth)(getComputedStyle(document.activeElement))`))
	if err != nil || !strings.HasPrefix(ring, "solid") || strings.HasPrefix(ring, "solid 0") {
		t.Errorf("focused 关怀模式 button outline = %q %v, want a visible ring", ring, err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.className + "|" + localStorage.getItem("zv.care") + "|" +
		document.getElementById("care-toggle").getAttribute("aria-pressed")`))
	if err != nil || state != "care|1|true" {
		t.Fatalf("after Enter on 关怀模式: class|stored|pressed = %q %v, want care|1|true", state, err)
	}
	if after := rootSize(); after < before*1.2 {
		t.Errorf("关怀模式 root font size %.1fpx, want ≥ 1.2 × %.1fpx", after, before)
	}
	// Remembered across a reload.
	// Move on at once: the reloaded page's late answer must not be drawn
	// over the next page.
	err = chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#main")))
	if err != nil {
		t.Fatal(err)
	}
	if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("care")`)); !on {
		t.Error("关怀模式 not remembered after a reload")
	}
	visit("care")
}

// TestAccessibilityCourierInBrowser: the couriers' page has no serious or
// critical axe-core violation signed out and at work, on a phone.
func TestAccessibilityCourierInBrowser(t *testing.T) {
	ctx := longBrowser(t)
	app := openCourierApp(t, nil)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate("http://"+app.Addr()+"/courier/"),
		chromedp.WaitVisible(chromedp.CSS("#login-phone")),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, "courier login")
	screenshots(t, ctx, "courier-login")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#login-phone"), courierPhone),
		chromedp.SendKeys(chromedp.CSS("#login-password"), courierPassword),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#work-view")),
		chromedp.Sleep(300*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	checkAxe(t, ctx, "courier work")
	screenshots(t, ctx, "courier-work")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#care-toggle"))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, "courier work (care)")
	screenshots(t, ctx, "courier-work-care")
}
