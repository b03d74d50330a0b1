package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	creditsb "zerovisit/integrations/credit/sandbox"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// inLibrary waits until the credit library holds the false commitment of
// the revoked case.
func (e *sanctionEnv) inLibrary(t *testing.T, revoked workflow.Case) {
	t.Helper()
	lib := e.app.parties.sandboxes.credit
	eventually(t, 10*time.Second, "the false commitment in the credit library", func() bool {
		for _, r := range lib.Records() {
			if r.CaseNumber == revoked.Number {
				return true
			}
		}
		return false
	})
}

// businessIntake registers the restaurant at the counter, 张三 acting
// for it, for the approve-on-commit item with the letter signed.
func (e *sanctionEnv) businessIntake(t *testing.T, key string) map[string]any {
	t.Helper()
	code, body := callWithKey(t, e.app, "/api/v1/staff/intake", e.token, key, map[string]any{
		"item_code": "scjgj-gtgshsldj", "applicant_type": "business", "company_uscc": creditsb.RestaurantID,
		"applicant": map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "phone": "13900001111"},
		"materials": []map[string]string{{"code": "jyzsfzm", "source": "basedata", "ref": "identity"},
			{"code": "djsqs", "source": "upload", "ref": e.scan}, {"code": "jycssyzm", "source": "upload", "ref": e.scan}},
		"commitment_letter": e.letter(t, key), "delivery": map[string]string{"method": "electronic"},
	})
	if code != http.StatusCreated {
		t.Fatalf("business intake = %d %v", code, body)
	}
	return body["case"].(map[string]any)
}

// TestCreditRepairOfAnotherSubjectClearsNothing: 张三's false commitment
// at the counter stays in force when the credit library completes the
// repair of someone else: another person, or the company 张三 then
// applies for at the same counter (whose own record is clean and whose
// repair covers only its own records).
func TestCreditRepairOfAnotherSubjectClearsNothing(t *testing.T) {
	e := newSanctionEnv(t)
	revoked := e.revokedAtCounter(t)
	e.inLibrary(t, revoked)
	time.Sleep(10 * time.Millisecond) // the repairs come after the revocation
	lib := e.app.parties.sandboxes.credit
	lib.Repair(creditsb.OuyangID, "杭州市信用办")
	lib.Repair(creditsb.RestaurantID, "杭州市信用办")

	if cs := e.intake(t, "intake-repair-other-1"); cs["status"] != "submitted" || cs["trust_first"] == true || cs["path_note"] != workflow.PathPriorFalseCommitment.Note() {
		t.Errorf("张三 after another person's repair = %v %v %v, want the ordinary path", cs["status"], cs["trust_first"], cs["path_note"])
	}
	if cs := e.businessIntake(t, "intake-repair-other-2"); cs["status"] != "submitted" || cs["trust_first"] == true || cs["path_note"] != workflow.PathPriorFalseCommitment.Note() {
		t.Errorf("the company 张三 acts for, after the company's repair = %v %v %v, want the ordinary path", cs["status"], cs["trust_first"], cs["path_note"])
	}
}

// TestCreditRepairDoesNotClearALaterFalseCommitment: a repair covers the
// false commitments before it only. 张三, repaired, is trusted first
// again, commits falsely again, and is not trusted first after that.
func TestCreditRepairDoesNotClearALaterFalseCommitment(t *testing.T) {
	e := newSanctionEnv(t)
	first := e.revokedAtCounterWith(t, "intake-repair-later-1")
	e.inLibrary(t, first)
	time.Sleep(10 * time.Millisecond)
	e.app.parties.sandboxes.credit.Repair(basedatasb.ZhangSanID, "杭州市信用办")
	time.Sleep(10 * time.Millisecond)

	second := e.revokedAtCounterWith(t, "intake-repair-later-2") // trusted again, and false again
	e.inLibrary(t, second)
	if st := e.app.parties.sandboxes.credit.Standing(basedatasb.ZhangSanID); st.FalseCommitments != 1 || st.Repair == nil {
		t.Fatalf("library standing = %+v, want the later record counting after the repair", st)
	}
	cs := e.intake(t, "intake-repair-later-3")
	if cs["status"] != "submitted" || cs["trust_first"] == true || cs["path_note"] != workflow.PathPriorFalseCommitment.Note() {
		t.Errorf("after a false commitment later than the repair = %v %v %v, want the ordinary path", cs["status"], cs["trust_first"], cs["path_note"])
	}
	if c, err := e.app.svc.Get(context.Background(), second.ID); err != nil || !c.FalseCommitment {
		t.Errorf("second case = %+v %v", c, err)
	}
}

// newSanctionEnvExcluding is newSanctionEnv with the counter's item
// (个体工商户设立登记) setting an exclusion period of months.
func newSanctionEnvExcluding(t *testing.T, months int) *sanctionEnv {
	t.Helper()
	shipped := string(configs.DefaultCatalogueYAML())
	item := "  - code: scjgj-gtgshsldj\n"
	if !strings.Contains(shipped, item) {
		t.Fatal("the shipped catalogue has no scjgj-gtgshsldj")
	}
	catalogue := filepath.Join(t.TempDir(), "catalogue.yaml")
	edited := strings.Replace(shipped, item, item+fmt.Sprintf("    exclusion_months: %d\n", months), 1)
	if err := os.WriteFile(catalogue, []byte(edited+czItemYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	app, _ := czApp(t, staffTestEnv(map[string]string{"ZEROVISIT_CATALOGUE_PATH": catalogue}))
	id := addStaff(t, app, "exclusion.clerk", "scjgj", staff.RoleClerk, staff.RoleReviewer)
	token := staffToken(t, app, id, "scjgj", staff.RoleClerk, staff.RoleReviewer)
	rid := addStaff(t, app, "exclusion.reviewer", "scjgj", staff.RoleReviewer)
	return &sanctionEnv{app: app, token: token, scan: counterScan(t, app, token),
		reviewerID: rid, reviewer: staffToken(t, app, rid, "scjgj", staff.RoleReviewer)}
}

// TestExclusionEndsAfterTheItemsPeriod: on an item whose catalogue entry
// sets an exclusion period of 12 months, a false commitment bars trust
// first, here and in the credit library (which receives the record with
// its end), until the period is over, with no repair; then the person is
// trusted first again, online and at the counter.
func TestExclusionEndsAfterTheItemsPeriod(t *testing.T) {
	e := newSanctionEnvExcluding(t, 12)
	revoked := e.revokedAtCounter(t)
	wantEnd := workflow.ExclusionEnd(revoked.UpdatedAt, 12)
	if !revoked.ExcludedUntil.Equal(wantEnd) {
		t.Fatalf("excluded until %s, want %s (12 months on)", revoked.ExcludedUntil, wantEnd)
	}
	e.inLibrary(t, revoked)
	lib := e.app.parties.sandboxes.credit
	for _, r := range lib.Records() {
		if r.CaseNumber == revoked.Number && !r.ExpiresAt.Equal(wantEnd) {
			t.Errorf("library record expires at %s, want %s", r.ExpiresAt, wantEnd)
		}
	}
	// The history dates the end: the audit agrees with the case, and
	// catches an end brought forward by hand.
	if rep, err := models.VerifyAudit(context.Background(), e.app.db, nil); err != nil || !rep.OK() {
		t.Fatalf("audit of the revoked case = %v, %v; want no problem", rep.Problems, err)
	}
	cut := wantEnd.AddDate(0, -11, 0)
	if err := e.app.db.Gorm().Exec(`UPDATE cases SET exclusion_ends_at = ? WHERE id = ?`, cut.UTC(), revoked.ID).Error; err != nil {
		t.Fatal(err)
	}
	if rep, err := models.VerifyAudit(context.Background(), e.app.db, nil); err != nil || rep.OK() {
		t.Errorf("audit after the end was brought forward = %v, %v; want a case mismatch", rep.Problems, err)
	}
	if err := e.app.db.Gorm().Exec(`UPDATE cases SET exclusion_ends_at = ? WHERE id = ?`, wantEnd.UTC(), revoked.ID).Error; err != nil {
		t.Fatal(err)
	}
	wx := e.citizen(t)
	before, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "exclusion-submit-0001")
	wantOrdinary(t, "within the period", before)

	// A day before the end: still excluded. Past the end: trusted again.
	skip := func(d time.Duration) { e.app.skip.Add(int64(d)); lib.Skip(d) }
	skip(time.Until(wantEnd) - 24*time.Hour)
	almost := e.intake(t, "intake-exclusion-0001")
	if almost["status"] != "submitted" || almost["trust_first"] == true || almost["path_note"] != workflow.PathPriorFalseCommitment.Note() {
		t.Errorf("a day before the end = %v %v %v, want the ordinary path", almost["status"], almost["trust_first"], almost["path_note"])
	}
	skip(25 * time.Hour)
	if st := lib.Standing(basedatasb.ZhangSanID); st.FalseCommitments != 0 || st.Repair != nil {
		t.Errorf("library standing past the end = %+v, want nothing counting and no repair", st)
	}
	after, _ := czApply(t, wx, map[string]any{"method": "electronic"}, "exclusion-submit-0002")
	if !after.TrustFirst || after.Path == nil || after.Path.Reason != string(workflow.PathTrustFirst) {
		t.Errorf("past the end: case %s, trust first %v, path %+v; want trusted first", after.Status, after.TrustFirst, after.Path)
	}
	counter := e.intake(t, "intake-exclusion-0002")
	if counter["status"] != "approved" || counter["trust_first"] != true {
		t.Errorf("counter case past the end = %v %v, want approved on the commitment", counter["status"], counter["trust_first"])
	}
}

// TestExclusionUntilRepairByDefault: an item that sets no period (the
// default) still bars a false commitment long after, until a repair.
func TestExclusionUntilRepairByDefault(t *testing.T) {
	e := newSanctionEnv(t)
	revoked := e.revokedAtCounter(t)
	if !revoked.ExcludedUntil.IsZero() {
		t.Fatalf("excluded until %s, want no end", revoked.ExcludedUntil)
	}
	e.inLibrary(t, revoked)
	years := 5 * 366 * 24 * time.Hour
	e.app.skip.Add(int64(years))
	e.app.parties.sandboxes.credit.Skip(years)
	cs := e.intake(t, "intake-exclusion-default-1")
	if cs["status"] != "submitted" || cs["trust_first"] == true || cs["path_note"] != workflow.PathPriorFalseCommitment.Note() {
		t.Errorf("five years on without a repair = %v %v %v, want the ordinary path", cs["status"], cs["trust_first"], cs["path_note"])
	}
}
