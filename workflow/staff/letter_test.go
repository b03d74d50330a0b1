package staff_test

import (
	"context"
	"testing"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// TestIntakeKeepsTheSignedLetter: at the counter the commitment is the
// applicant's signed letter (告知承诺书), scanned: a trust-first intake
// keeps its key (the scan's SHA-256) on the signature; a ticked box
// without the scan, a scan that was never stored, or a letter for an
// item without 告知承诺制 is refused and opens no case.
func TestIntakeKeepsTheSignedLetter(t *testing.T) {
	ctx := context.Background()
	trusted := func() staff.IntakeRequest {
		r := intake()
		r.ItemCode = "tf"
		r.Materials = []workflow.ProvidedMaterial{{Code: "yyzz", Source: workflow.SourceELicense, Ref: "lic-1"},
			{Code: "bjt", Source: workflow.SourceUpload, Ref: scanKey}}
		return r
	}
	t.Run("Kept", func(t *testing.T) {
		e := newEnv(t)
		r := trusted()
		r.CommitmentLetter = scanKey
		in, err := e.svc.Intake(ctx, clerkSC, r, intakeKey("kept"))
		if err != nil {
			t.Fatal(err)
		}
		sig := e.mem.cases[in.Case.ID].Signature
		if !in.Case.TrustFirst || sig == nil || sig.Letter != scanKey || sig.Channel != workflow.ChannelCounter {
			t.Errorf("trust first %v (%s), signature %+v; want trusted with the letter %s", in.Case.TrustFirst, in.Case.PathReason, sig, scanKey)
		}
	})
	t.Run("OneLetterOneCase", func(t *testing.T) {
		e := newEnv(t)
		r := trusted()
		r.CommitmentLetter = scanKey
		first, err := e.svc.Intake(ctx, clerkSC, r, intakeKey("letter-1"))
		if err != nil {
			t.Fatal(err)
		}
		// A retry of the same intake is the same case, letter and all.
		again, err := e.svc.Intake(ctx, clerkSC, r, intakeKey("letter-1"))
		if err != nil || again.Case.ID != first.Case.ID {
			t.Fatalf("retry = %v, %v; want case %s", again.Case.ID, err, first.Case.ID)
		}
		// Another application naming the same letter is refused.
		other := r
		other.Applicant = staff.Applicant{Name: "李四", IDNumber: liID, Phone: "13812345679"}
		_, err = e.svc.Intake(ctx, clerkSC, other, intakeKey("letter-2"))
		if ref := refusal(t, err, workflow.ErrInvalidInput, "commitment_letter_used"); fieldOf(ref.Detail) != "commitment_letter" {
			t.Errorf("detail = %v, want field commitment_letter", ref.Detail)
		}
		if len(e.mem.cases) != 1 {
			t.Errorf("%d cases stored, want the first only", len(e.mem.cases))
		}
	})
	t.Run("NotSigned", func(t *testing.T) {
		e := newEnv(t)
		in, err := e.svc.Intake(ctx, clerkSC, trusted(), intakeKey("unsigned"))
		if err != nil {
			t.Fatal(err)
		}
		if in.Case.TrustFirst || in.Case.PathReason != workflow.PathNotSigned || in.Case.Signature != nil {
			t.Errorf("trust first %v (%s), signature %+v; want the ordinary path, not signed", in.Case.TrustFirst, in.Case.PathReason, in.Case.Signature)
		}
	})
	for name, tc := range map[string]struct {
		change func(*staff.IntakeRequest)
		kind   error
		code   string
	}{
		"BoxWithoutLetter": {func(r *staff.IntakeRequest) { r.CommitmentSigned = true }, workflow.ErrInvalidInput, "commitment_letter_required"},
		"UnknownLetter":    {func(r *staff.IntakeRequest) { r.CommitmentLetter = "ef" + scanKey[2:] }, workflow.ErrInvalidInput, "unknown_scan"},
		"OrdinaryItem": {func(r *staff.IntakeRequest) {
			*r = intake()
			r.CommitmentLetter = scanKey
		}, workflow.ErrInvalidInput, "invalid_field"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			r := trusted()
			tc.change(&r)
			who := clerkSC
			if r.ItemCode == "ord" {
				who = clerkGA
			}
			_, err := e.svc.Intake(ctx, who, r, intakeKey(name))
			ref := refusal(t, err, tc.kind, tc.code)
			if fieldOf(ref.Detail) != "commitment_letter" {
				t.Errorf("detail = %v, want field commitment_letter", ref.Detail)
			}
			if len(e.mem.cases) != 0 {
				t.Errorf("%d cases stored, want none", len(e.mem.cases))
			}
		})
	}
}

// fieldOf is the field a refusal's detail names.
func fieldOf(detail any) string {
	switch d := detail.(type) {
	case map[string]string:
		return d["field"]
	case map[string]any:
		f, _ := d["field"].(string)
		return f
	}
	return ""
}
