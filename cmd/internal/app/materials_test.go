package app

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
)

// matApp is czApp with its own blob folder, whose files blobCount counts.
func matApp(t *testing.T, env map[string]string) (*App, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	all := map[string]string{"ZEROVISIT_BLOB_DIR": dir}
	for k, v := range env {
		all[k] = v
	}
	app, logs := czApp(t, all)
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, `"level":"ERROR"`) {
					t.Log(l)
				}
			}
		}
	})
	return app, dir
}

// blobCount is the number of objects kept under a blob folder.
func blobCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Base(filepath.Dir(path)) != "tmp" {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// zhangsan is a verified citizen on WeChat (the population sandbox's 张三).
func zhangsan(t *testing.T, app *App, openID string) *czClient {
	t.Helper()
	c := newCZClient(t, app)
	c.login("wechat", app.parties.sandboxes.channels.wechat.LoginCode(openID, ""))
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})
	return c
}

// caseMaterials is the materials of a case as its applicant sees them.
func caseMaterials(t *testing.T, c *czClient, id string) map[string]workflow.CaseMaterial {
	t.Helper()
	var full struct {
		Materials []workflow.CaseMaterial `json:"materials"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+id, nil).JSON(t, &full)
	out := map[string]workflow.CaseMaterial{}
	for _, m := range full.Materials {
		out[m.Code] = m
	}
	return out
}

// TestCorrectionTakesOnlyWhatWasAsked: a correction (补正) takes only the
// materials the clerk asked for, and never an upload in place of one the
// government libraries hold; what it refuses stores no file and changes
// nothing.
func TestCorrectionTakesOnlyWhatWasAsked(t *testing.T) {
	app, blobs := matApp(t, nil)
	ctx := context.Background()
	c := zhangsan(t, app, "o-zhangsan-correction")
	cs, _ := czApply(t, c, map[string]any{"method": "electronic"}, "submit-correction-0001")
	clerk := workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "clerk-1"}}
	if cs.Status == "submitted" {
		if _, err := app.svc.Do(ctx, cs.ID, workflow.Accept{Meta: clerk}, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := caseMaterials(t, c, cs.ID)
	if !before["sfz"].HeldByLibrary() || !before["jsz"].HeldByLibrary() {
		t.Fatalf("materials = %+v, want identity and licence from the libraries", before)
	}

	if _, err := app.svc.Do(ctx, cs.ID, workflow.RequestSupplement{Meta: clerk,
		Items: []workflow.SupplementItem{{Material: "sfz", Reason: "身份证不清晰"}}}, nil); !refusedWith(err, "material_held") {
		t.Fatalf("asking to correct the identity the population library holds = %v, want material_held", err)
	}
	if _, err := app.svc.Do(ctx, cs.ID, workflow.RequestSupplement{Meta: clerk,
		Items: []workflow.SupplementItem{{Reason: "请说明换证原因"}}}, nil); err != nil {
		t.Fatal(err)
	}
	stored := blobCount(t, blobs)
	for _, tc := range []struct{ material, code string }{
		{"sfz", "material_held"}, {"jsz", "material_held"}, {"tjzm", "material_not_requested"},
	} {
		r := c.upload(cs.ID, tc.material, czPNG(3000+len(tc.material)))
		if r.Status != http.StatusUnprocessableEntity || r.Code() != tc.code {
			t.Errorf("upload of %s for a correction asking for none = %d %s, want 422 %s", tc.material, r.Status, r.Body, tc.code)
		}
	}
	if got := blobCount(t, blobs); got != stored {
		t.Errorf("refused uploads stored %d files", got-stored)
	}
	// The health certificate uploaded for the draft, handed in again.
	draftUpload := draftUploadID(t, app, cs.ID, "tjzm")
	r := c.call(http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/supplement", map[string]any{
		"materials": []map[string]string{{"code": "tjzm", "upload_id": draftUpload}}, "note": "已说明"})
	if r.Status != http.StatusUnprocessableEntity || r.Code() != "material_not_requested" {
		t.Errorf("correction handing in a material nobody asked for = %d %s, want 422 material_not_requested", r.Status, r.Body)
	}
	after := caseMaterials(t, c, cs.ID)
	for code, m := range before {
		if after[code] != m {
			t.Errorf("refused correction changed %s: %+v, was %+v", code, after[code], m)
		}
	}
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+cs.ID+"/supplement", map[string]any{"note": "因证件到期换证"})
}

// refusedWith reports whether err is a refusal with code.
func refusedWith(err error, code string) bool {
	r, ok := workflow.AsRefusal(err)
	return ok && r.Code == code
}

// draftUploadID is the id of the upload a case's draft holds for material.
func draftUploadID(t *testing.T, app *App, caseID, material string) string {
	t.Helper()
	a, err := app.citizen.citizens.Application(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	if m := a.Material(material); m != nil && m.Upload != nil {
		return m.Upload.ID
	}
	t.Fatalf("the draft of %s holds no upload for %s", caseID, material)
	return ""
}

// TestDraftLimitHoldsUnderConcurrency: parallel requests never open more
// drafts than the limit of open drafts.
func TestDraftLimitHoldsUnderConcurrency(t *testing.T) {
	app, _ := matApp(t, nil)
	c := zhangsan(t, app, "o-zhangsan-drafts")
	const limit, n = 20, 40
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			codes[i] = c.call(http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).Status
		})
	}
	wg.Wait()
	created := 0
	for _, code := range codes {
		switch code {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("parallel draft answered %d, want 201 or 409", code)
		}
	}
	var page struct {
		Cases []czCase `json:"items"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases?status=draft&limit=50", nil).JSON(t, &page)
	if created > limit || len(page.Cases) > limit {
		t.Errorf("%d parallel requests opened %d drafts (%d listed), limit %d", n, created, len(page.Cases), limit)
	}
	if created != limit {
		t.Logf("%d of %d parallel requests opened a draft", created, n)
	}
}

// TestFileTypeCheckedBeforeStored: a counter scan and a door photo whose
// content is not of a type the endpoint takes store nothing, whatever
// their Content-Type says; a photo the leg cannot take stores nothing
// either. A citizen's upload is held to the same.
func TestFileTypeCheckedBeforeStored(t *testing.T) {
	app := openCourierApp(t, map[string]string{"ZEROVISIT_COURIER_DELIVERY_PROVIDER": "kuaidi100"})
	blobs := app.cfg.BlobDir
	send := func(path, token, contentType string, body []byte) czResp {
		t.Helper()
		c := &czClient{t: t, base: "http://" + app.Addr(), ip: "10.9.9.9", access: token}
		return c.send(http.MethodPost, path, contentType, bytes.NewReader(body))
	}
	clerk := addStaff(t, app, "scan.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, clerk, "scjgj", staff.RoleClerk)
	notAPicture := []byte("<html><body>not a scan at all, only text</body></html>")

	if r := send("/api/v1/staff/scans", token, "application/pdf", notAPicture); r.Status < 400 || r.Code() == "" {
		t.Errorf("scan of an HTML page sent as a PDF = %d %s, want refused", r.Status, r.Body)
	}
	if got := blobCount(t, blobs); got != 0 {
		t.Errorf("a refused scan stored %d files", got)
	}

	cl := newCourierClient(t, app)
	c := submitCourierCase(t, app, "cr-types", pickupItem, true)
	pickup := waitLeg(t, app, c.ID, desk.KindPickup)
	photo := func(contentType string, body []byte) czResp {
		return send("/api/v1/courier/legs/"+pickup.ID+"/photos", cl.token, contentType, body)
	}
	if r := photo("image/jpeg", notAPicture); r.Status != http.StatusUnsupportedMediaType || r.Code() != "not_a_photo" {
		t.Errorf("door photo of an HTML page sent as a JPEG = %d %s, want 415 not_a_photo", r.Status, r.Body)
	}
	if r := photo("image/png", testPNG(t, 3)); r.Status < 400 || r.Code() != "no_door_check" {
		t.Errorf("door photo for a pickup leg = %d %s, want no_door_check", r.Status, r.Body)
	}
	if got := blobCount(t, blobs); got != 0 {
		t.Errorf("refused door photos stored %d files", got)
	}
}

// TestUploadQuotas: past a case's quota of files or bytes an upload is
// refused with 413, past an account's quota within its window with 429;
// a refused upload stores nothing.
func TestUploadQuotas(t *testing.T) {
	app, blobs := matApp(t, map[string]string{
		"ZEROVISIT_CITIZEN_MAX_UPLOAD_BYTES":     "65536",
		"ZEROVISIT_CITIZEN_UPLOAD_CASE_FILES":    "3",
		"ZEROVISIT_CITIZEN_UPLOAD_CASE_BYTES":    "65536",
		"ZEROVISIT_CITIZEN_UPLOAD_ACCOUNT_FILES": "5",
		"ZEROVISIT_CITIZEN_UPLOAD_ACCOUNT_BYTES": "1048576",
	})
	c := zhangsan(t, app, "o-zhangsan-quota")
	draft := func() string {
		var d struct {
			Case czCase `json:"case"`
		}
		c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &d)
		return d.Case.ID
	}
	size := 1000
	upload := func(id string, n, want int, code string) {
		t.Helper()
		size++
		before := blobCount(t, blobs)
		r := c.upload(id, "tjzm", czPNG(size+n))
		if r.Status != want || (code != "" && r.Code() != code) {
			t.Fatalf("upload %d = %d %s, want %d %s", size, r.Status, r.Body, want, code)
		}
		if stored := blobCount(t, blobs) - before; want != http.StatusCreated && stored != 0 {
			t.Errorf("a refused upload stored %d files", stored)
		}
	}
	a := draft()
	for range 3 {
		upload(a, 0, http.StatusCreated, "")
	}
	upload(a, 0, http.StatusRequestEntityTooLarge, "case_upload_quota")
	b := draft()
	upload(b, 40000, http.StatusCreated, "")
	upload(b, 40000, http.StatusRequestEntityTooLarge, "case_upload_quota")
	d := draft()
	upload(d, 0, http.StatusCreated, "")
	upload(d, 0, http.StatusTooManyRequests, "account_upload_quota")
}

// TestUnreferencedFilesSwept: the blob sweep deletes a file no case refers
// to (a draft's upload superseded by another) once it is older than the
// retention, and never one a case refers to (a material handed in, a
// draft's current upload), however old.
func TestUnreferencedFilesSwept(t *testing.T) {
	app, blobs := matApp(t, map[string]string{"ZEROVISIT_BLOB_SWEEP_INTERVAL": "50ms", "ZEROVISIT_BLOB_RETENTION": "720h"})
	c := zhangsan(t, app, "o-zhangsan-sweep")
	submitted, _ := czApply(t, c, map[string]any{"method": "electronic"}, "submit-sweep-0001")
	handedIn := caseMaterials(t, c, submitted.ID)["tjzm"].Ref

	var d struct {
		Case czCase `json:"case"`
	}
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &d)
	key := func(r czResp) string {
		var u struct{ Key string }
		if r.Status != http.StatusCreated {
			t.Fatalf("upload = %d %s", r.Status, r.Body)
		}
		r.JSON(t, &u)
		return u.Key
	}
	superseded := key(c.upload(d.Case.ID, "tjzm", czPNG(5001)))
	current := key(c.upload(d.Case.ID, "tjzm", czPNG(5002)))
	path := func(k string) string { return filepath.Join(blobs, k[:2], k) }
	old := time.Now().Add(-31 * 24 * time.Hour)
	for _, k := range []string{handedIn, superseded, current} {
		if err := os.Chtimes(path(k), old, old); err != nil {
			t.Fatalf("age %s: %v", k, err)
		}
	}
	eventually(t, 10*time.Second, "the superseded upload to be deleted", func() bool {
		_, err := os.Stat(path(superseded))
		return errors.Is(err, fs.ErrNotExist)
	})
	time.Sleep(200 * time.Millisecond) // a few more sweeps
	for name, k := range map[string]string{"the material handed in": handedIn, "the draft's current upload": current} {
		if _, err := os.Stat(path(k)); err != nil {
			t.Errorf("%s was deleted: %v", name, err)
		}
	}
	// What a case refers to is still served.
	if r := c.call(http.MethodGet, "/api/v1/citizen/cases/"+submitted.ID, nil); r.Status != http.StatusOK {
		t.Errorf("case after the sweep = %d", r.Status)
	}
}

// TestUnusedScansSwept: a counter scan no intake named is deleted once
// older than the retention; one a case names is kept.
func TestUnusedScansSwept(t *testing.T) {
	blobs := filepath.Join(t.TempDir(), "blobs")
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_BLOB_DIR": blobs,
		"ZEROVISIT_BLOB_SWEEP_INTERVAL": "50ms", "ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	id := addStaff(t, app, "sweep.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	used := counterScan(t, app, token)
	c := &czClient{t: t, base: "http://" + app.Addr(), ip: "10.9.9.8", access: token}
	var unused struct{ Key string }
	r := c.send(http.MethodPost, "/api/v1/staff/scans", "application/pdf", bytes.NewReader([]byte("%PDF-1.4\nanother scan, never used")))
	if r.Status != http.StatusCreated {
		t.Fatalf("scan = %d %s", r.Status, r.Body)
	}
	r.JSON(t, &unused)
	if code, body := callWithKey(t, app, "/api/v1/staff/intake", token, "intake-sweep-0001", map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": used}, {"code": "jycssyzm", "source": "upload", "ref": used}},
		"commitment_signed": true, "commitment_letter": used, "delivery": map[string]string{"method": "electronic"},
	}); code != http.StatusCreated {
		t.Fatalf("intake = %d %v", code, body)
	}
	path := func(k string) string { return filepath.Join(blobs, k[:2], k) }
	old := time.Now().Add(-31 * 24 * time.Hour)
	for _, k := range []string{used, unused.Key} {
		if err := os.Chtimes(path(k), old, old); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 10*time.Second, "the unused scan to be deleted", func() bool {
		_, err := os.Stat(path(unused.Key))
		return errors.Is(err, fs.ErrNotExist)
	})
	if _, err := os.Stat(path(used)); err != nil {
		t.Errorf("the scan a case names was deleted: %v", err)
	}
}
