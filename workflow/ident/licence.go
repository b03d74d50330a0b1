package ident

import (
	"fmt"
	"strings"
)

// LicenceRoot is the OID arc under which every e-license identifier
// (电子证照标识) is registered.
const LicenceRoot = "1.2.156.3005.2."

// Limits on the free-form parts of an e-license identifier.
const (
	MaxLicenceTypeLen   = 32
	MaxLicenceSerialLen = 64
)

// LicenceID is a parsed, valid e-license identifier:
// 1.2.156.3005.2.<type>.<issuer USCC>.<serial>.<version>.<check>.
type LicenceID struct {
	// ID is the normalised identifier (letters upper-case).
	ID string
	// TypeCode is the licence type code (证照类型代码).
	TypeCode string
	// Issuer is the issuing authority's unified social credit code.
	Issuer USCC
	// Serial is the licence's own number within its type and issuer.
	Serial string
	// Version is the licence's version, 1–999.
	Version int
	// Check is the ISO/IEC 7064 MOD 37,36 check character.
	Check byte
}

// String returns the identifier.
func (l LicenceID) String() string { return l.ID }

// BuildLicenceID assembles a valid identifier from its parts and computes its
// check character. Letters are upper-cased; every part is validated as by
// ParseLicenceID.
func BuildLicenceID(typeCode, issuerUSCC, serial string, version int) (string, error) {
	typeCode = upperASCIIString(typeCode)
	serial = upperASCIIString(serial)
	if err := licencePart(typeCode, MaxLicenceTypeLen, CodeLicenceType, "证照类型代码", "type code"); err != nil {
		return "", err
	}
	issuer, err := ParseUSCC(issuerUSCC)
	if err != nil {
		return "", issuerError(err)
	}
	if err := licencePart(serial, MaxLicenceSerialLen, CodeLicenceSerial, "证照编号", "serial"); err != nil {
		return "", err
	}
	if version < 1 || version > 999 {
		return "", versionError()
	}
	body := fmt.Sprintf("%s.%s.%s.%03d", typeCode, issuer.Code, serial, version)
	return LicenceRoot + body + "." + string(mod3736(strings.ReplaceAll(body, ".", ""))), nil
}

// ParseLicenceID validates s with a strict USCC check of the issuer.
func ParseLicenceID(s string) (LicenceID, error) {
	return (*USCCValidator)(nil).ParseLicenceID(s)
}

// ParseLicenceID validates s and returns it normalised (surrounding spaces
// trimmed, letters upper-cased), checking the issuer against v's allow-list.
func (v *USCCValidator) ParseLicenceID(s string) (LicenceID, error) {
	s = upperASCIIString(strings.TrimSpace(s))
	if !strings.HasPrefix(s, LicenceRoot) {
		return LicenceID{}, invalid(CodeLicenceRoot, "电子证照标识应以1.2.156.3005.2.开头", "licence id: not under the 1.2.156.3005.2 root")
	}
	parts := strings.Split(s[len(LicenceRoot):], ".")
	if len(parts) != 5 {
		return LicenceID{}, invalid(CodeLicenceFormat, "电子证照标识格式不正确，应由类型、签发机构、编号、版本和校验位五段组成",
			"licence id: want 5 dot-separated parts after the root")
	}
	typeCode, issuerCode, serial, version, check := parts[0], parts[1], parts[2], parts[3], parts[4]
	if err := licencePart(typeCode, MaxLicenceTypeLen, CodeLicenceType, "证照类型代码", "type code"); err != nil {
		return LicenceID{}, err
	}
	issuer, err := v.Parse(issuerCode)
	if err != nil || issuer.Code != issuerCode { // no spaces inside an identifier
		return LicenceID{}, issuerError(err)
	}
	if err := licencePart(serial, MaxLicenceSerialLen, CodeLicenceSerial, "证照编号", "serial"); err != nil {
		return LicenceID{}, err
	}
	if len(version) != 3 || !allDigits(version) || version == "000" {
		return LicenceID{}, versionError()
	}
	if len(check) != 1 || mod3736Value(check[0]) < 0 {
		return LicenceID{}, invalid(CodeLicenceFormat, "电子证照标识校验位应为一位数字或字母", "licence id: check must be one character 0-9 or a-z")
	}
	body := typeCode + issuer.Code + serial + version
	if mod3736(body) != check[0] {
		return LicenceID{}, invalid(CodeLicenceChecksum, "电子证照标识校验位不正确", "licence id: check character mismatch")
	}
	return LicenceID{
		ID:       s,
		TypeCode: typeCode,
		Issuer:   issuer,
		Serial:   serial,
		Version:  atoi(version),
		Check:    check[0],
	}, nil
}

func licencePart(s string, maxLen int, code, zh, en string) error {
	if s == "" || len(s) > maxLen {
		return invalid(code, fmt.Sprintf("%s应为1至%d位", zh, maxLen), fmt.Sprintf("licence id: %s length must be 1-%d", en, maxLen))
	}
	for i := range len(s) {
		if mod3736Value(s[i]) < 0 {
			return invalid(code, zh+"只能由数字和字母组成", "licence id: "+en+" must be alphanumeric")
		}
	}
	return nil
}

func issuerError(err error) *Error {
	e := invalid(CodeLicenceIssuer, "电子证照标识中的签发机构统一社会信用代码不正确", "licence id: issuer")
	e.cause = err
	if err == nil {
		e.detail = "licence id: issuer must not contain spaces"
	}
	return e
}

func versionError() *Error {
	return invalid(CodeLicenceVersion, "电子证照版本号应为001至999的三位数字", "licence id: version must be 3 digits 001-999")
}

// mod3736Value is the value of an (upper-case) character in the ISO/IEC 7064
// alphanumeric alphabet 0-9A-Z, or -1.
func mod3736Value(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// mod3736 computes the ISO/IEC 7064 MOD 37,36 (hybrid system, M = 36)
// check character of s, which must hold only 0-9A-Z.
func mod3736(s string) byte {
	const m = 36
	p := m
	for i := range len(s) {
		p = (p + mod3736Value(s[i])) % m
		if p == 0 {
			p = m
		}
		p = p * 2 % (m + 1)
	}
	// The check c makes the final (p + c) mod M equal 1.
	c := (m + 1 - p) % m
	if c < 10 {
		return byte('0' + c)
	}
	return byte('A' + c - 10)
}
