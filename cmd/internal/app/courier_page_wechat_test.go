package app

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// TestCourierPageWeChatScan scans a waybill through WeChat's JS-SDK where
// the page finds wx.scanQRCode. Outside WeChat the SDK cannot run, so the
// test stands in a wx object answering as scanQRCode does ("CODE_128,<code>");
// it checks the page's side: the button appears only then, the code fills
// the waybill, and the scan goes through.
func TestCourierPageWeChatScan(t *testing.T) {
	app := openCourierApp(t, nil)
	c := submitCourierCase(t, app, "cr-wechat", "scjgj-spjyxk", true)
	do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
	do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
	leg := waitLeg(t, app, c.ID, desk.KindDelivery)
	ctx, browserCtx := courierBrowser(t, t.TempDir())
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Without the SDK there is no WeChat button.
	plain := append(courierSignIn(app), pollJS(`document.querySelector('#scan-wechat').hidden`))
	if err := chromedp.Do(ctx, plain...); err != nil {
		t.Fatalf("page: %v", err)
	}
	fake := `window.wx = { scanQRCode(o) { setTimeout(() => o.success({ errMsg: 'scanQRCode:ok', resultStr: 'CODE_128,` + leg.Waybill + `' }), 10); } };`
	actions := []chromedp.Action[chromedp.Void]{chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fake})
		return err
	}),
		// Signed in already.
		chromedp.Navigate("http://" + app.Addr() + "/courier/"),
		chromedp.WaitVisible(css(`#work-view`)),
		chromedp.WaitVisible(css(`#scan-wechat`)),
		chromedp.Click(css(`#scan-wechat`)),
		pollJS(`document.querySelector('#scan-waybill').value === ` + jsString(leg.Waybill)),
		chromedp.SetValue(css(`#scan-kind`), "pickup"),
		chromedp.Click(css(`#scan-submit`)),
		waitTextIn(`#message`, "已揽收"),
	}
	if err := chromedp.Do(ctx, actions...); err != nil {
		shown, _ := chromedp.Run(browserCtx, chromedp.Text(css(`body`)))
		t.Fatalf("page: %v\npage text:\n%s", err, shown)
	}
}
