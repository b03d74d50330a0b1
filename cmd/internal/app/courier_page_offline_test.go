package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	elicensesb "zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// offline cuts the tab's network, its service worker's too, and tells the
// page it is offline; online gives it back.
func offline(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		rules := []*network.Conditions{}
		if on {
			rules = append(rules, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &on, MatchedNetworkConditions: rules,
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: on, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
}

// TestCourierPageDoorCheckOffline finishes a whole door check without
// signal (checklist, ID number, photos), closes the page, opens it again
// still offline (the service worker serves it, the queue is in IndexedDB),
// and comes back online: the check is applied once on the server.
func TestCourierPageDoorCheckOffline(t *testing.T) {
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-offline", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)

	dir := t.TempDir()
	photos := map[string]string{}
	for i, code := range []string{"pmbjt", "sbssqd"} {
		photos[code] = filepath.Join(dir, code+".png")
		if err := os.WriteFile(photos[code], testPNG(t, uint8(40+i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, browserCtx := courierBrowser(t, dir)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	fail := func(tab context.Context, err error) {
		t.Helper()
		shown, _ := chromedp.Run(tab, chromedp.Text(css(`body`)))
		t.Fatalf("page: %v\npage text:\n%s", err, shown)
	}

	// The first tab: signed in and the parcel picked up online, then the
	// door check with no signal.
	tab1, closeTab1 := chromedp.NewContext(ctx)
	actions := append(courierSignIn(app),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"]`)),
		pollJS(`!!navigator.serviceWorker.controller`),
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
		waitTextIn(`#message`, "已揽收"),

		offline(true),
		pollJS(`!navigator.onLine`),
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "delivery"),
		chromedp.Click(css(`#scan-submit`)),
		chromedp.WaitVisible(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-sbssqd-pass`)),
		chromedp.SetUploadFiles(css(`#photo-pmbjt`), []string{photos["pmbjt"]}),
		waitTextIn(`#photo-pmbjt-status`, "联网后上传"),
		pollJS(`!document.querySelector('#photo-pmbjt-status').classList.contains('ok')`),
		chromedp.SetUploadFiles(css(`#photo-sbssqd`), []string{photos["sbssqd"]}),
		waitTextIn(`#photo-sbssqd-status`, "联网后上传"),
		chromedp.SendKeys(css(`#id-number`), elicensesb.ZhangSanID),
		chromedp.Click(css(`#door-submit`)),
		waitTextIn(`#message`, "已保存"),
		pollJS(`document.querySelector('#door').hidden`),
		waitTextIn(`#queue-count`, "1"),
	)
	if err := chromedp.Do(tab1, actions...); err != nil {
		fail(tab1, err)
	}
	closeTab1()
	if got, _ := app.courier.store.Leg(context.Background(), leg.ID); got.Door != nil || got.Status == desk.StatusDelivered {
		t.Fatalf("the leg changed while the phone was offline: %+v", got.Door)
	}

	// A new tab, still offline: the page opens and the check is waiting.
	tab2, closeTab2 := chromedp.NewContext(ctx)
	defer closeTab2()
	err := chromedp.Do(tab2,
		offline(true),
		chromedp.Navigate("http://"+app.Addr()+"/courier/"),
		chromedp.WaitVisible(css(`#work-view`)),
		pollJS(`!navigator.onLine && !!navigator.serviceWorker.controller`),
		waitTextIn(`#queue-count`, "1"),
		chromedp.Sleep(500*time.Millisecond),
		waitTextIn(`#queue-count`, "1"),

		// Back online: sent once, photos first.
		offline(false),
		waitTextIn(`#message`, "核验通过"),
		waitTextIn(`#queue-count`, "0"),
	)
	if err != nil {
		fail(tab2, err)
	}
	_ = browserCtx

	c = waitCase(t, app, c.ID, workflow.StatusClosed)
	for _, code := range []string{"pmbjt", "sbssqd"} {
		r, ok := c.Verification.Result(code)
		if !ok || !r.Passed || !strings.HasPrefix(r.Evidence, "photo:sm3:") || r.By.Kind != workflow.ActorCourier {
			t.Errorf("verification of %s = %+v", code, r)
		}
	}
	tracks, err := app.courier.store.Tracks(context.Background(), leg.ID)
	if err != nil {
		t.Fatal(err)
	}
	deliveries := 0
	for _, tr := range tracks {
		if tr.Source == "courier" && tr.Code == string(desk.ScanDelivery) {
			deliveries++
		}
	}
	if deliveries != 1 {
		t.Errorf("delivery scans on the leg = %d, want 1", deliveries)
	}
}

// TestCourierPageOfflineWrongID sends a door check queued offline with a
// wrong ID number: when it is refused back online, the check comes back
// with its verdicts and uploaded photos and only the ID number to give
// again, and the right one delivers.
func TestCourierPageOfflineWrongID(t *testing.T) {
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-offline-id", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)
	dir := t.TempDir()
	photos := map[string]string{}
	for i, code := range []string{"pmbjt", "sbssqd"} {
		photos[code] = filepath.Join(dir, code+".png")
		if err := os.WriteFile(photos[code], testPNG(t, uint8(50+i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, browserCtx := courierBrowser(t, dir)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	actions := append(courierSignIn(app),
		chromedp.WaitVisible(css(`#legs li[data-waybill="`+leg.Waybill+`"]`)),
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
		waitTextIn(`#message`, "已揽收"),

		offline(true),
		chromedp.SendKeys(css(`#scan-waybill`), leg.Waybill),
		chromedp.SetValue(css(`#scan-kind`), "delivery"),
		chromedp.Click(css(`#scan-submit`)),
		chromedp.WaitVisible(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-pmbjt-pass`)),
		chromedp.Click(css(`#check-sbssqd-pass`)),
		chromedp.SetUploadFiles(css(`#photo-pmbjt`), []string{photos["pmbjt"]}),
		waitTextIn(`#photo-pmbjt-status`, "联网后上传"),
		chromedp.SetUploadFiles(css(`#photo-sbssqd`), []string{photos["sbssqd"]}),
		waitTextIn(`#photo-sbssqd-status`, "联网后上传"),
		chromedp.SendKeys(css(`#id-number`), elicensesb.LiNaID),
		chromedp.Click(css(`#door-submit`)),
		pollJS(`document.querySelector('#door').hidden`),

		offline(false),
		waitTextIn(`#id-number-error`, "不符"),
		pollJS(`!document.querySelector('#door').hidden && document.querySelector('#id-number').value === ''`),
		pollJS(`document.querySelector('#check-pmbjt-pass').checked && document.querySelector('#check-sbssqd-pass').checked`),
		waitTextIn(`#photo-pmbjt-status`, "已上传"),
		waitTextIn(`#queue-count`, "0"),
		chromedp.SendKeys(css(`#id-number`), elicensesb.ZhangSanID),
		chromedp.Click(css(`#door-submit`)),
		waitTextIn(`#message`, "核验通过"),
	)
	if err := chromedp.Do(ctx, actions...); err != nil {
		shown, _ := chromedp.Run(browserCtx, chromedp.Text(css(`body`)))
		t.Fatalf("page: %v\npage text:\n%s", err, shown)
	}
	waitCase(t, app, c.ID, workflow.StatusClosed)
}
