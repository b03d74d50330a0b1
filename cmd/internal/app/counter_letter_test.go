package app

import (
	"io"
	"net/http"
	"testing"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow/staff"
)

// TestCounterCommitmentNeedsTheSignedLetter: at the counter a trust-first
// case needs the scan of the letter the applicant signed, not a clerk's
// tick. The box alone is refused (422 commitment_letter_required) and
// opens no case; with the scan the case is approved on the commitment and
// keeps the letter, shown among the materials and served from the case.
func TestCounterCommitmentNeedsTheSignedLetter(t *testing.T) {
	app, _ := czApp(t, staffTestEnv(nil))
	id := addStaff(t, app, "letter.clerk", "scjgj", staff.RoleClerk)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk)
	scan := counterScan(t, app, token)
	letter := counterScanOf(t, app, token, []byte("%PDF-1.4\n告知承诺书 申请人签字：张三"))
	intake := func(key string, commitment map[string]any) (int, map[string]any) {
		body := map[string]any{
			"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
			"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
				{"code": "djsqs", "source": "upload", "ref": scan}, {"code": "jycssyzm", "source": "upload", "ref": scan}},
			"delivery": map[string]string{"method": "electronic"},
		}
		for k, v := range commitment {
			body[k] = v
		}
		return callWithKey(t, app, "/api/v1/staff/intake", token, key, body)
	}
	cases := func() int {
		var n int
		if err := app.db.Gorm().Raw(`SELECT count(*) FROM cases`).Row().Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	code, body := intake("intake-letter-0001", map[string]any{"commitment_signed": true})
	if e, _ := body["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["code"] != "commitment_letter_required" {
		t.Errorf("ticked box without the letter = %d %v, want 422 commitment_letter_required", code, body)
	}
	code, body = intake("intake-letter-0002", map[string]any{"commitment_letter": "00" + letter[2:]})
	if e, _ := body["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["code"] != "unknown_scan" {
		t.Errorf("a letter never scanned = %d %v, want 422 unknown_scan", code, body)
	}
	if n := cases(); n != 0 {
		t.Fatalf("%d cases after refused intakes, want none", n)
	}

	code, body = intake("intake-letter-0003", map[string]any{"commitment_signed": true, "commitment_letter": letter})
	if code != http.StatusCreated {
		t.Fatalf("intake with the letter = %d %v", code, body)
	}
	cs := body["case"].(map[string]any)
	if cs["status"] != "approved" || cs["trust_first"] != true {
		t.Errorf("case = %v %v, want approved on the commitment", cs["status"], cs["trust_first"])
	}
	code, again := intake("intake-letter-0003", map[string]any{"commitment_signed": true, "commitment_letter": letter})
	if code != http.StatusCreated || again["case"].(map[string]any)["id"] != cs["id"] {
		t.Errorf("retried intake = %d %v, want case %v again", code, again, cs["id"])
	}
	// Another applicant's intake naming the same signed letter.
	code, body = callWithKey(t, app, "/api/v1/staff/intake", token, "intake-letter-0004", map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant": map[string]string{"name": "欧阳娜娜", "id_number": basedatasb.OuyangID, "phone": "13900002222"},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": scan}, {"code": "jycssyzm", "source": "upload", "ref": scan}},
		"commitment_letter": letter, "delivery": map[string]string{"method": "electronic"},
	})
	if e, _ := body["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["code"] != "commitment_letter_used" {
		t.Errorf("another applicant with the same letter = %d %v, want 422 commitment_letter_used", code, body)
	}
	if n := cases(); n != 1 {
		t.Errorf("%d cases, want the one with the letter", n)
	}
	stored, err := app.svc.Get(t.Context(), cs["id"].(string))
	if err != nil || stored.Signature == nil || stored.Signature.Letter != letter {
		t.Fatalf("stored signature = %+v, %v; want the letter %s", stored.Signature, err, letter)
	}
	var shown map[string]any
	for _, m := range cs["materials"].([]any) {
		if m := m.(map[string]any); m["code"] == "commitment_letter" {
			shown = m
		}
	}
	if shown == nil || shown["preview"] != true || shown["name"] == "" {
		t.Errorf("materials = %v, want the signed letter among them with a preview", cs["materials"])
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+"/api/v1/staff/cases/"+cs["id"].(string)+"/materials/commitment_letter", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "%PDF-1.4\n告知承诺书 申请人签字：张三" {
		t.Errorf("letter served = %d %q, want the scan", resp.StatusCode, got)
	}
}
