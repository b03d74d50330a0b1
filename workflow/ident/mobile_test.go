package ident

import "testing"

func TestValidMobile(t *testing.T) {
	for s, want := range map[string]bool{
		"13912345678": true, "19900000000": true, "12345678901": false, "1391234567": false, "139123456789": false,
		"1391234567a": false, "+8613912345678": false, "": false, "１3912345678": false,
	} {
		if got := ValidMobile(s); got != want {
			t.Errorf("ValidMobile(%q) = %v, want %v", s, got, want)
		}
	}
	for in, want := range map[string]string{"+86 139-1234-5678": "13912345678", "0086 13912345678": "13912345678", " 13912345678 ": "13912345678"} {
		if got := NormalizeMobile(in); got != want {
			t.Errorf("NormalizeMobile(%q) = %q, want %q", in, got, want)
		}
	}
}
