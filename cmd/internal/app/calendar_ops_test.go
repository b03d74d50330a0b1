package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// calendarMetricsToken guards /metrics in these tests.
const calendarMetricsToken = "calendar-metrics-token-0123456789abcdef"

// openCalendarApp runs the service over dbURL with a calendar file that
// knows only 2020, so this year (whatever it is) is missing.
func openCalendarApp(t *testing.T, dbURL string, more map[string]string) *App {
	t.Helper()
	path := filepath.Join(t.TempDir(), "calendar.yaml")
	yaml := "years:\n  - year: 2020\n    source: 国办发明电〔2019〕16号\n    holidays:\n      - name: 元旦\n        from: 2020-01-01\n        to: 2020-01-01\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": dbURL, "ZEROVISIT_CALENDAR_PATH": path,
		"ZEROVISIT_CALENDAR_POLL": "50ms", "ZEROVISIT_METRICS_TOKEN": calendarMetricsToken})
	for k, v := range more {
		env[k] = v
	}
	return openTestApp(t, nil, env)
}

// gapYears reads the years /readyz warns about.
func gapYears(t *testing.T, app *App) (map[int]string, map[string]any) {
	t.Helper()
	st, body := call(t, app, http.MethodGet, "/readyz", "", nil)
	if st != http.StatusOK {
		t.Fatalf("/readyz = %d %v, want 200 (a calendar gap is a warning, not a failure)", st, body)
	}
	out := map[int]string{}
	gaps, _ := body["calendar_gaps"].([]any)
	for _, g := range gaps {
		m := g.(map[string]any)
		out[int(m["year"].(float64))] = m["state"].(string)
	}
	return out, body
}

func metricsText(t *testing.T, app *App) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+calendarMetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// arrangement is a plausible announced year: 元旦 on 1 January, and a
// 国庆节 week with a make-up Saturday or Sunday before it.
func arrangement(year int) map[string]any {
	makeUp := time.Date(year, 9, 30, 0, 0, 0, 0, time.UTC)
	for makeUp.Weekday() != time.Saturday && makeUp.Weekday() != time.Sunday {
		makeUp = makeUp.AddDate(0, 0, -1)
	}
	return map[string]any{"year": year, "source": fmt.Sprintf("国办发明电〔%d〕1号", year-1), "holidays": []any{
		map[string]any{"name": "元旦", "from": fmt.Sprintf("%d-01-01", year), "to": fmt.Sprintf("%d-01-01", year)},
		map[string]any{"name": "国庆节", "from": fmt.Sprintf("%d-10-01", year), "to": fmt.Sprintf("%d-10-07", year),
			"workdays": []string{makeUp.Format("2006-01-02")}},
	}}
}

// TestCalendarGapsLoadAndReplicas: a replica names this year's missing
// calendar at start-up, on /readyz (still ready) and in a metric; a case
// due in that year is flagged to supervisors; an administrator loads the
// year over the API, audited and stored; the flag, the warning and the
// metric clear on this replica at once and on a second replica of the same
// database without a restart; a replica started afterwards counts with it.
func TestCalendarGapsLoadAndReplicas(t *testing.T) {
	dbURL := testDatabaseURL(t)
	one := openCalendarApp(t, dbURL, nil)
	two := openCalendarApp(t, dbURL, map[string]string{"ZEROVISIT_WORKER_ENABLED": "false"})
	this := workflow.DateOf(time.Now()).Year

	gaps, body := gapYears(t, one)
	if gaps[this] != workflow.GapMissing {
		t.Fatalf("/readyz gaps = %v, want %d missing", gaps, this)
	}
	if w, _ := body["warnings"].(map[string]any); !strings.Contains(fmt.Sprint(w["calendar"]), fmt.Sprintf("%d年未载入", this)) {
		t.Errorf("/readyz warnings = %v, want this year named", body["warnings"])
	}
	wantMetric := fmt.Sprintf(`zerovisit_calendar_gap{state="missing",year="%d"} 1`, this)
	if m := metricsText(t, one); !strings.Contains(m, wantMetric) || strings.Contains(m, "zerovisit_calendar_gap_years 0") {
		t.Errorf("/metrics lacks %q:\n%s", wantMetric, grepLines(m, "zerovisit_calendar"))
	}

	// A case accepted now is due in a year the calendar does not know.
	item := app1Item(t, one)
	c := submitCase(t, one, "cal-1", item.Code, false)
	c = do(t, one, c.ID, workflow.Accept{Meta: workflow.Meta{Actor: testClerk}})
	due := workflow.DateOf(c.SLA.Deadline).Year
	sup := staffToken(t, one, addStaff(t, one, "cal-sup", item.Department, staff.RoleSupervisor), item.Department, staff.RoleSupervisor)
	admin := staffToken(t, one, addStaff(t, one, "cal-admin", "", staff.RoleAdministrator), "", staff.RoleAdministrator)
	flagged := func(app *App) []any {
		st, v := call(t, app, http.MethodGet, "/api/v1/staff/supervision", sup, nil)
		if st != http.StatusOK {
			t.Fatalf("supervision = %d %v", st, v)
		}
		cal := v["calendar"].(map[string]any)
		return cal["cases"].([]any)
	}
	if got := flagged(one); len(got) != 1 || got[0].(map[string]any)["id"] != c.ID {
		t.Fatalf("supervision calendar flag = %v, want case %s due in %d", got, c.ID, due)
	}

	// Refusals change nothing.
	if st, v := call(t, one, http.MethodPut, fmt.Sprintf("/api/v1/staff/calendar/years/%d", due), sup, arrangement(due)); st != http.StatusForbidden {
		t.Errorf("a supervisor's load = %d %v, want 403", st, v)
	}
	bad := arrangement(due)
	bad["holidays"] = append(bad["holidays"].([]any), map[string]any{"name": "中秋节", "from": fmt.Sprintf("%d-10-03", due), "to": fmt.Sprintf("%d-10-03", due)})
	for name, body := range map[string]map[string]any{
		"Overlap":       bad,
		"NoSource":      {"year": due, "holidays": arrangement(due)["holidays"]},
		"NoHolidays":    {"year": due, "source": "s", "holidays": []any{}},
		"WeekdayMakeUp": {"year": due, "source": "s", "holidays": []any{map[string]any{"name": "劳动节", "from": fmt.Sprintf("%d-05-01", due), "to": fmt.Sprintf("%d-05-05", due), "workdays": []string{weekday(due)}}}},
		"OtherYear":     {"year": due, "source": "s", "holidays": []any{map[string]any{"name": "元旦", "from": fmt.Sprintf("%d-01-01", due+1), "to": fmt.Sprintf("%d-01-01", due+1)}}},
	} {
		st, v := call(t, one, http.MethodPut, fmt.Sprintf("/api/v1/staff/calendar/years/%d", due), admin, body)
		if e, _ := v["error"].(map[string]any); st != http.StatusUnprocessableEntity || e["code"] != "calendar_invalid" {
			t.Errorf("%s: load = %d %v, want 422 calendar_invalid", name, st, v)
		}
	}
	if st, v := call(t, one, http.MethodPut, fmt.Sprintf("/api/v1/staff/calendar/years/%d", due+1), admin, arrangement(due)); st != http.StatusUnprocessableEntity {
		t.Errorf("path and body years differ: %d %v, want 422", st, v)
	}
	if _, v := call(t, one, http.MethodGet, "/api/v1/staff/calendar", sup, nil); v["revision"] != float64(0) || len(v["loads"].([]any)) != 0 {
		t.Fatalf("after refusals the calendar = %v, want revision 0 and no loads", v)
	}

	// The load.
	st, v := call(t, one, http.MethodPut, fmt.Sprintf("/api/v1/staff/calendar/years/%d", due), admin, arrangement(due))
	if st != http.StatusOK || v["revision"] != float64(1) || v["loaded_by"] != "st-cal-admin" {
		t.Fatalf("load = %d %v, want revision 1 by st-cal-admin", st, v)
	}
	if got := flagged(one); len(got) != 0 {
		t.Errorf("after the load the flag still lists %v", got)
	}
	if gaps, _ := gapYears(t, one); gaps[due] != "" {
		t.Errorf("after the load /readyz still names %d: %v", due, gaps)
	}
	if m := metricsText(t, one); strings.Contains(m, fmt.Sprintf(`year="%d"`, due)) {
		t.Errorf("after the load /metrics still names %d:\n%s", due, grepLines(m, "zerovisit_calendar"))
	}
	holiday := workflow.Date{Year: due, Month: time.October, Day: 2}
	if one.svc.Engine().Calendar().IsWorkingDate(holiday) {
		t.Errorf("%s still a working day on the loading replica", holiday)
	}
	_, status := call(t, one, http.MethodGet, "/api/v1/staff/calendar", admin, nil)
	loads := status["loads"].([]any)
	if len(loads) != 1 || loads[0].(map[string]any)["year"] != float64(due) || loads[0].(map[string]any)["loaded_by"] != "st-cal-admin" {
		t.Errorf("audit trail = %v, want the one load by st-cal-admin", loads)
	}

	// The other replica follows without a restart.
	eventually(t, 5*time.Second, "the second replica picks up the load", func() bool { return !two.svc.Engine().Calendar().IsWorkingDate(holiday) })
	if gaps, _ := gapYears(t, two); gaps[due] != "" {
		t.Errorf("the second replica still names %d: %v", due, gaps)
	}
	if got := flagged(two); len(got) != 0 {
		t.Errorf("the second replica still flags %v", got)
	}

	// A replica started afterwards reads the load from the database.
	three := openCalendarApp(t, dbURL, map[string]string{"ZEROVISIT_WORKER_ENABLED": "false"})
	if three.svc.Engine().Calendar().IsWorkingDate(holiday) || three.svc.Engine().Calendar().Provisional(due) {
		t.Errorf("a replica started after the load lacks it")
	}
}

// TestCalendarLoadSpansNewYearAndRaces: 元旦 may start on 31 December of the
// year before; loads racing on one replica are serialised, each revision
// used once.
func TestCalendarLoadSpansNewYearAndRaces(t *testing.T) {
	app := openCalendarApp(t, testDatabaseURL(t), nil)
	admin := staffToken(t, app, addStaff(t, app, "cal-admin2", "", staff.RoleAdministrator), "", staff.RoleAdministrator)
	span := map[string]any{"year": 2028, "source": "国办发明电〔2027〕1号", "holidays": []any{
		map[string]any{"name": "元旦", "from": "2027-12-31", "to": "2028-01-02"}}}
	if st, v := call(t, app, http.MethodPut, "/api/v1/staff/calendar/years/2028", admin, span); st != http.StatusOK {
		t.Fatalf("load with 元旦 from 2027-12-31 = %d %v", st, v)
	}
	if app.svc.Engine().Calendar().IsWorkingDate(workflow.Date{Year: 2027, Month: time.December, Day: 31}) {
		t.Error("2027-12-31 counted as a working day")
	}
	// 2027 may not announce that day again.
	clash := map[string]any{"year": 2027, "source": "s", "holidays": []any{
		map[string]any{"name": "元旦", "from": "2027-12-31", "to": "2027-12-31"}}}
	if st, v := call(t, app, http.MethodPut, "/api/v1/staff/calendar/years/2027", admin, clash); st != http.StatusUnprocessableEntity {
		t.Errorf("a day announced by two years = %d %v, want 422", st, v)
	}

	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Go(func() {
			codes[i], _ = call(t, app, http.MethodPut, fmt.Sprintf("/api/v1/staff/calendar/years/%d", 2030+i), admin, arrangement(2030+i))
		})
	}
	wg.Wait()
	_, v := call(t, app, http.MethodGet, "/api/v1/staff/calendar", admin, nil)
	revs := map[float64]bool{}
	for _, l := range v["loads"].([]any) {
		revs[l.(map[string]any)["revision"].(float64)] = true
	}
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		} else if c != http.StatusConflict {
			t.Errorf("racing load answered %d", c)
		}
	}
	if len(revs) != ok+1 || v["revision"] != float64(ok+1) {
		t.Errorf("after %d successful racing loads: revisions %v, newest %v", ok, revs, v["revision"])
	}
}

// app1Item is an item that is not trust-first-only, with its department.
func app1Item(t *testing.T, app *App) workflow.Item {
	t.Helper()
	for _, it := range app.svc.Engine().Catalogue().Items() {
		if it.PromisedDays > 0 && it.Department != "" {
			return it
		}
	}
	t.Fatal("no item")
	return workflow.Item{}
}

// weekday returns a Wednesday of May in year.
func weekday(year int) string {
	d := time.Date(year, 5, 10, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Wednesday {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format("2006-01-02")
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestCalendarConsoleInBrowser: an administrator sees the missing year on
// the console's calendar page, is shown each problem of a wrong
// arrangement, loads the year, and the page stops naming it.
func TestCalendarConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	app := openCalendarApp(t, testDatabaseURL(t), nil)
	addStaff(t, app, "cal.admin", "", staff.RoleAdministrator)
	this := workflow.DateOf(time.Now()).Year
	gap := fmt.Sprintf(`#calendar-gaps li[data-year="%d"]`, this)
	base := "http://" + app.Addr() + "/console/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS("#login-username")),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "cal.admin"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testStaffPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#workloads")),
		chromedp.Navigate(base+"#/calendar"),
		chromedp.WaitVisible(chromedp.CSS(gap)),
		chromedp.SetValue(chromedp.CSS("#calendar-year"), strconv.Itoa(this)),
		chromedp.SetValue(chromedp.CSS("#calendar-source"), "国办发明电（测试）"),
		chromedp.SetValue(chromedp.CSS("#calendar-holidays"), fmt.Sprintf("国庆节 %[1]d-10-01 %[1]d-10-07\n中秋节 %[1]d-10-03 %[1]d-10-03", this)),
		chromedp.Click(chromedp.CSS("#calendar-submit")),
		chromedp.WaitVisible(chromedp.CSS("#calendar-problems li")),
	)
	if err != nil {
		t.Fatalf("refused load: %v", err)
	}
	if rev, _ := call(t, app, http.MethodGet, "/readyz", "", nil); rev != http.StatusOK {
		t.Fatalf("/readyz = %d", rev)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#calendar-holidays"), fmt.Sprintf("元旦 %[1]d-01-01 %[1]d-01-01\n国庆节 %[1]d-10-01 %[1]d-10-07", this)),
		chromedp.Click(chromedp.CSS("#calendar-submit")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#calendar-years tr[data-year="%d"]`, this))),
	)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	left, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('`+gap+`') !== null`))
	if err != nil || left {
		t.Errorf("the page still names %d after the load (%v)", this, err)
	}
	if app.svc.Engine().Calendar().IsWorkingDate(workflow.Date{Year: this, Month: time.October, Day: 2}) {
		t.Error("the loaded 国庆节 is not in the engine's calendar")
	}
}

// TestCalendarGapsInStartupLog: the start-up log names the missing year.
func TestCalendarGapsInStartupLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calendar.yaml")
	if err := os.WriteFile(path, []byte("years:\n  - year: 2020\n    source: s\n    holidays:\n      - name: 元旦\n        from: 2020-01-01\n        to: 2020-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t), "ZEROVISIT_CALENDAR_PATH": path,
		"ZEROVISIT_LOG_LEVEL": "warn"}, nil)
	logs := &syncBuffer{}
	app := NewApp(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	this := workflow.DateOf(time.Now()).Year
	if !strings.Contains(logs.String(), "working-day calendar incomplete") || !strings.Contains(logs.String(), fmt.Sprintf(`"year":%d,"state":"missing"`, this)) {
		t.Errorf("start-up log does not name %d as missing:\n%s", this, logs.String())
	}
}
