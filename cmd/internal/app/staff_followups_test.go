package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/models"
)

// TestSupervisorResolvesBadRating: a 1–2 star evaluation opens a follow-up
// that the department's supervisor sees and closes; another department's
// supervisor and a clerk cannot.
func TestSupervisorResolvesBadRating(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(nil))
	ctx := context.Background()
	evals := models.NewEvaluations(app.db, app.sealer)
	due := time.Now().Add(21 * 24 * time.Hour)
	if _, f, err := evals.Submit(ctx, models.Evaluation{CaseID: "fu-1", PrincipalID: "p1", PersonID: "p1", ItemCode: "scjgj-spjyxk",
		Department: "scjgj", Stars: 1, Channel: "wechat", CreatedAt: time.Now()},
		&models.Followup{CaseID: "fu-1", Department: "scjgj", Stars: 1, Status: models.FollowupOpen, DueAt: due}, ""); err != nil || f == nil {
		t.Fatalf("bad rating: follow-up %v, %v", f, err)
	}

	sup := staffToken(t, app, addStaff(t, app, "sup-scjgj", "scjgj", staff.RoleSupervisor), "scjgj", staff.RoleSupervisor)
	other := staffToken(t, app, addStaff(t, app, "sup-gaj", "gaj", staff.RoleSupervisor), "gaj", staff.RoleSupervisor)
	clerk := staffToken(t, app, addStaff(t, app, "clerk-scjgj", "scjgj", staff.RoleClerk), "scjgj", staff.RoleClerk)

	st, body := call(t, app, http.MethodGet, "/api/v1/staff/followups", sup, nil)
	items, _ := body["items"].([]any)
	if st != http.StatusOK || len(items) != 1 {
		t.Fatalf("supervisor's follow-ups = %d %v, want the one open task", st, body)
	}
	if st, body := call(t, app, http.MethodGet, "/api/v1/staff/followups", other, nil); st != http.StatusOK || len(body["items"].([]any)) != 0 {
		t.Errorf("another department's supervisor sees %v", body)
	}
	if st, _ := call(t, app, http.MethodGet, "/api/v1/staff/followups", clerk, nil); st != http.StatusForbidden {
		t.Errorf("a clerk listing follow-ups = %d, want 403", st)
	}
	if st, _ := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/close", other, map[string]string{"resolution": "已回访"}); st != http.StatusForbidden {
		t.Errorf("another department closing = %d, want 403", st)
	}
	if st, _ := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/close", sup, map[string]string{"resolution": " "}); st != http.StatusUnprocessableEntity {
		t.Errorf("closing without a resolution = %d, want 422", st)
	}
	if st, _ := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/close", sup, map[string]string{"resolution": "已回访"}); st != http.StatusConflict {
		t.Errorf("closing before contact and verification = %d, want 409", st)
	}
	for _, step := range []map[string]string{{"step": "contact", "note": "已电话回访"}, {"step": "verify", "note": "经核实情况不属实", "finding": "unfounded"}} {
		if st, body := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/steps", sup, step); st != http.StatusOK {
			t.Fatalf("%s = %d %v", step["step"], st, body)
		}
	}
	if st, body := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/close", sup, map[string]string{"resolution": "已电话回访，申请人表示满意"}); st != http.StatusOK {
		t.Fatalf("close = %d %v", st, body)
	}
	if st, _ := call(t, app, http.MethodPost, "/api/v1/staff/followups/fu-1/close", sup, map[string]string{"resolution": "再次"}); st != http.StatusConflict {
		t.Errorf("closing twice = %d, want 409", st)
	}
	f, err := evals.FollowupOfCase(ctx, "fu-1")
	if err != nil || f.Status != models.FollowupClosed || f.ClosedBy != "st-sup-scjgj" {
		t.Errorf("follow-up after closing = %+v, %v", f, err)
	}
}
