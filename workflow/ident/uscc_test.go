package ident_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow/ident"
)

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func TestParseUSCC(t *testing.T) {
	company := withUSCCCheck(t, "91110105MA01ABCD1")
	tests := []struct {
		name     string
		in       string
		want     ident.USCC
		wantCode string
	}{
		{
			name: "OK/Company",
			in:   company,
			want: ident.USCC{Code: company, Authority: '9', EntityType: '1', Region: "110105", OrgCode: "MA01ABCD1"},
		},
		{
			name: "OK/LowerCase",
			in:   " " + string(lower(company)) + " ",
			want: ident.USCC{Code: company, Authority: '9', EntityType: '1', Region: "110105", OrgCode: "MA01ABCD1"},
		},
		{
			name: "OK/CentralGovernmentAgency",
			in:   withUSCCCheck(t, "11100000000013127"),
			want: ident.USCC{Code: withUSCCCheck(t, "11100000000013127"), Authority: '1', EntityType: '1',
				Region: "100000", OrgCode: "000013127"},
		},
		{
			name: "OK/VillageCollective",
			in:   withUSCCCheck(t, "N2330100MF0000001"),
			want: ident.USCC{Code: withUSCCCheck(t, "N2330100MF0000001"), Authority: 'N', EntityType: '2',
				Region: "330100", OrgCode: "MF0000001"},
		},
		{name: "uscc_length", in: company[:17], wantCode: ident.CodeUSCCLength},
		{name: "uscc_charset/LetterO", in: "91110105MA01OBCD1X", wantCode: ident.CodeUSCCCharset},
		{name: "uscc_charset/FullWidth", in: "９1110105MA01ABCD1X", wantCode: ident.CodeUSCCCharset},
		{name: "uscc_charset/Hyphen", in: "91110105-A01ABCD1X", wantCode: ident.CodeUSCCCharset},
		{name: "uscc_authority/0", in: withUSCCCheck(t, "01110105MA01ABCD1"), wantCode: ident.CodeUSCCAuthority},
		{name: "uscc_authority/B", in: withUSCCCheck(t, "B1110105MA01ABCD1"), wantCode: ident.CodeUSCCAuthority},
		{name: "uscc_entity_type/0", in: withUSCCCheck(t, "90110105MA01ABCD1"), wantCode: ident.CodeUSCCEntityType},
		{name: "uscc_entity_type/Letter", in: withUSCCCheck(t, "9A110105MA01ABCD1"), wantCode: ident.CodeUSCCEntityType},
		{name: "uscc_region/Letter", in: withUSCCCheck(t, "9111010AMA01ABCD1"), wantCode: ident.CodeUSCCRegion},
		{name: "uscc_region/Province99", in: withUSCCCheck(t, "91990105MA01ABCD1"), wantCode: ident.CodeUSCCRegion},
		{name: "uscc_checksum", in: wrongCheck(company, usccAlphabet), wantCode: ident.CodeUSCCChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.ParseUSCC(tt.in)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Fatalf("code = %q, want %q (err %v)", got, want, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseUSCC mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUSCCCheck(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     byte
		wantCode string
	}{
		{name: "OK/PublishedSample", in: "91350100M000100Y4", want: '3'},
		{name: "OK/CentralAgency", in: "11100000000013127", want: 'D'},
		{name: "OK/RemainderZeroGivesZero", in: "00000000000000000", want: '0'},
		{name: "uscc_length", in: "91350100M000100Y43", wantCode: ident.CodeUSCCLength},
		{name: "uscc_charset", in: "91350100S000100Y4", wantCode: ident.CodeUSCCCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.USCCCheck(tt.in)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Fatalf("code = %q, want %q", got, want)
			}
			if got, want := got, tt.want; got != want {
				t.Errorf("check = %q, want %q", got, want)
			}
		})
	}
}

func TestUSCCValidator(t *testing.T) {
	pilot := wrongCheck(withUSCCCheck(t, "91350100M00010043"), usccAlphabet)
	odd := "Y0000000000000000A" // on the list although its entity type and region do not conform
	v, err := ident.NewUSCCValidator([]string{pilot, " " + string(lower(odd))})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK/AllowListed", func(t *testing.T) {
		for _, code := range []string{pilot, odd} {
			got, err := v.Parse(code)
			if err != nil {
				t.Fatalf("Parse(%q): %v", code, err)
			}
			if got, want := got.AllowListed, true; got != want {
				t.Errorf("AllowListed = %v, want %v", got, want)
			}
		}
	})
	t.Run("OK/Conforming", func(t *testing.T) {
		got, err := v.Parse(withUSCCCheck(t, "91350100M00010043"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := got.AllowListed, false; got != want {
			t.Errorf("AllowListed = %v, want %v", got, want)
		}
	})
	t.Run("uscc_checksum/NotListed", func(t *testing.T) {
		_, err := v.Parse(wrongCheck(pilot, usccAlphabet))
		if got, want := codeOf(t, err), ident.CodeUSCCChecksum; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
	t.Run("uscc_checksum/StrictParse", func(t *testing.T) {
		_, err := ident.ParseUSCC(pilot)
		if got, want := codeOf(t, err), ident.CodeUSCCChecksum; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
	t.Run("BadEntry", func(t *testing.T) {
		_, err := ident.NewUSCCValidator([]string{pilot, "91350100M0001004"})
		if !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("NilValidatorIsStrict", func(t *testing.T) {
		var nv *ident.USCCValidator
		_, err := nv.Parse(pilot)
		if got, want := codeOf(t, err), ident.CodeUSCCChecksum; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
}

func lower(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return b
}
