package app

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

var (
	uuidText  = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}`)
	snakeText = regexp.MustCompile(`[a-z]+_[a-z_]+`)
	latinWord = regexp.MustCompile(`[a-z]{4,}`)
)

// TestTimelineInWordsInBrowser: a courier collects the originals and fails
// the check at the door; the clerk 王审批 claims the case. Its timeline and
// claim read in words: people and systems by name, events in Chinese, no
// UUID, snake_case event name or other code.
func TestTimelineInWordsInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "tl-words", pickupItem, true)
	collectOriginals(t, app, cl, c.ID)
	deliverWithDoorCheck(t, app, cl, c.ID, false)
	c = waitCase(t, app, c.ID, workflow.StatusCommitmentReview)
	hash, err := app.staffPasswords()
	if err != nil {
		t.Fatal(err)
	}
	pw, err := hash.Hash(context.Background(), testStaffPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.NewStaffStore(app.db).CreateStaff(context.Background(), staff.Account{ID: uuid.NewString(), Username: "wang.review",
		Name: "王审批", Department: c.Department, Roles: []staff.Role{staff.RoleClerk}, PasswordHash: pw, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}

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
		chromedp.SendKeys(chromedp.CSS("#login-username"), "wang.review"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(location.hash = "#/case/`+c.ID+`", true)`)); err != nil {
		t.Fatal(err)
	}
	run("claim", chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="领取办件"]`)),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="领取办件"]`)),
		chromedp.WaitVisible(chromedp.Search(`//*[@id="timeline"]//strong[normalize-space()="领取办件"]`)),
		chromedp.WaitVisible(chromedp.Search(`//strong[normalize-space()="原件收取"]`)),
		chromedp.WaitVisible(chromedp.Search(`//*[@id="timeline"]//*[contains(., "工作人员 王审批")]`)))
	tl, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#timeline")))
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []*regexp.Regexp{uuidText, snakeText, latinWord} {
		if m := re.FindAllString(tl, 5); len(m) > 0 {
			t.Errorf("timeline shows codes %q (%s):\n%s", m, re, tl)
		}
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []*regexp.Regexp{uuidText, snakeText} {
		if m := re.FindAllString(page, 5); len(m) > 0 {
			t.Errorf("case page shows codes %q (%s)", m, re)
		}
	}
}
