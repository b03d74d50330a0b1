package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// byText finds the tag whose visible text is text, as a person finds it.
func byText(tag, text string) chromedp.Search {
	return chromedp.Search(`//` + tag + `[normalize-space(.)="` + text + `"]`)
}

// TestSupervisionInBrowser opens the supervision page as a supervisor: the
// statistics cover the last 30 days up to today, 按时率 reads "—" where
// nothing was decided, the clerks and items have their own tables, the
// overdue case says by how many working days, the empty alert feed explains
// itself while red cards exist, and the Excel export downloads.
func TestSupervisionInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openTestApp(t, noHolders{}, figuresEnv(t))
	_, _, open := figuresCases(t, app, true)
	addStaff(t, app, "sv.supervisor", "scjgj", staff.RoleSupervisor)
	// A red card with no alert message yet (the alert is delivered later).
	if err := app.db.Gorm().Exec(`UPDATE cases SET card = 'red' WHERE id = ?`, open.ID).Error; err != nil {
		t.Fatal(err)
	}
	today := workflow.DateOf(time.Now())
	base := "http://" + app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "sv.supervisor"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(byText("h2", "按承办人")))
	if err != nil {
		t.Fatalf("sign in and open supervision: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//h2[starts-with(normalize-space(.), "统计（")]`)))
	if want := "统计（" + today.AddDays(-29).String() + " 至 " + today.String() + "）"; err != nil || heading != want {
		t.Errorf("statistics heading = %q %v, want %q", heading, err, want)
	}
	// The clerk table, found by the clerk's name.
	clerkRow, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//table[@id="clerk-stats"]//tr[td[1][normalize-space(.)="li.clerk"]]`)))
	if err != nil || !strings.Contains(clerkRow, "50%") {
		t.Errorf("li.clerk's row = %q %v, want 2 decided, 50%% on time", clerkRow, err)
	}
	itemRow, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//table[@id="item-stats"]//tr[td[2]]`)))
	if err != nil || itemRow == "" {
		t.Errorf("item rows = %q %v", itemRow, err)
	}
	late, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//table[@id="carded"]//tr[td//a[normalize-space(.)="`+open.Number+`"]]`)))
	if err != nil || !strings.Contains(late, "超期 ") || !strings.Contains(late, "个工作日") {
		t.Errorf("overdue row = %q %v, want its working days overdue", late, err)
	}
	empty, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//h2[normalize-space(.)="最新预警"]/following-sibling::p[1]`)))
	if err != nil || !strings.Contains(empty, "暂无预警消息") || !strings.Contains(empty, "红黄牌办件") {
		t.Errorf("empty alert feed = %q %v, want an explanation beside the red cards", empty, err)
	}

	shoot(t, ctx, "supervision")

	// A quiet day: nothing decided, 按时率 reads "—".
	q := time.Now().AddDate(0, 0, -5).Format("2006-01-02")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#stats-from"), q),
		chromedp.SetValue(chromedp.CSS("#stats-to"), q),
		chromedp.Click(byText("button", "统计")),
		chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space(.)="统计（`+q+` 至 `+q+`）"]`)))
	if err != nil {
		t.Fatalf("a quiet day: %v", err)
	}
	share, err := chromedp.Run(ctx, chromedp.Text(chromedp.Search(`//table[@id="stats"]//tr[td[1][normalize-space(.)="合计"]]/td[5]`)))
	if err != nil || share != "—" {
		t.Errorf("按时率 with nothing decided = %q %v, want —", share, err)
	}

	// The Excel export is fetched with the session and saved.
	if err := chromedp.Do(ctx, chromedp.Click(byText("button", "导出 Excel")),
		chromedp.WaitVisible(chromedp.Search(`//*[contains(normalize-space(.), "已导出 Excel 表格")]`))); err != nil {
		t.Errorf("the Excel export: %v", err)
	}
}

// shoot writes full-page screenshots of the page at desktop (1280 px) and
// phone (390×844) sizes as <name>-desktop.png and <name>-phone.png into
// $ZEROVISIT_SCREENSHOTS, when it is set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ZEROVISIT_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, size := range []struct {
		label string
		w, h  int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+"-"+size.label+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", path)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}
