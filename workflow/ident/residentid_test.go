package ident_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow/ident"
)

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestParseResidentID(t *testing.T) {
	today := withResidentCheck(t, "44030120260315123")
	tests := []struct {
		name     string
		in       string
		want     ident.ResidentID
		wantCode string
	}{
		{
			name: "OK/KnownExample",
			in:   "11010519491231002X",
			want: ident.ResidentID{Number: "11010519491231002X", Region: "110105",
				Birth: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Sex: ident.SexFemale},
		},
		{
			name: "OK/LowerCaseXAndSpaces",
			in:   " 11010519491231002x\t",
			want: ident.ResidentID{Number: "11010519491231002X", Region: "110105",
				Birth: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Sex: ident.SexFemale},
		},
		{
			name: "OK/Male",
			in:   withResidentCheck(t, "33010619880229011"),
			want: ident.ResidentID{Number: withResidentCheck(t, "33010619880229011"), Region: "330106",
				Birth: time.Date(1988, 2, 29, 0, 0, 0, 0, time.UTC), Sex: ident.SexMale},
		},
		{
			name: "OK/TaiwanResidencePermit",
			in:   withResidentCheck(t, "83000019900101002"),
			want: ident.ResidentID{Number: withResidentCheck(t, "83000019900101002"), Region: "830000",
				Birth: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: ident.SexFemale},
		},
		{
			name: "OK/BornToday",
			in:   today,
			want: ident.ResidentID{Number: today, Region: "440301",
				Birth: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Sex: ident.SexMale},
		},
		{name: "id_length/Short", in: "11010519491231002", wantCode: ident.CodeIDLength},
		{name: "id_length/FirstGeneration15", in: "110105491231002", wantCode: ident.CodeIDLength},
		{name: "id_length/Long", in: "11010519491231002X0", wantCode: ident.CodeIDLength},
		{name: "id_length/Empty", in: "", wantCode: ident.CodeIDLength},
		{name: "id_charset/LetterInBody", in: "1101051949123100AX", wantCode: ident.CodeIDCharset},
		{name: "id_charset/BadCheckChar", in: "11010519491231002Y", wantCode: ident.CodeIDCharset},
		{name: "id_charset/FullWidthDigit", in: "１1010519491231002X", wantCode: ident.CodeIDCharset},
		{name: "id_region/Province00", in: withResidentCheck(t, "00010519491231002"), wantCode: ident.CodeIDRegion},
		{name: "id_region/Province99", in: withResidentCheck(t, "99010519491231002"), wantCode: ident.CodeIDRegion},
		{name: "id_region/Province84", in: withResidentCheck(t, "84000019900101002"), wantCode: ident.CodeIDRegion},
		{name: "id_birthdate/Feb30", in: withResidentCheck(t, "11010519490230002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_birthdate/Feb29NonLeap", in: withResidentCheck(t, "11010519000229002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_birthdate/Month13", in: withResidentCheck(t, "11010519491301002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_birthdate/Day00", in: withResidentCheck(t, "11010519491200002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_birthdate/Year0000", in: withResidentCheck(t, "11010500001231002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_birthdate/Tomorrow", in: withResidentCheck(t, "11010520260316002"), wantCode: ident.CodeIDBirthdate},
		{name: "id_checksum/KnownExampleWrongCheck", in: "110105194912310021", wantCode: ident.CodeIDChecksum},
		{name: "id_checksum/TransposedDigits", in: "11010519491213002X", wantCode: ident.CodeIDChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.ParseResidentID(tt.in, now)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Fatalf("code = %q, want %q (err %v)", got, want, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseResidentID mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseResidentID_ErrorHasChineseMessage(t *testing.T) {
	_, err := ident.ParseResidentID("110105194912310021", now)
	var e *ident.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *ident.Error", err)
	}
	if got, want := e.Message, "身份证号码校验位不正确"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if strings.Contains(err.Error(), "110105") {
		t.Errorf("error text %q repeats the input", err.Error())
	}
}

func TestResidentIDCheck(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     byte
		wantCode string
	}{
		{name: "OK/X", in: "11010519491231002", want: 'X'},
		{name: "id_length", in: "1101051949123100", wantCode: ident.CodeIDLength},
		{name: "id_charset", in: "1101051949123100X", wantCode: ident.CodeIDCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.ResidentIDCheck(tt.in)
			if got, want := codeOf(t, err), tt.wantCode; got != want {
				t.Fatalf("code = %q, want %q", got, want)
			}
			if got, want := got, tt.want; got != want {
				t.Errorf("check = %q, want %q", got, want)
			}
		})
	}
}

func TestResidentID_PrintsMasked(t *testing.T) {
	id, err := ident.ParseResidentID("11010519491231002X", now)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "id", id)
	for _, s := range []string{fmt.Sprint(id), fmt.Sprintf("%+v", id), fmt.Sprintf("%#v", id), logged.String()} {
		if strings.Contains(s, "19491231") {
			t.Errorf("printed %q, want the number masked", s)
		}
	}
}
