package ident_test

import (
	"errors"
	"testing"

	"zerovisit/workflow/ident"
)

// checkRejection asserts what every rejection must look like.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var e *ident.Error
	if !errors.Is(err, ident.ErrInvalid) || !errors.As(err, &e) || e.Code == "" || e.Message == "" {
		t.Fatalf("rejection %v is not a coded *ident.Error wrapping ErrInvalid", err)
	}
}

// checkOtherChecksRejected replaces the check character (the last one) of
// valid with every other character of alphabet and asserts each is rejected
// with wantCode.
func checkOtherChecksRejected(t *testing.T, valid, alphabet, wantCode string, parse func(string) error) {
	t.Helper()
	last := valid[len(valid)-1]
	for i := range len(alphabet) {
		if alphabet[i] == last {
			continue
		}
		changed := valid[:len(valid)-1] + string(alphabet[i])
		err := parse(changed)
		if err == nil {
			t.Fatalf("accepted %q with a changed check character", changed)
		}
		var e *ident.Error
		if !errors.As(err, &e) || e.Code != wantCode {
			t.Fatalf("%q: err = %v, want code %q", changed, err, wantCode)
		}
	}
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 11010519491231002X ", "110105194912310021",
		"83000019900101002X", "11010519000229002X", "110105491231002", "", "ſ1010519491231002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ident.ParseResidentID(s, now)
		if err != nil {
			checkRejection(t, err)
			return
		}
		again, err := ident.ParseResidentID(id.Number, now)
		if err != nil || again != id {
			t.Fatalf("normalised %q does not re-validate to itself: %+v, %v", id.Number, again, err)
		}
		if c, err := ident.ResidentIDCheck(id.Number[:17]); err != nil || c != id.Number[17] {
			t.Fatalf("ResidentIDCheck disagrees with ParseResidentID on %q", id.Number)
		}
		checkOtherChecksRejected(t, id.Number, "0123456789X", ident.CodeIDChecksum, func(s string) error {
			_, err := ident.ParseResidentID(s, now)
			return err
		})
		if got := ident.MaskResidentID(id.Number); got[4:14] != "**********" {
			t.Fatalf("MaskResidentID(%q) = %q", id.Number, got)
		}
	})
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350100m000100y43", "11100000000013127D", "00000000000000000O",
		"N2330100MF00000010", "91350100M000100Y4", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ident.ParseUSCC(s)
		if err != nil {
			checkRejection(t, err)
			return
		}
		again, err := ident.ParseUSCC(u.Code)
		if err != nil || again != u {
			t.Fatalf("normalised %q does not re-validate to itself: %+v, %v", u.Code, again, err)
		}
		if c, err := ident.USCCCheck(u.Code[:17]); err != nil || c != u.Code[17] {
			t.Fatalf("USCCCheck disagrees with ParseUSCC on %q", u.Code)
		}
		checkOtherChecksRejected(t, u.Code, usccAlphabet, ident.CodeUSCCChecksum, func(s string) error {
			_, err := ident.ParseUSCC(s)
			return err
		})
	})
}

func FuzzParseLicenceID(f *testing.F) {
	iss := withUSCCCheck(f, issuer)
	for _, args := range [][3]string{{"11100000000013338W001", "SZ2026000123"}, {"T", "1"}} {
		id, err := ident.BuildLicenceID(args[0], iss, args[1], 7)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(id)
	}
	f.Add(ident.LicenceRoot + "T01." + iss + ".A1.000.0")
	f.Add(ident.LicenceRoot + "....")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ident.ParseLicenceID(s)
		if err != nil {
			checkRejection(t, err)
			return
		}
		again, err := ident.ParseLicenceID(l.ID)
		if err != nil || again != l {
			t.Fatalf("normalised %q does not re-validate to itself: %+v, %v", l.ID, again, err)
		}
		built, err := ident.BuildLicenceID(l.TypeCode, l.Issuer.Code, l.Serial, l.Version)
		if err != nil || built != l.ID {
			t.Fatalf("BuildLicenceID from the parts of %q = %q, %v", l.ID, built, err)
		}
		checkOtherChecksRejected(t, l.ID, licenceAlphabet, ident.CodeLicenceChecksum, func(s string) error {
			_, err := ident.ParseLicenceID(s)
			return err
		})
	})
}
