package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"zerovisit/workflow/staff"

	basedatasb "zerovisit/integrations/basedata/sandbox"
)

// TestCounterIntakeIdempotent retries a counter intake with the same
// Idempotency-Key: the retry answers as the first time and opens no second
// case; the key reused for another application is refused.
func TestCounterIntakeIdempotent(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	id := addStaff(t, app, "retry.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	scan := counterScan(t, app, token)
	// Each application has its own signed letter; letter scans it once.
	letters := map[string]string{}
	letter := func(key string) string {
		if l, ok := letters[key]; ok {
			return l
		}
		letters[key] = counterScanOf(t, app, token, []byte("%PDF-1.4\n告知承诺书 "+key))
		return letters[key]
	}
	intake := func(key, phone string) (int, map[string]any) {
		return callWithKey(t, app, "/api/v1/staff/intake", token, key, map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": phone},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": scan}, {"code": "jycssyzm", "source": "upload", "ref": scan}},
			"commitment_signed": true, "commitment_letter": letters[key], "delivery": map[string]string{"method": "electronic"},
		})
	}
	counterCases := func() int {
		var n int
		if err := app.db.Gorm().Raw(`SELECT count(*) FROM cases`).Row().Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	letter("intake-retry-0001")
	letter("intake-double-0002") // read by the parallel attempts below
	code, first := intake("intake-retry-0001", "13900001111")
	if code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, first)
	}
	code, again := intake("intake-retry-0001", "13900001111")
	if code != http.StatusCreated {
		t.Fatalf("retried intake = %d %v", code, again)
	}
	firstCase, againCase := first["case"].(map[string]any), again["case"].(map[string]any)
	if firstCase["id"] != againCase["id"] || firstCase["number"] != againCase["number"] || againCase["status"] != firstCase["status"] {
		t.Errorf("retry answered case %v %v, want %v %v", againCase["id"], againCase["number"], firstCase["id"], firstCase["number"])
	}
	if got, want := counterCases(), 1; got != want {
		t.Errorf("%d cases after a retried intake, want %d", got, want)
	}

	code, reused := intake("intake-retry-0001", "13900002222")
	if e, _ := reused["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["code"] != "idempotency_key_reused" {
		t.Errorf("key reused for another intake = %d %v, want 422 idempotency_key_reused", code, reused)
	}
	code, bad := intake("short", "13900001111")
	if e, _ := bad["error"].(map[string]any); code != http.StatusBadRequest || e["code"] != "invalid_idempotency_key" {
		t.Errorf("malformed key = %d %v, want 400 invalid_idempotency_key", code, bad)
	}
	code, none := intake("", "13900001111")
	if e, _ := none["error"].(map[string]any); code != http.StatusBadRequest || e["code"] != "idempotency_key_required" {
		t.Errorf("intake without a key = %d %v, want 400 idempotency_key_required", code, none)
	}
	if got, want := counterCases(), 1; got != want {
		t.Errorf("%d cases, want %d", got, want)
	}

	// The clerk double-clicks: parallel attempts with one key open one case.
	const n = 6
	ids := make(chan any, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			code, body := intake("intake-double-0002", "13900003333")
			if code != http.StatusCreated {
				t.Errorf("parallel intake = %d %v", code, body)
				return
			}
			ids <- body["case"].(map[string]any)["id"]
		})
	}
	wg.Wait()
	close(ids)
	seen := map[any]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 || counterCases() != 2 {
		t.Errorf("parallel intakes with one key answered cases %v, %d cases stored; want one", seen, counterCases())
	}
	var events, claims, logs int
	caseID := func() any {
		for id := range seen {
			return id
		}
		return nil
	}()
	db := app.db.Gorm()
	_ = db.Raw(`SELECT count(*) FROM case_events WHERE case_id = ?`, caseID).Row().Scan(&events)
	_ = db.Raw(`SELECT count(*) FROM case_claims WHERE case_id = ? AND staff_id = ?`, caseID, id).Row().Scan(&claims)
	_ = db.Raw(`SELECT count(*) FROM case_staff_log WHERE case_id = ?`, caseID).Row().Scan(&logs)
	if events != 2 || claims != 1 || logs != 1 {
		t.Errorf("the intake stored %d events, %d claims and %d staff log entries; want the opening and the submission, the clerk's claim and its entry", events, claims, logs)
	}
}

// counterScan stores a scanned PDF and returns its key.
func counterScan(t *testing.T, app *App, token string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+app.Addr()+"/api/v1/staff/scans", bytes.NewReader([]byte("%PDF-1.4\nscan")))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var scan struct{ Key string }
	if err := json.NewDecoder(resp.Body).Decode(&scan); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("scan = %d %v", resp.StatusCode, err)
	}
	return scan.Key
}

// callWithKey posts a JSON body with an Idempotency-Key (none when key is
// empty) and decodes the answer.
func callWithKey(t *testing.T, app *App, path, token, key string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+app.Addr()+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
