package ident_test

import (
	"errors"
	"testing"

	"zerovisit/workflow/ident"
)

// withResidentCheck appends the right check character to 17 digits.
func withResidentCheck(tb testing.TB, first17 string) string {
	tb.Helper()
	c, err := ident.ResidentIDCheck(first17)
	if err != nil {
		tb.Fatalf("ResidentIDCheck(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// withUSCCCheck appends the right check character to 17 USCC characters.
func withUSCCCheck(tb testing.TB, first17 string) string {
	tb.Helper()
	c, err := ident.USCCCheck(first17)
	if err != nil {
		tb.Fatalf("USCCCheck(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// wrongCheck returns s with its last character replaced by another one from alphabet.
func wrongCheck(s, alphabet string) string {
	last := s[len(s)-1]
	for i := range len(alphabet) {
		if alphabet[i] != last {
			return s[:len(s)-1] + string(alphabet[i])
		}
	}
	panic("alphabet has one character")
}

// codeOf returns the Code of an *ident.Error, checking that err wraps
// ErrInvalid and carries a Chinese message.
func codeOf(tb testing.TB, err error) string {
	tb.Helper()
	if err == nil {
		return ""
	}
	if !errors.Is(err, ident.ErrInvalid) {
		tb.Errorf("error %v does not wrap ErrInvalid", err)
	}
	var e *ident.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v is not an *ident.Error", err)
	}
	if e.Message == "" || e.Error() == "" {
		tb.Errorf("error %q has an empty message", e.Code)
	}
	return e.Code
}
