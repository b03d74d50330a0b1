package staff_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// intakeKey is an Idempotency-Key of clerkGA's intake n.
func intakeKey(n string) *workflow.IdempotencyRequest {
	return &workflow.IdempotencyRequest{Scope: "staff-intake:k-ga", Key: "intake-" + n, RequestHash: "h-" + n}
}

func TestIntake(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	in, err := e.svc.Intake(ctx, clerkGA, intake(), intakeKey("1"))
	if err != nil {
		t.Fatal(err)
	}
	if in.Case.Status != workflow.StatusSubmitted || in.Case.Channel != workflow.ChannelCounter || in.Claim.StaffID != clerkGA.ID {
		t.Fatalf("intake = %v %v %+v", in.Case.Status, in.Case.Channel, in.Claim)
	}
	if !staff.IsWalkin(in.ApplicantID) || in.Applicant.IDNumber != zhangID {
		t.Errorf("applicant %q %+v, want a walk-in", in.ApplicantID, in.Applicant)
	}
	w := e.store.walkins[in.ApplicantID]
	if strings.Contains(w.IDSealed+w.NameSealed+w.PhoneSealed, zhangID+"]") || w.IDIndex != "resident_id#"+zhangID {
		t.Errorf("walk-in stored as %+v", w)
	}
	h, ok, err := e.svc.WalkinHolder(ctx, in.ApplicantID)
	if err != nil || !ok || h.ID != zhangID || h.Name != "张三" {
		t.Errorf("holder = %+v %v %v", h, ok, err)
	}
	if _, ok, _ := e.svc.WalkinHolder(ctx, "u-li"); ok {
		t.Error("an online citizen taken for a walk-in")
	}
	again, err := e.svc.Intake(ctx, clerkGA, intake(), intakeKey("2"))
	if err != nil || again.ApplicantID != in.ApplicantID || again.Case.ID == in.Case.ID {
		t.Errorf("second intake under a new key: applicant %q case %q, want the same person in a new case", again.ApplicantID, again.Case.ID)
	}
	// Without a key nothing happens: a retry could open a second case.
	_, err = e.svc.Intake(ctx, clerkGA, intake(), nil)
	refusal(t, err, workflow.ErrMalformed, "idempotency_key_required")
	if e.numbers.n != 2 {
		t.Errorf("%d case numbers drawn, want 2", e.numbers.n)
	}
}

func TestIntakeRefusals(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		change func(*staff.IntakeRequest)
		kind   error
		code   string
	}{
		"UnknownItem":     {func(r *staff.IntakeRequest) { r.ItemCode = "nope" }, workflow.ErrInvalidInput, "invalid_field"},
		"OtherDept":       {func(r *staff.IntakeRequest) { r.ItemCode = "tf" }, workflow.ErrForbidden, "other_department"},
		"BadID":           {func(r *staff.IntakeRequest) { r.Applicant.IDNumber = "330106198503121232" }, workflow.ErrInvalidInput, "invalid_id_number"},
		"NoName":          {func(r *staff.IntakeRequest) { r.Applicant.Name = " " }, workflow.ErrInvalidInput, "invalid_field"},
		"BadUSCC":         {func(r *staff.IntakeRequest) { r.ApplicantType, r.CompanyUSCC = "business", "123" }, workflow.ErrInvalidInput, "invalid_uscc"},
		"BadType":         {func(r *staff.IntakeRequest) { r.ApplicantType = "robot" }, workflow.ErrInvalidInput, "invalid_field"},
		"UnknownScan":     {func(r *staff.IntakeRequest) { r.Materials[1].Ref = strings.Repeat("ef", 32) }, workflow.ErrInvalidInput, "unknown_scan"},
		"RealNameWrong":   {func(r *staff.IntakeRequest) { r.Applicant.Name = "李四" }, workflow.ErrInvalidInput, "real_name_mismatch"},
		"RealNameNone":    {func(r *staff.IntakeRequest) { r.Applicant.IDNumber = "11010119900307803X" }, workflow.ErrInvalidInput, "real_name_unknown"},
		"MissingMaterial": {func(r *staff.IntakeRequest) { r.Materials = r.Materials[:1] }, workflow.ErrInvalidInput, ""},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			r := intake()
			tc.change(&r)
			_, err := e.svc.Intake(ctx, clerkGA, r, intakeKey("1"))
			if tc.code == "" {
				if !errors.Is(err, tc.kind) {
					t.Fatalf("err = %v, want %v", err, tc.kind)
				}
			} else {
				refusal(t, err, tc.kind, tc.code)
			}
			if e.numbers.n != 0 {
				t.Errorf("a refused intake drew %d case numbers", e.numbers.n)
			}
		})
	}
	t.Run("PopulationDown", func(t *testing.T) {
		e := newEnv(t)
		e.pop.down = true
		if _, err := e.svc.Intake(ctx, clerkGA, intake(), intakeKey("1")); !errors.Is(err, workflow.ErrUnavailable) {
			t.Errorf("err = %v, want unavailable", err)
		}
	})
	t.Run("OnlineCitizen", func(t *testing.T) {
		e := newEnv(t)
		r := intake()
		r.Applicant = staff.Applicant{Name: "李四", IDNumber: liID}
		if in, err := e.svc.Intake(ctx, clerkGA, r, intakeKey("1")); err != nil || in.ApplicantID != "u-li" {
			t.Errorf("applicant = %q %v, want the online citizen u-li", in.ApplicantID, err)
		}
	})
}

func TestIntakeIdempotent(t *testing.T) {
	ctx := context.Background()
	key := &workflow.IdempotencyRequest{Scope: "staff-intake:k-ga", Key: "intake-0001", RequestHash: "h1"}
	t.Run("Retry", func(t *testing.T) {
		e := newEnv(t)
		first, err := e.svc.Intake(ctx, clerkGA, intake(), key)
		if err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(5 * time.Minute)
		again, err := e.svc.Intake(ctx, clerkGA, intake(), key)
		if err != nil {
			t.Fatal(err)
		}
		if again.Case.ID != first.Case.ID || again.Case.Number != first.Case.Number || again.Case.Version != first.Case.Version {
			t.Errorf("retry answered %s %s v%d, want %s %s v%d", again.Case.ID, again.Case.Number, again.Case.Version,
				first.Case.ID, first.Case.Number, first.Case.Version)
		}
		if again.Claim != first.Claim {
			t.Errorf("retry claim %+v, want the first %+v", again.Claim, first.Claim)
		}
		if e.numbers.n != 1 {
			t.Errorf("%d case numbers drawn, want 1", e.numbers.n)
		}
		other := *key
		other.RequestHash = "h2"
		if _, err := e.svc.Intake(ctx, clerkGA, intake(), &other); !errors.Is(err, workflow.ErrIdempotencyMismatch) {
			t.Errorf("key reused for another request: %v, want a mismatch", err)
		}
		mine := *key
		mine.Scope = "staff-intake:k-gb"
		if in, err := e.svc.Intake(ctx, clerkGB, intake(), &mine); err != nil || in.Case.ID == first.Case.ID {
			t.Errorf("another clerk's key opened %v %v, want a case of its own", in.Case.ID, err)
		}
	})
	t.Run("AFailedAttemptLeavesNothing", func(t *testing.T) {
		// The write of the case is lost: nothing of the intake is stored,
		// no draft is left behind, and the retry opens the one case.
		e := newEnv(t)
		e.mem.failCreates = 1
		if _, err := e.svc.Intake(ctx, clerkGA, intake(), key); err == nil {
			t.Fatal("the failing write succeeded")
		}
		if n := e.mem.count(); n != 0 {
			t.Fatalf("%d cases stored by a failed intake, want none", n)
		}
		in, err := e.svc.Intake(ctx, clerkGA, intake(), key)
		if err != nil || in.Case.Status != workflow.StatusSubmitted || in.Claim.StaffID != clerkGA.ID {
			t.Fatalf("retry = %v %+v %v", in.Case.Status, in.Claim, err)
		}
		if n := e.mem.count(); n != 1 {
			t.Errorf("%d cases after the retry, want 1", n)
		}
	})
}

func TestCheckMaterial(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	in, err := e.svc.Intake(ctx, clerkGA, intake(), intakeKey("1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CheckMaterial(ctx, clerkGA, in.Case.ID, "")
	refusal(t, err, workflow.ErrMalformed, "invalid_query")
	_, err = e.svc.CheckMaterial(ctx, clerkGA, in.Case.ID, "zzz")
	refusal(t, err, workflow.ErrNotFound, "material_not_found")
	_, err = e.svc.CheckMaterial(ctx, clerkSC, in.Case.ID, "sfz")
	refusal(t, err, workflow.ErrForbidden, "other_department")

	got, err := e.svc.CheckMaterial(ctx, clerkGA, in.Case.ID, "sfz")
	if err != nil || !got.Found || got.Source != "basedata" || got.Evidence != "basedata:verify_real_name" || got.Summary != "人口库实名信息一致" {
		t.Errorf("population check = %+v %v", got, err)
	}
	got, err = e.svc.CheckMaterial(ctx, clerkGA, in.Case.ID, "sqs")
	if err != nil || !got.Found || got.Source != "elicense" || got.Evidence != "elicense:lic-1" {
		t.Errorf("licence check = %+v %v", got, err)
	}
	e.pop.down = true
	if got, _ := e.svc.CheckMaterial(ctx, clerkGA, in.Case.ID, "sfz"); !got.Degraded || got.Found {
		t.Errorf("population down: %+v, want degraded", got)
	}

	c := e.submitted(t, "online")
	if got, err := e.svc.CheckMaterial(ctx, clerkGA, c.ID, "sqs"); err != nil || got.Found || got.Summary == "" {
		t.Errorf("no licence for u-li: %+v %v, want not found with a reason", got, err)
	}
	stranger := e.submittedBy(t, "stranger", "u-unknown")
	if got, err := e.svc.CheckMaterial(ctx, clerkGA, stranger.ID, "sqs"); err != nil || !got.Degraded || got.Source != "" {
		t.Errorf("unknown applicant: %+v %v, want degraded", got, err)
	}
}

func TestStatsPeriod(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.store.stats = func(q staff.StatsQuery) staff.Stats { return staff.Stats{From: q.From, To: q.To} }
	day := func(s string) time.Time {
		d, err := workflow.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Start()
	}
	for _, tc := range []struct {
		p        staff.Period
		from, to string
		field    string
	}{
		// The last 30 days up to today; never a day after today.
		{staff.Period{}, "2025-08-03", "2025-09-02", ""},
		{staff.Period{Month: "2025-09"}, "2025-09-01", "2025-09-02", ""},
		{staff.Period{From: "2025-08-30", To: "2025-09-30"}, "2025-08-30", "2025-09-02", ""},
		{staff.Period{From: "2025-09-02", To: "2025-09-30"}, "", "", "from"},
		{staff.Period{Month: "2025-10"}, "", "", "month"},
		{staff.Period{Month: "2025-02"}, "2025-02-01", "2025-03-01", ""},
		{staff.Period{From: "2025-01-01", To: "2025-01-31"}, "2025-01-01", "2025-02-01", ""},
		{staff.Period{Month: "2025-13"}, "", "", "month"},
		{staff.Period{From: "x", To: "2025-01-01"}, "", "", "from"},
		{staff.Period{From: "2025-02-01", To: "2025-01-01"}, "", "", "to"},
		{staff.Period{From: "2024-01-01", To: "2025-01-02"}, "", "", "to"},
	} {
		st, err := e.svc.Stats(ctx, superGA, "", tc.p)
		if tc.field != "" {
			if r := refusal(t, err, workflow.ErrMalformed, "invalid_query"); r.Detail.(map[string]string)["field"] != tc.field {
				t.Errorf("%+v: detail %v, want field %s", tc.p, r.Detail, tc.field)
			}
			continue
		}
		if err != nil || !st.From.Equal(day(tc.from)) || !st.To.Equal(day(tc.to)) {
			t.Errorf("%+v: period [%v, %v) %v, want [%s, %s)", tc.p, st.From, st.To, err, tc.from, tc.to)
		}
	}
}

// TestIntakeSanctionsFollowThePerson: a counter case carries the blind
// index of the applicant's identity (a business's by its credit code); a
// false commitment of that identity under another account, or one the
// credit library holds, takes the intake to the ordinary path; a credit
// repair after it brings trust-first back.
func TestIntakeSanctionsFollowThePerson(t *testing.T) {
	ctx := context.Background()
	trusted := func() staff.IntakeRequest {
		r := intake()
		r.ItemCode, r.CommitmentLetter = "tf", scanKey
		r.Materials = []workflow.ProvidedMaterial{{Code: "yyzz", Source: workflow.SourceELicense, Ref: "lic-1"},
			{Code: "bjt", Source: workflow.SourceUpload, Ref: scanKey}}
		return r
	}
	t.Run("Index", func(t *testing.T) {
		e := newEnv(t)
		in, err := e.svc.Intake(ctx, clerkSC, trusted(), intakeKey("idx"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := e.mem.cases[in.Case.ID].SubjectIndex, "resident_id#"+zhangID; got != want {
			t.Errorf("subject index = %q, want %q", got, want)
		}
		biz := trusted()
		biz.ApplicantType, biz.CompanyUSCC = string(workflow.ApplicantBusiness), "91330106MA2H3K4L5N"
		biz.CommitmentLetter = letterKey // a letter signed for the company
		in, err = e.svc.Intake(ctx, clerkSC, biz, intakeKey("biz"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := e.mem.cases[in.Case.ID].SubjectIndex, "uscc#91330106MA2H3K4L5N"; got != want {
			t.Errorf("business subject index = %q, want %q", got, want)
		}
	})
	revokedAt := t0.Add(-48 * time.Hour)
	for name, tc := range map[string]struct {
		local   bool
		history workflow.CreditHistory
		trusted bool
	}{
		"Clean":         {trusted: true},
		"OtherAccount":  {local: true},
		"Library":       {history: workflow.CreditHistory{FalseCommitments: 1}},
		"Repaired":      {local: true, history: workflow.CreditHistory{RepairedAt: revokedAt.Add(time.Hour)}, trusted: true},
		"RepairedAgain": {local: true, history: workflow.CreditHistory{FalseCommitments: 1, RepairedAt: revokedAt.Add(time.Hour)}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.history = tc.history
			if tc.local {
				e.mem.cases["online"] = workflow.Case{ID: "online", Number: "N0", ApplicantID: "u-zhang-online",
					SubjectIndex: "resident_id#" + zhangID, Status: workflow.StatusRevoked, FalseCommitment: true, UpdatedAt: revokedAt}
			}
			in, err := e.svc.Intake(ctx, clerkSC, trusted(), intakeKey(name))
			if err != nil {
				t.Fatal(err)
			}
			if in.Case.TrustFirst != tc.trusted {
				t.Errorf("trust first = %v (%s), want %v", in.Case.TrustFirst, in.Case.PathReason, tc.trusted)
			}
		})
	}
}
