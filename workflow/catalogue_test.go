package workflow_test

import (
	"errors"
	"strings"
	"testing"

	"zerovisit/workflow"
)

func TestCatalogueLookup(t *testing.T) {
	cat, err := workflow.NewCatalogue(testItems())
	if err != nil {
		t.Fatal(err)
	}
	it, err := cat.Lookup("ord")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := it.Name, "户籍证明开具"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	// Defaults: yellow capped below the promised days, supplement and verify days filled in.
	if got, want := [3]int{it.YellowDays, it.SupplementDays, it.VerifyDays}, [3]int{1, workflow.DefaultSupplementDays, workflow.DefaultVerifyDays}; got != want {
		t.Errorf("yellow/supplement/verify days = %v, want %v", got, want)
	}
	if _, err := cat.Lookup("nope"); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Lookup(nope) err = %v, want ErrNotFound", err)
	}
	if got, want := len(cat.Departments()), 2; got != want {
		t.Errorf("departments = %d, want %d", got, want)
	}
}

func TestCatalogueValidate(t *testing.T) {
	base := func() workflow.Item { return testItems()[0] }
	for _, tc := range []struct {
		name   string
		change func(*workflow.Item)
		want   string
	}{
		{"NoCode", func(it *workflow.Item) { it.Code = "" }, `item "": code: is empty`},
		{"PromisedOverLegal", func(it *workflow.Item) { it.PromisedDays = 30 }, `item "tf": promised_days: 30 exceeds legal_days 20`},
		{"ZeroPromised", func(it *workflow.Item) { it.PromisedDays = -1 }, `item "tf": promised_days: must be positive`},
		{"ApproveOnCommitWithoutTrust", func(it *workflow.Item) { it.TrustFirst, it.ApproveOnCommit = false, true }, `item "tf": approve_on_commit: needs trust_first`},
		{"NoTemplateVersion", func(it *workflow.Item) { it.Commitment.TemplateVersion = "" }, `item "tf": commitment.template_version: is required`},
		{"NoCommitmentText", func(it *workflow.Item) { it.Commitment.Text = " " }, `item "tf": commitment.text: is required`},
		{"UnknownDelivery", func(it *workflow.Item) { it.Delivery = []workflow.DeliveryMethod{"drone"} }, `delivery: unknown method "drone"`},
		{"NoDelivery", func(it *workflow.Item) { it.Delivery = nil }, `delivery: needs at least one method`},
		{"NegativeFee", func(it *workflow.Item) { it.Fees[0].AmountFen = -1 }, `fees[0]: amount_fen must not be negative`},
		{"BadSource", func(it *workflow.Item) { it.Materials[0].Source = "elicense:" }, `materials[a]: source "elicense:"`},
		{"DuplicateMaterial", func(it *workflow.Item) { it.Materials[1].Code = "a" }, `materials[a]: duplicate material code`},
		{"LetterCode", func(it *workflow.Item) { it.Materials[1].Code = workflow.LetterMaterial }, `materials[commitment_letter]: code "commitment_letter" is the signed commitment letter's`},
		{"VerifyAuthoritative", func(it *workflow.Item) { it.Materials[0].VerifyOnCompletion = true }, `materials[a]: only an uploaded material is verified`},
		{"CoreOptional", func(it *workflow.Item) { it.Materials[0].Optional = true }, `materials[a]: a core material cannot be optional`},
		{"YellowTooLate", func(it *workflow.Item) { it.YellowDays = 5 }, `yellow_days: must be at least 0 and below promised_days 5`},
		{"VerifyWithoutTrust", func(it *workflow.Item) { it.TrustFirst = false }, `materials[c]: verify_on_completion needs a trust-first item`},
		{"NegativeExclusion", func(it *workflow.Item) { it.ExclusionMonths = -1 }, `item "tf": exclusion_months: must be 0 (until a credit repair) or 3 to 36 months, got -1`},
		{"ExclusionBelowPublication", func(it *workflow.Item) { it.ExclusionMonths = 2 }, `exclusion_months: must be 0 (until a credit repair) or 3 to 36 months, got 2`},
		{"ExclusionTooLong", func(it *workflow.Item) { it.ExclusionMonths = 37 }, `exclusion_months: must be 0 (until a credit repair) or 3 to 36 months, got 37`},
		{"ExclusionWithoutTrust", func(it *workflow.Item) {
			it.TrustFirst, it.ExclusionMonths = false, 12
			it.Materials[2].VerifyOnCompletion = false
		}, `exclusion_months: needs a trust-first item`},
		{"TrustFirstNothingToVerify", func(it *workflow.Item) { it.Materials[2].VerifyOnCompletion = false }, `item "tf": trust_first: nothing is verified on completion`},
		{"TrustFirstOnlyOptionalToVerify", func(it *workflow.Item) {
			it.Materials[2].VerifyOnCompletion = false
			it.Materials[4].VerifyOnCompletion = true
		}, `item "tf": trust_first: nothing is verified on completion`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := base()
			it.Fees = append([]workflow.Fee(nil), it.Fees...)
			it.Materials = append([]workflow.Material(nil), it.Materials...)
			tc.change(&it)
			_, err := workflow.NewCatalogue([]workflow.Item{it})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	t.Run("DuplicateCode", func(t *testing.T) {
		_, err := workflow.NewCatalogue([]workflow.Item{base(), base()})
		if err == nil || !strings.Contains(err.Error(), `item "tf": code: duplicate item code`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if _, err := workflow.NewCatalogue(nil); err == nil {
			t.Error("an empty catalogue validated")
		}
	})
	t.Run("AllProblemsReported", func(t *testing.T) {
		it := base()
		it.Name, it.Department = "", ""
		_, err := workflow.NewCatalogue([]workflow.Item{it})
		if err == nil || !strings.Contains(err.Error(), "name: is empty") || !strings.Contains(err.Error(), "department: is empty") {
			t.Errorf("err = %v, want both problems", err)
		}
	})
}

func TestMaterialSource(t *testing.T) {
	for _, tc := range []struct {
		src   workflow.MaterialSource
		kind  workflow.SourceKind
		arg   string
		valid bool
	}{
		{"elicense:yyzz", workflow.SourceELicense, "yyzz", true},
		{"basedata:identity", workflow.SourceBaseData, "identity", true},
		{"upload", workflow.SourceUpload, "", true},
		{"upload:x", workflow.SourceUpload, "x", false},
		{"ftp:x", "ftp", "x", false},
		{"basedata:", workflow.SourceBaseData, "", false},
	} {
		t.Run(string(tc.src), func(t *testing.T) {
			if got, want := tc.src.Kind(), tc.kind; got != want {
				t.Errorf("kind = %q, want %q", got, want)
			}
			if got, want := tc.src.Arg(), tc.arg; got != want {
				t.Errorf("arg = %q, want %q", got, want)
			}
			if got, want := tc.src.Valid(), tc.valid; got != want {
				t.Errorf("valid = %v, want %v", got, want)
			}
		})
	}
}
