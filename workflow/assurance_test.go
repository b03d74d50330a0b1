package workflow

import "testing"

func TestAssuranceOrder(t *testing.T) {
	levels := []Assurance{AssuranceAccount, AssuranceRealName, AssuranceVerifiedPerson}
	for i, a := range levels {
		for j, b := range levels {
			if got := a.AtLeast(b); got != (i >= j) {
				t.Errorf("%s.AtLeast(%s) = %v", a, b, got)
			}
			if got := a.Above(b); got != (i > j) {
				t.Errorf("%s.Above(%s) = %v", a, b, got)
			}
		}
		if a.Note() == "" {
			t.Errorf("%s has no note", a)
		}
	}
	if Assurance("root").Valid() || Assurance("root").AtLeast(AssuranceAccount) || Assurance("").AtLeast("") {
		t.Error("an unknown level proves something")
	}
	for _, m := range []AssuranceMethod{MethodWeChatFace, MethodAlipayCertify, MethodCounterIDCard} {
		if m.Level() != AssuranceVerifiedPerson {
			t.Errorf("%s gives %s", m, m.Level())
		}
	}
	if MethodPopulationLibrary.Level() != AssuranceRealName || AssuranceMethod("selfie").Level() != "" {
		t.Error("method levels")
	}
}

func TestTrustFirstNeedsAVerifiedPerson(t *testing.T) {
	trusted := TrustDecision{TrustFirst: true, Reason: PathTrustFirst, Priority: true}
	for a, want := range map[Assurance]PathReason{
		AssuranceVerifiedPerson: PathTrustFirst,
		AssuranceRealName:       PathIdentityNotVerified,
		AssuranceAccount:        PathIdentityNotVerified,
		"":                      PathTrustFirst, // an event from before levels were recorded
	} {
		d := trusted.WithAssurance(a)
		if d.Reason != want || d.TrustFirst != (want == PathTrustFirst) || !d.Priority {
			t.Errorf("WithAssurance(%q) = %+v, want %s", a, d, want)
		}
	}
	ordinary := TrustDecision{Reason: PathCreditBlack}
	if d := ordinary.WithAssurance(AssuranceRealName); d.Reason != PathCreditBlack {
		t.Errorf("an ordinary path's reason changed to %s", d.Reason)
	}
	if PathIdentityNotVerified.Note() == "" {
		t.Error("no note for identity_not_verified")
	}
}
