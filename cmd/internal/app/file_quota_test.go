package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/models"
	"zerovisit/workflow/files"
	"zerovisit/workflow/staff"
)

// postFile posts body as contentType with a bearer token and returns the
// status and the error code of a refusal.
func postFile(t *testing.T, url, token, contentType string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	var e apiErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error.Code
}

// postFilesAtOnce posts the bodies in parallel and counts the answers by
// status and code.
func postFilesAtOnce(t *testing.T, url, token, contentType string, bodies [][]byte) map[string]int {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = map[string]int{}
	)
	for _, b := range bodies {
		wg.Go(func() {
			st, code := postFile(t, url, token, contentType, b)
			mu.Lock()
			out[fmt.Sprintf("%d %s", st, code)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// storedFiles counts the bodies the blob store holds.
func storedFiles(t *testing.T, app *App, bodies [][]byte) int {
	t.Helper()
	n := 0
	for _, b := range bodies {
		sum := sha256.Sum256(b)
		r, err := app.blobs.Open(context.Background(), hex.EncodeToString(sum[:]))
		switch {
		case err == nil:
			r.Close()
			n++
		case !errors.Is(err, files.ErrNotFound):
			t.Fatal(err)
		}
	}
	return n
}

func testPDF(i int) []byte { return fmt.Appendf(nil, "%%PDF-1.4\nscan %d", i) }

// TestCounterScanQuota scans more at once than a clerk's quota allows:
// the scans past it are refused and not stored, another clerk is not
// held back, and an intake naming more scans than a case takes is refused.
func TestCounterScanQuota(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{
		"ZEROVISIT_DATABASE_URL":             testDatabaseURL(t),
		"ZEROVISIT_STAFF_SCAN_ACCOUNT_FILES": "3",
		"ZEROVISIT_STAFF_SCAN_CASE_FILES":    "1",
	}))
	url := "http://" + app.Addr() + "/api/v1/staff/scans"
	clerk := staffToken(t, app, addStaff(t, app, "scan.clerk", "scjgj", staff.RoleClerk), "scjgj", staff.RoleClerk)
	var scans [][]byte
	for i := range 6 {
		scans = append(scans, testPDF(i))
	}
	got := postFilesAtOnce(t, url, clerk, "application/pdf", scans)
	if got["201 "] != 3 || got["429 account_scan_quota"] != 3 {
		t.Fatalf("6 scans at once against a quota of 3: %v, want 3 201 and 3 429 account_scan_quota", got)
	}
	if n := storedFiles(t, app, scans); n != 3 {
		t.Errorf("%d scans stored, want the 3 accepted", n)
	}
	other := staffToken(t, app, addStaff(t, app, "other.clerk", "scjgj", staff.RoleClerk), "scjgj", staff.RoleClerk)
	first, second := counterScan(t, app, other), counterScanOf(t, app, other, testPDF(99))

	intake := func(key string, a, b string) (int, map[string]any) {
		return callWithKey(t, app, "/api/v1/staff/intake", other, key, map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": a}, {"code": "jycssyzm", "source": "upload", "ref": b}},
			"commitment_signed": true, "commitment_letter": a, "delivery": map[string]string{"method": "electronic"},
		})
	}
	if code, body := intake("intake-quota-0001", first, second); code != http.StatusRequestEntityTooLarge || body["error"].(map[string]any)["code"] != "case_scan_quota" {
		t.Errorf("intake of two scans against a case quota of one = %d %v, want 413 case_scan_quota", code, body)
	}
	if code, body := intake("intake-quota-0002", first, first); code != http.StatusCreated {
		t.Errorf("intake of one scan for two materials = %d %v, want 201", code, body)
	}
}

// counterScanOf stores body as a scanned PDF and returns its key.
func counterScanOf(t *testing.T, app *App, token string, body []byte) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+app.Addr()+"/api/v1/staff/scans", bytes.NewReader(body))
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

// TestCourierPhotoQuota takes more photos at once than a case's quota
// allows, then more than the courier's: the photos past either are
// refused and not stored, and a photo kept already is no new one.
func TestCourierPhotoQuota(t *testing.T) {
	app := openDoorApp(t, map[string]string{
		"ZEROVISIT_COURIER_PHOTO_CASE_FILES":    "3",
		"ZEROVISIT_COURIER_PHOTO_ACCOUNT_FILES": "4",
	})
	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-photo-1", pickupItem, true)
	collectOriginals(t, app, cl, c.ID)
	leg := legAtDoor(t, app, c.ID)
	url := cl.base + "/api/v1/courier/legs/" + leg.ID + "/photos"
	var photos [][]byte
	for i := range 6 {
		photos = append(photos, testPNG(t, uint8(10+i)))
	}
	got := postFilesAtOnce(t, url, cl.token, "image/png", photos)
	if got["200 "] != 3 || got["413 case_photo_quota"] != 3 {
		t.Fatalf("6 photos at once against a case quota of 3: %v, want 3 200 and 3 413 case_photo_quota", got)
	}
	if n := storedFiles(t, app, photos); n != 3 {
		t.Errorf("%d photos stored, want the 3 accepted", n)
	}
	var kept []byte
	for _, p := range photos {
		if storedFiles(t, app, [][]byte{p}) == 1 {
			kept = p
		}
	}
	if st, code := postFile(t, url, cl.token, "image/png", kept); st != http.StatusOK {
		t.Errorf("a photo kept already, again = %d %s, want 200", st, code)
	}

	c2 := submitCourierCase(t, app, "cr-photo-2", pickupItem, true)
	collectOriginals(t, app, cl, c2.ID)
	leg2 := legAtDoor(t, app, c2.ID)
	url2 := cl.base + "/api/v1/courier/legs/" + leg2.ID + "/photos"
	more := [][]byte{testPNG(t, 40), testPNG(t, 41)}
	got = postFilesAtOnce(t, url2, cl.token, "image/png", more)
	if got["200 "] != 1 || got["429 account_photo_quota"] != 1 {
		t.Fatalf("2 photos with room for 1 in the courier's quota: %v, want one 200 and one 429 account_photo_quota", got)
	}
	if n := storedFiles(t, app, more); n != 1 {
		t.Errorf("%d photos stored, want the 1 accepted", n)
	}
}

// TestScanRecordsPurged: the blob sweep forgets the records of counter
// scans older than both the blob retention and the scan quota's window,
// and keeps the recent ones the quota still counts.
func TestScanRecordsPurged(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{
		"ZEROVISIT_DATABASE_URL":        testDatabaseURL(t),
		"ZEROVISIT_BLOB_SWEEP_INTERVAL": "50ms",
	}))
	db := app.db.Gorm()
	old := time.Now().Add(-app.cfg.BlobRetention - app.cfg.Staff.Scans.Window - time.Hour)
	for key, at := range map[string]time.Time{"old-scan": old, "new-scan": time.Now()} {
		if ok, _, err := models.NewStaffStore(app.db).RecordScan(context.Background(), "st-purge", files.Object{Key: key, Size: 10}, at,
			files.Quota(app.cfg.Staff.Scans)); err != nil || !ok {
			t.Fatalf("record scan %s: %v %v", key, ok, err)
		}
	}
	keys := func() []string {
		var out []string
		if err := db.Raw(`SELECT blob_key FROM staff_scans WHERE staff_id = 'st-purge'`).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	eventually(t, 10*time.Second, "the old scan record purged", func() bool { return len(keys()) == 1 })
	if got := keys(); got[0] != "new-scan" {
		t.Errorf("scan records left = %v, want new-scan", got)
	}
}
