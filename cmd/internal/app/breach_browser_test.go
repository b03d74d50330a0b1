package app

import (
	"bytes"
	"context"
	"image"
	pngenc "image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// TestBreachReviewInBrowser: a courier fails the check at the door; a
// clerk opens the case in the console, sees the finding and the courier's
// photo, and orders rectification within five working days.
func TestBreachReviewInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "br-fail", pickupItem, true)
	collectOriginals(t, app, cl, c.ID)
	deliverWithDoorCheck(t, app, cl, c.ID, false)
	c = waitCase(t, app, c.ID, workflow.StatusCommitmentReview)
	addStaff(t, app, "zhao.clerk", c.Department, staff.RoleClerk)

	base := "http://" + app.Addr() + "/console/"
	do := func(acts ...chromedp.Action[chromedp.Void]) func() error {
		return func() error {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			return chromedp.Do(sctx, acts...)
		}
	}
	var err error
	for i, step := range []func() error{
		do(chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("#login-username")),
			chromedp.SendKeys(chromedp.CSS("#login-username"), "zhao.clerk"),
			chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS("#claim-next"))),
		func() error {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(location.hash = "#/case/`+c.ID+`", true)`))
			return err
		},
		do(chromedp.WaitVisible(chromedp.CSS("#act-claim")), chromedp.Click(chromedp.CSS("#act-claim")),
			chromedp.WaitVisible(chromedp.CSS("#act-rectify"))),
	} {
		if err = step(); err != nil {
			t.Logf("step %d: %v", i, err)
			break
		}
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#breach-evidence figure img")))
	}
	if err != nil {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Logf("page: %s", html)
		t.Fatalf("open the case under review: %v", err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector("#breach-evidence img"); return !!i && i.complete && i.naturalWidth > 0; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !loaded {
		t.Errorf("the door photo did not load: %v", err)
	}
	// The applicant block is masked until the clerk asks, and the ask is logged.
	masked, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#applicant-body")))
	if err != nil || !strings.Contains(masked, "*") || strings.Contains(masked, elicensesb.ZhangSanID) {
		t.Errorf("applicant block before reveal = %q %v", masked, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#applicant-reveal"))); err != nil {
		t.Fatal(err)
	}
	revealed, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("applicant-body").innerText.includes("`+elicensesb.ZhangSanID+`")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !revealed {
		t.Errorf("the reveal did not show the full ID number: %v", err)
	}
	panel, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#breach")))
	if err != nil || !strings.Contains(panel, "核验不通过") || !strings.Contains(panel, "快递员") {
		t.Errorf("review panel = %q %v, want the finding and the courier", panel, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#rectify-reason"), "上门核验发现原件与承诺不符，请限期整改"),
		chromedp.SendKeys(chromedp.CSS("#rectify-basis"), "国办发〔2020〕42号"),
		chromedp.Click(chromedp.CSS("#act-rectify")),
		chromedp.WaitVisible(chromedp.CSS(`#case-status[data-status="rectifying"]`)),
	)
	if err != nil {
		t.Fatalf("order rectification: %v", err)
	}
	got, err := app.svc.Get(context.Background(), c.ID)
	if err != nil || got.Status != workflow.StatusRectifying || got.Breach.Rectification == nil || got.Breach.Rectification.Days != 5 {
		t.Fatalf("after the order: %+v %v", got.Breach, err)
	}
}

// TestMaterialViewerInBrowser: a clerk opens a counter case's scan in the
// viewer, rotates and zooms it.
func TestMaterialViewerInBrowser(t *testing.T) {
	ctx := browser(t)
	e := newSanctionEnv(t)
	var png bytes.Buffer
	pic := image.NewRGBA(image.Rect(0, 0, 40, 20))
	if err := pngenc.Encode(&png, pic); err != nil {
		t.Fatal(err)
	}
	e.scan = counterScanOf(t, e.app, e.token, png.Bytes())
	cs := e.intake(t, "intake-viewer-0001")
	base := "http://" + e.app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "sanction.clerk"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")),
	)
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(location.hash = "#/case/`+cs["id"].(string)+`", true)`))
	}
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll("button")].some(b => b.textContent === "预览")`, chromedp.WithPollingTimeout(15*time.Second)))
	}
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`([...document.querySelectorAll("button")].find(b => b.textContent === "预览").click(), true)`))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#viewer")), chromedp.WaitVisible(chromedp.CSS("#viewer-full")))
	}
	if err != nil {
		t.Fatalf("open the viewer: %v", err)
	}
	err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#viewer-image")), chromedp.Click(chromedp.CSS("#viewer-rotate")), chromedp.Click(chromedp.CSS("#viewer-zoom-in")))
	if err != nil {
		t.Fatalf("rotate and zoom: %v", err)
	}
	transform, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("viewer-image").style.transform`))
	if err != nil || !strings.Contains(transform, "rotate(90deg)") || !strings.Contains(transform, "scale(1.25)") {
		t.Errorf("viewer transform = %q %v", transform, err)
	}
}
