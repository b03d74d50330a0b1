package ident_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/workflow/ident"
)

// TestParseResidentID_StandardExamples parses the examples printed in
// GB 11643-1999 itself; the first was born in 1880.
func TestParseResidentID_StandardExamples(t *testing.T) {
	for _, tt := range []struct {
		in    string
		birth time.Time
		sex   ident.Sex
	}{
		{"11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), ident.SexFemale},
		{"440524188001010014", time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC), ident.SexMale},
	} {
		got, err := ident.ParseResidentID(tt.in, now)
		if err != nil {
			t.Fatalf("ParseResidentID(%s): %v", tt.in, err)
		}
		if !got.Birth.Equal(tt.birth) || got.Sex != tt.sex || got.Foreign {
			t.Errorf("ParseResidentID(%s) = %+v", tt.in, got)
		}
	}
}

// TestParseResidentID_TodayIsBeijingToday: a caller whose clock is in UTC
// (a container without a zone) still takes "today" in Beijing time, so a
// person born on the Beijing date that has already begun is accepted
// between 00:00 and 08:00 Beijing time, and tomorrow's date is refused.
func TestParseResidentID_TodayIsBeijingToday(t *testing.T) {
	utc := time.Date(2026, 3, 15, 17, 30, 0, 0, time.UTC) // 2026-03-16 01:30 in Beijing
	bornBeijingToday := withResidentCheck(t, "11010520260316002")
	if _, err := ident.ParseResidentID(bornBeijingToday, utc); err != nil {
		t.Errorf("born on the Beijing date at 01:30 Beijing time: %v", err)
	}
	if _, err := ident.ParseResidentID(withResidentCheck(t, "11010520260317002"), utc); codeOf(t, err) != ident.CodeIDBirthdate {
		t.Errorf("born tomorrow (Beijing): err = %v, want %s", err, ident.CodeIDBirthdate)
	}
	// A caller far west of Beijing still gets the Beijing date.
	la := time.Date(2026, 3, 15, 10, 0, 0, 0, time.FixedZone("PDT", -7*3600)) // 2026-03-16 01:00 Beijing
	if _, err := ident.ParseResidentID(bornBeijingToday, la); err != nil {
		t.Errorf("born on the Beijing date, caller in UTC-7: %v", err)
	}
}

func TestParseResidentID_NoLowerBound(t *testing.T) {
	for _, first17 := range []string{"11010518991231002", "11010518000101001", "11010516000229001"} {
		if _, err := ident.ParseResidentID(withResidentCheck(t, first17), now); err != nil {
			t.Errorf("%s: %v", first17, err)
		}
	}
	// Year 0000 and impossible dates are still refused.
	for _, first17 := range []string{"11010500000101001", "11010519000229002", "11010510010229001"} {
		if _, err := ident.ParseResidentID(withResidentCheck(t, first17), now); codeOf(t, err) != ident.CodeIDBirthdate {
			t.Errorf("%s: err = %v, want %s", first17, err, ident.CodeIDBirthdate)
		}
	}
}

// TestParseResidentID_ForeignPermanentResidence covers the 2023 外国人永久居留身份证
// number: 9, the issuing province, a 3-digit nationality code, the birth date,
// a sequence whose last digit gives the sex, and the MOD 11-2 check.
func TestParseResidentID_ForeignPermanentResidence(t *testing.T) {
	us := withResidentCheck(t, "91184019850612011") // Beijing-issued, 840 United States, male
	got, err := ident.ParseResidentID(us, now)
	if err != nil {
		t.Fatalf("ParseResidentID(foreign): %v", err)
	}
	want := ident.ResidentID{Number: us, Region: "110000", Birth: time.Date(1985, 6, 12, 0, 0, 0, 0, time.UTC),
		Sex: ident.SexMale, Foreign: true, Nationality: "840"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("foreign ID mismatch (-want +got):\n%s", diff)
	}
	lower := withResidentCheck(t, "93125019900101002") // Shanghai-issued, 250 France, female
	if got, err := ident.ParseResidentID(lower, now); err != nil || got.Sex != ident.SexFemale || got.Region != "310000" {
		t.Errorf("ParseResidentID(%s) = %+v, %v", lower, got, err)
	}
	for _, tt := range []struct{ name, in, code string }{
		{"UnknownIssuingProvince", withResidentCheck(t, "99984019850612011"), ident.CodeIDRegion},
		{"IssuedInHongKong", withResidentCheck(t, "98184019850612011"), ident.CodeIDRegion},
		{"NationalityZero", withResidentCheck(t, "91100019850612011"), ident.CodeIDRegion},
		{"NationalityChina", withResidentCheck(t, "91115619850612011"), ident.CodeIDRegion},
		{"BadDate", withResidentCheck(t, "91184019850230011"), ident.CodeIDBirthdate},
		{"FutureDate", withResidentCheck(t, "91184020260316011"), ident.CodeIDBirthdate},
		{"WrongCheck", wrongCheck(us, "0123456789X"), ident.CodeIDChecksum},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ident.ParseResidentID(tt.in, now)
			if got := codeOf(t, err); got != tt.code {
				t.Errorf("code = %q, want %q (err %v)", got, tt.code, err)
			}
		})
	}
}

// TestParseUSCC_AuthorityCategoryTable walks the GB 32100 table: every
// listed pair parses, every other category digit of each authority is
// refused.
func TestParseUSCC_AuthorityCategoryTable(t *testing.T) {
	table := map[byte]string{
		'1': "1239", '2': "19", '3': "123459", '4': "19", '5': "1239", '6': "129",
		'7': "129", '8': "19", '9': "123", 'A': "19", 'N': "1239", 'Y': "1",
	}
	for auth, cats := range table {
		for c := byte('0'); c <= '9'; c++ {
			code := withUSCCCheck(t, string(auth)+string(c)+"110105MA01ABCD1")
			_, err := ident.ParseUSCC(code)
			listed := c != '0' && containsByte(cats, c)
			switch {
			case listed && err != nil:
				t.Errorf("authority %c category %c: %v, want accepted", auth, c, err)
			case !listed && codeOf(t, err) != ident.CodeUSCCEntityType:
				t.Errorf("authority %c category %c: err = %v, want %s", auth, c, err, ident.CodeUSCCEntityType)
			}
		}
	}
}

func containsByte(s string, c byte) bool {
	for i := range len(s) {
		if s[i] == c {
			return true
		}
	}
	return false
}
