package ident_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow/ident"
)

const licenceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// issuer is the USCC of a (made-up) municipal market regulation bureau.
const issuer = "11110105000013127"

func TestBuildAndParseLicenceID(t *testing.T) {
	iss := withUSCCCheck(t, issuer)
	id, err := ident.BuildLicenceID("11100000000013338w001", iss, "sz2026000123", 1)
	if err != nil {
		t.Fatal(err)
	}
	prefix := ident.LicenceRoot + "11100000000013338W001." + iss + ".SZ2026000123.001."
	if !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+1 {
		t.Fatalf("BuildLicenceID = %q, want %q + check", id, prefix)
	}
	wantCheck := ident.Mod3736("11100000000013338W001" + iss + "SZ2026000123" + "001")
	if got, want := id[len(id)-1], wantCheck; got != want {
		t.Errorf("check = %q, want %q", got, want)
	}

	got, err := ident.ParseLicenceID(" " + string(lower(id)) + " ")
	if err != nil {
		t.Fatal(err)
	}
	issuerUSCC, _ := ident.ParseUSCC(iss)
	want := ident.LicenceID{ID: id, TypeCode: "11100000000013338W001", Issuer: issuerUSCC,
		Serial: "SZ2026000123", Version: 1, Check: wantCheck}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseLicenceID mismatch (-want +got):\n%s", diff)
	}
	if got, want := got.String(), id; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestParseLicenceID_Errors(t *testing.T) {
	iss := withUSCCCheck(t, issuer)
	valid, err := ident.BuildLicenceID("T01", iss, "A1", 999)
	if err != nil {
		t.Fatal(err)
	}
	// build assembles an identifier with the right check character for
	// whatever parts it is given, so each test breaks exactly one part.
	build := func(typ, issuer, serial, version string) string {
		body := typ + "." + issuer + "." + serial + "." + version
		return ident.LicenceRoot + body + "." + string(ident.Mod3736(strings.ReplaceAll(body, ".", "")))
	}
	tests := []struct {
		name     string
		in       string
		wantCode string
	}{
		{name: "OK", in: valid},
		{name: "licence_root/Other", in: strings.Replace(valid, "3005", "3006", 1), wantCode: ident.CodeLicenceRoot},
		{name: "licence_root/Empty", in: "", wantCode: ident.CodeLicenceRoot},
		{name: "licence_format/FourParts", in: ident.LicenceRoot + "T01." + iss + ".A1.999", wantCode: ident.CodeLicenceFormat},
		{name: "licence_format/SixParts", in: ident.LicenceRoot + "T01." + iss + ".A1.B.999.K", wantCode: ident.CodeLicenceFormat},
		{name: "licence_format/TwoCharCheck", in: valid + "0", wantCode: ident.CodeLicenceFormat},
		{name: "licence_format/NoCheck", in: valid[:len(valid)-1], wantCode: ident.CodeLicenceFormat},
		{name: "licence_format/SymbolCheck", in: valid[:len(valid)-1] + "*", wantCode: ident.CodeLicenceFormat},
		{name: "licence_type/Empty", in: build("", iss, "A1", "001"), wantCode: ident.CodeLicenceType},
		{name: "licence_type/Symbol", in: build("T-1", iss, "A1", "001"), wantCode: ident.CodeLicenceType},
		{name: "licence_type/TooLong", in: build(strings.Repeat("T", 33), iss, "A1", "001"), wantCode: ident.CodeLicenceType},
		{name: "licence_issuer/Checksum", in: build("T01", wrongCheck(iss, usccAlphabet), "A1", "001"), wantCode: ident.CodeLicenceIssuer},
		{name: "licence_issuer/Space", in: build("T01", " "+iss, "A1", "001"), wantCode: ident.CodeLicenceIssuer},
		{name: "licence_serial/Empty", in: build("T01", iss, "", "001"), wantCode: ident.CodeLicenceSerial},
		{name: "licence_serial/Chinese", in: build("T01", iss, "粤A1", "001"), wantCode: ident.CodeLicenceSerial},
		{name: "licence_serial/TooLong", in: build("T01", iss, strings.Repeat("9", 65), "001"), wantCode: ident.CodeLicenceSerial},
		{name: "licence_version/000", in: build("T01", iss, "A1", "000"), wantCode: ident.CodeLicenceVersion},
		{name: "licence_version/TwoDigits", in: build("T01", iss, "A1", "01"), wantCode: ident.CodeLicenceVersion},
		{name: "licence_version/Letter", in: build("T01", iss, "A1", "00A"), wantCode: ident.CodeLicenceVersion},
		{name: "licence_checksum", in: wrongCheck(valid, licenceAlphabet), wantCode: ident.CodeLicenceChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ident.ParseLicenceID(tt.in)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Errorf("code = %q, want %q (err %v)", got, want, err)
			}
		})
	}

	t.Run("licence_issuer/WrapsUSCCError", func(t *testing.T) {
		_, err := ident.ParseLicenceID(build("T01", wrongCheck(iss, usccAlphabet), "A1", "001"))
		var e *ident.Error
		if !errors.As(err, &e) || e.Code != ident.CodeLicenceIssuer {
			t.Fatalf("err = %v, want the licence_issuer error first", err)
		}
		if got, want := strings.Contains(err.Error(), "uscc: check character mismatch"), true; got != want {
			t.Errorf("error %q does not say why the issuer failed", err)
		}
	})
	t.Run("OK/AllowListedIssuer", func(t *testing.T) {
		pilot := wrongCheck(iss, usccAlphabet)
		v, err := ident.NewUSCCValidator([]string{pilot})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.ParseLicenceID(build("T01", pilot, "A1", "001")); err != nil {
			t.Errorf("ParseLicenceID with allow-listed issuer: %v", err)
		}
	})
}

func TestBuildLicenceID_Errors(t *testing.T) {
	iss := withUSCCCheck(t, issuer)
	tests := []struct {
		name                string
		typ, issuer, serial string
		version             int
		wantCode            string
	}{
		{name: "licence_type", typ: "T.1", issuer: iss, serial: "A1", version: 1, wantCode: ident.CodeLicenceType},
		{name: "licence_issuer", typ: "T1", issuer: iss[:17], serial: "A1", version: 1, wantCode: ident.CodeLicenceIssuer},
		{name: "licence_serial", typ: "T1", issuer: iss, serial: "A 1", version: 1, wantCode: ident.CodeLicenceSerial},
		{name: "licence_version/0", typ: "T1", issuer: iss, serial: "A1", version: 0, wantCode: ident.CodeLicenceVersion},
		{name: "licence_version/1000", typ: "T1", issuer: iss, serial: "A1", version: 1000, wantCode: ident.CodeLicenceVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ident.BuildLicenceID(tt.typ, tt.issuer, tt.serial, tt.version)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Errorf("code = %q, want %q (err %v)", got, want, err)
			}
		})
	}
}
