package app

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// counterIntake takes in a walk-in 张三 at the scjgj counter with phone and
// returns the case as the API answered it.
func counterIntake(t *testing.T, app *App, token, key, phone string) map[string]any {
	t.Helper()
	scan := counterScan(t, app, token)
	letter := counterScanOf(t, app, token, []byte("%PDF-1.4\n告知承诺书 "+key))
	code, body := callWithKey(t, app, "/api/v1/staff/intake", token, key, map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": phone},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": scan}, {"code": "jycssyzm", "source": "upload", "ref": scan}},
		"commitment_signed": true, "commitment_letter": letter, "delivery": map[string]string{"method": "electronic"},
	})
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, body)
	}
	return body["case"].(map[string]any)
}

func searchNumbers(t *testing.T, app *App, token, key string) (int, map[string]any, []string) {
	t.Helper()
	code, body := call(t, app, http.MethodGet, "/api/v1/staff/search?q="+url.QueryEscape(key), token, nil)
	var numbers []string
	items, _ := body["items"].([]any)
	for _, it := range items {
		numbers = append(numbers, it.(map[string]any)["number"].(string))
	}
	return code, body, numbers
}

// TestStaffSearch: a clerk taking a call finds a walk-in's case by its
// number, the applicant's ID number or phone (as people type them), sees
// the applicant's masked name; a name is refused as a key; another
// department finds nothing; searches are rate-limited.
func TestStaffSearch(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	id := addStaff(t, app, "search.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	cs := counterIntake(t, app, token, "intake-search-0001", "13900001111")
	number := cs["number"].(string)
	submitAt(t, app, "other-case", "scjgj-spjyxk", false, time.Now())

	for _, tc := range []struct{ key, kind string }{
		{number, staff.SearchNumber}, {basedatasb.ZhangSanID, staff.SearchIDNumber},
		{"139 0000 1111", staff.SearchPhone}, {"+8613900001111", staff.SearchPhone},
	} {
		code, body, numbers := searchNumbers(t, app, token, tc.key)
		if code != http.StatusOK || body["kind"] != tc.kind || len(numbers) != 1 || numbers[0] != number {
			t.Errorf("search %q = %d kind %v %v, want %s found by %s", tc.key, code, body["kind"], numbers, number, tc.kind)
			continue
		}
		if got := body["items"].([]any)[0].(map[string]any)["applicant_name"]; got != "张*" {
			t.Errorf("search %q: applicant_name %v, want 张*", tc.key, got)
		}
	}
	if code, body, numbers := searchNumbers(t, app, token, "13900002222"); code != http.StatusOK || len(numbers) != 0 || body["total"] != float64(0) {
		t.Errorf("search of an unknown phone = %d %v", code, body)
	}
	code, body, _ := searchNumbers(t, app, token, "张三")
	if e, _ := body["error"].(map[string]any); code != http.StatusBadRequest || e["code"] != "unsupported_search_key" {
		t.Errorf("search by name = %d %v, want 400 unsupported_search_key", code, body)
	}

	// The queue shows the masked name too.
	code, q := call(t, app, http.MethodGet, "/api/v1/staff/queue", token, nil)
	found := false
	for _, it := range q["items"].([]any) {
		if m := it.(map[string]any); m["number"] == number {
			found = m["applicant_name"] == "张*"
		}
	}
	if code != http.StatusOK || !found {
		t.Errorf("queue = %d %v, want %s with applicant_name 张*", code, q, number)
	}

	// Another department's clerk finds nothing of scjgj's.
	other := addStaff(t, app, "jtj.clerk", "jtj", staff.RoleClerk)
	otherToken := staffToken(t, app, other, "jtj", staff.RoleClerk)
	for _, key := range []string{number, basedatasb.ZhangSanID, "13900001111"} {
		if code, body, numbers := searchNumbers(t, app, otherToken, key); code != http.StatusOK || len(numbers) != 0 {
			t.Errorf("jtj search %q = %d %v, want nothing", key, code, body)
		}
	}

	// Searches are rate-limited per account.
	limited := false
	for range staff.SearchLimit.Burst + 1 {
		code, body, _ := searchNumbers(t, app, token, number)
		if e, _ := body["error"].(map[string]any); code == http.StatusTooManyRequests && e["code"] == "search_rate_limited" {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("%d searches in a row were all answered, want search_rate_limited", staff.SearchLimit.Burst+1)
	}
}

// TestQueueShowsDaysOverdue: an overdue case tells how many working days
// it is late, not "0 days left".
func TestQueueShowsDaysOverdue(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	id := addStaff(t, app, "late.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	late := submitAt(t, app, "late-case", "scjgj-spjyxk", true, time.Now().AddDate(0, 0, -40))
	fresh := submitAt(t, app, "fresh-case", "scjgj-spjyxk", true, time.Now())
	if late.Status != workflow.StatusAccepted {
		t.Fatalf("seed: %s", late.Status)
	}
	c, err := app.svc.Get(context.Background(), late.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := app.svc.Engine().Calendar().WorkingDaysBetween(c.SLA.Deadline, time.Now())
	code, q := call(t, app, http.MethodGet, "/api/v1/staff/queue", token, nil)
	got := map[string]map[string]any{}
	for _, it := range q["items"].([]any) {
		m := it.(map[string]any)
		got[m["id"].(string)] = m
	}
	if code != http.StatusOK || got[late.ID]["overdue_days"] != float64(want) || want < 1 {
		t.Errorf("late case: overdue_days %v, want %d", got[late.ID]["overdue_days"], want)
	}
	if got[fresh.ID]["overdue_days"] != float64(0) {
		t.Errorf("fresh case: overdue_days %v, want 0", got[fresh.ID]["overdue_days"])
	}
}
