package ident

import "strings"

// ValidMobile reports whether s is a mainland mobile number as written
// domestically: 11 digits, a 1 and then 3 to 9 (no +86, no spaces; see
// NormalizeMobile for what people type).
func ValidMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeMobile strips spaces, dashes and a +86 or 0086 prefix from a
// mobile number as people type it.
func NormalizeMobile(s string) string {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	return strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
}
