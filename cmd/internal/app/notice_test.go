package app

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// TestAcceptanceNoticePrints: the clerk prints the acceptance notice of an
// accepted case: the department, its credit code, the case number, the
// dates and the legal basis, and a QR code whose one-time link rates the
// acceptance. A notice the case cannot yet be given is refused.
func TestAcceptanceNoticePrints(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	id := addStaff(t, app, "notice.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	c := submitAt(t, app, "notice-1", "scjgj-spjyxk", true, time.Now())
	if c.Status != workflow.StatusAccepted {
		t.Fatalf("case %s", c.Status)
	}
	get := func(kind string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+"/api/v1/staff/cases/"+c.ID+"/notices/"+kind, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("approved"); code != http.StatusConflict {
		t.Errorf("a decision notice before the decision = %d, want 409", code)
	}
	code, page := get("accepted")
	if code != http.StatusOK {
		t.Fatalf("notice = %d %s", code, page)
	}
	for _, want := range []string{"受理通知书", c.Number, c.Terms.DepartmentName, "《中华人民共和国行政许可法》第三十二条",
		"data:image/png;base64,", "告知承诺制"} {
		if !strings.Contains(page, want) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	m := regexp.MustCompile(`evaluate\.html#([A-Za-z0-9_-]{43})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no evaluation link on the notice:\n%s", page)
	}
	code, view := call(t, app, http.MethodGet, "/api/v1/evaluation-links/"+m[1], "", nil)
	if code != http.StatusOK || view["stage"] != "accept" {
		t.Errorf("the printed link = %d %v, want the acceptance stage", code, view)
	}
}
