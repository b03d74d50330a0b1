package app

import (
	"context"
	"net/http"
	"testing"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow/staff"
)

// TestApplicantBlockRevealIsLogged: the case page shows the applicant
// masked; a clerk who asks sees the full ID number and phone, and the case's
// staff log names them; a supervisor may not ask.
func TestApplicantBlockRevealIsLogged(t *testing.T) {
	e := newSanctionEnv(t)
	cs := e.intake(t, "intake-applicant-0001")
	id := cs["id"].(string)
	base := "/api/v1/staff/cases/" + id + "/applicant"
	code, v := call(t, e.app, http.MethodGet, base, e.token, nil)
	if code != http.StatusOK || v["name"] != "张*" || v["id_number"] == basedatasb.ZhangSanID || v["phone"] != "139****1111" || v["revealed"] != false {
		t.Fatalf("masked applicant = %d %v", code, v)
	}
	before, _ := e.app.svc.Get(context.Background(), id)
	supID := addStaff(t, e.app, "applicant.super", "scjgj", staff.RoleSupervisor)
	sup := staffToken(t, e.app, supID, "scjgj", staff.RoleSupervisor)
	if code, body := call(t, e.app, http.MethodGet, base+"?reveal=true", sup, nil); code != http.StatusForbidden || errCode(body) != "reveal_forbidden" {
		t.Errorf("a supervisor reveals = %d %v, want 403 reveal_forbidden", code, body)
	}
	code, v = call(t, e.app, http.MethodGet, base+"?reveal=true", e.token, nil)
	if code != http.StatusOK || v["name"] != "张三" || v["id_number"] != basedatasb.ZhangSanID || v["phone"] != "13900001111" || v["revealed"] != true {
		t.Fatalf("revealed applicant = %d %v", code, v)
	}
	log, err := e.app.db.Gorm().Raw(`SELECT COUNT(*) FROM case_staff_log WHERE case_id = ? AND action = 'reveal_applicant'`, id).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var n int
	for log.Next() {
		_ = log.Scan(&n)
	}
	if n != 1 {
		t.Errorf("reveals logged = %d, want 1", n)
	}
	if after, _ := e.app.svc.Get(context.Background(), id); after.Version != before.Version {
		t.Errorf("reading the applicant changed the case: v%d -> v%d", before.Version, after.Version)
	}
}
