package ident

import (
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// Sex is the sex recorded in a resident ID number (its 17th digit).
type Sex string

// The values of Sex.
const (
	SexMale   Sex = "male"
	SexFemale Sex = "female"
)

// ResidentID is a parsed, valid resident ID number (居民身份证号码, GB 11643-1999).
//
// Its String, GoString and LogValue methods print the masked number, so that
// a ResidentID passed to fmt or slog by mistake does not leak the full number;
// use Number deliberately when the full value is needed.
type ResidentID struct {
	// Number is the normalised 18-character number (check character X upper-case).
	Number string
	// Region is the 6-digit administrative division code of first
	// registration; for a foreign permanent-residence ID, the issuing
	// province's code followed by 0000.
	Region string
	// Birth is the date of birth at midnight UTC.
	Birth time.Time
	// Sex is taken from the parity of the 17th digit (odd is male).
	Sex Sex
	// Foreign is true for a foreign permanent-residence ID (外国人永久居留身份证,
	// 2023 version), whose number begins with 9.
	Foreign bool `json:",omitempty"`
	// Nationality is the 3-digit numeric nationality code of a foreign
	// permanent-residence ID (GB/T 2659, the ISO 3166-1 numeric codes); empty
	// for a resident ID.
	Nationality string `json:",omitempty"`
}

// String returns the masked number.
func (id ResidentID) String() string { return MaskResidentID(id.Number) }

// GoString returns the masked number, so %#v does not leak it either.
func (id ResidentID) GoString() string { return `ident.ResidentID{"` + id.String() + `"}` }

// LogValue makes slog record the masked number.
func (id ResidentID) LogValue() slog.Value { return slog.StringValue(id.String()) }

// residentWeights are the GB 11643 weights 2^(17-i) mod 11 of the first 17 digits.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheckChars maps the weighted sum mod 11 to the check character.
const residentCheckChars = "10X98765432"

// provinces lists the valid first two digits of a region code: the
// province-level divisions, plus 71 (Taiwan), 81 (Hong Kong), 82 (Macao) and
// 83 (residence permits of Taiwan residents).
//
// Deeper region checks are deliberately not made: division codes change every
// year, and a number keeps the code of its first registration for life.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// mainland lists the province-level codes of the mainland, where the
// immigration authorities issue foreign permanent-residence IDs.
var mainland = func() map[string]bool {
	m := make(map[string]bool, len(provinces))
	for p := range provinces {
		if p < "70" {
			m[p] = true
		}
	}
	return m
}()

// beijing is China Standard Time, UTC+08:00 all year (no daylight saving
// since 1991). It is a fixed zone so that a container without tzdata still
// knows what day it is in Beijing.
var beijing = time.FixedZone("CST", 8*3600)

// ParseResidentID validates s as an 18-character resident ID number
// (公民身份号码, GB 11643-1999) or a foreign permanent-residence ID number
// (外国人永久居留身份证号码, 2023 version), and returns it normalised
// (surrounding spaces trimmed, check character x upper-cased) with its birth
// date and sex.
//
// Rules, with their sources:
//   - GB 11643-1999 §4–§7: 6-digit address code, 8-digit birth date code
//     (YYYYMMDD), 3-digit sequence code whose last digit is odd for men and
//     even for women, and a check character by ISO 7064 MOD 11-2. The
//     standard sets no earliest birth date (its own example
//     440524188001010014 was born in 1880), so any real calendar date from
//     year 0001 is accepted.
//   - The birth date may not be after today's date in Beijing time, whatever
//     zone now carries: a person born today in Beijing is accepted from 00:00
//     Beijing time even when the caller's clock is in UTC.
//   - 国家移民管理局, 新版外国人永久居留身份证机读信息规则 (2023, in use since
//     2023-12-01): 18 digits; the first is 9 (foreigners, where citizens'
//     numbers begin 1–8); digits 2–3 are the province-level code of the
//     issuing authority; digits 4–6 the numeric nationality code (GB/T 2659,
//     ISO 3166-1 numeric); digits 7–14 the birth date; digits 15–17 a sequence
//     whose last digit gives the sex as in GB 11643; digit 18 the same
//     MOD 11-2 check. Accepted issuing provinces are the mainland ones;
//     nationality 000 (no country) and 156 (China: a Chinese citizen is not a
//     foreigner) are refused. Other nationality codes are not listed here,
//     because GB/T 2659 changes as countries do.
//
// Only the province-level part of a resident's region code is checked.
func ParseResidentID(s string, now time.Time) (ResidentID, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) != 18 {
		return ResidentID{}, invalid(CodeIDLength, "身份证号码应为18位", "resident id: length must be 18")
	}
	if len(s) != 18 || !allDigits(s[:17]) || !(isDigit(s[17]) || s[17] == 'X' || s[17] == 'x') {
		return ResidentID{}, invalid(CodeIDCharset, "身份证号码格式不正确，应为17位数字加1位数字或X",
			"resident id: must be 17 digits followed by a digit or x")
	}
	s = s[:17] + string(upperASCII(s[17]))

	out := ResidentID{Number: s, Region: s[:6]}
	if s[0] == '9' {
		out.Foreign, out.Region, out.Nationality = true, s[1:3]+"0000", s[3:6]
		if !mainland[s[1:3]] {
			return ResidentID{}, invalid(CodeIDRegion, "永久居留身份证号码的受理地代码不正确",
				"permanent residence id: unknown issuing province code")
		}
		if out.Nationality == "000" || out.Nationality == "156" {
			return ResidentID{}, invalid(CodeIDRegion, "永久居留身份证号码的国籍代码不正确",
				"permanent residence id: nationality code is not a foreign country")
		}
	} else if !provinces[s[:2]] {
		return ResidentID{}, invalid(CodeIDRegion, "身份证号码的地区码不正确", "resident id: unknown province-level region code")
	}
	birth, ok := civilDate(s[6:14])
	if !ok {
		return ResidentID{}, invalid(CodeIDBirthdate, "身份证号码中的出生日期不正确", "resident id: birth date is not a calendar date")
	}
	ny, nm, nd := now.In(beijing).Date()
	if birth.After(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)) {
		return ResidentID{}, invalid(CodeIDBirthdate, "身份证号码中的出生日期不正确", "resident id: birth date is after today")
	}
	check, _ := ResidentIDCheck(s[:17])
	if s[17] != check {
		return ResidentID{}, invalid(CodeIDChecksum, "身份证号码校验位不正确", "resident id: check character mismatch")
	}

	out.Birth, out.Sex = birth, SexFemale
	if (s[16]-'0')%2 == 1 {
		out.Sex = SexMale
	}
	return out, nil
}

// ResidentIDCheck computes the check character (0–9 or X) of the first 17
// digits of a resident ID number. It checks only that first17 is 17 digits,
// so tests and sandboxes can generate numbers: ParseResidentID checks the rest.
func ResidentIDCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, invalid(CodeIDLength, "身份证号码本体应为17位", "resident id: body length must be 17")
	}
	if !allDigits(first17) {
		return 0, invalid(CodeIDCharset, "身份证号码本体应为17位数字", "resident id: body must be digits")
	}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	return residentCheckChars[sum%11], nil
}

// civilDate parses YYYYMMDD (already known to be digits) and reports
// whether it names a real date of the (proleptic) Gregorian calendar; year
// 0000 does not exist.
func civilDate(s string) (time.Time, bool) {
	y := atoi(s[:4])
	m := atoi(s[4:6])
	d := atoi(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y == 0 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false // time.Date normalised an impossible date such as 0230
	}
	return t, true
}

func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// upperASCII upper-cases a-z only. strings.ToUpper is not used on
// identifiers because it maps some non-ASCII letters onto ASCII ones
// (U+017F ſ becomes S), which would let look-alikes pass.
func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func upperASCIIString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = upperASCII(c)
	}
	return string(b)
}
