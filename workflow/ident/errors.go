package ident

import "errors"

// ErrInvalid is wrapped by every validation error of this package, so callers
// can test for "bad identifier" with errors.Is and map it to a 422.
var ErrInvalid = errors.New("invalid identifier")

// Codes of *Error. They are stable: programs and API clients may match on them.
const (
	CodeIDLength    = "id_length"
	CodeIDCharset   = "id_charset"
	CodeIDBirthdate = "id_birthdate"
	CodeIDRegion    = "id_region"
	CodeIDChecksum  = "id_checksum"

	CodeUSCCLength     = "uscc_length"
	CodeUSCCCharset    = "uscc_charset"
	CodeUSCCAuthority  = "uscc_authority"
	CodeUSCCEntityType = "uscc_entity_type"
	CodeUSCCRegion     = "uscc_region"
	CodeUSCCChecksum   = "uscc_checksum"

	CodeLicenceFormat   = "licence_format"
	CodeLicenceRoot     = "licence_root"
	CodeLicenceType     = "licence_type"
	CodeLicenceIssuer   = "licence_issuer"
	CodeLicenceSerial   = "licence_serial"
	CodeLicenceVersion  = "licence_version"
	CodeLicenceChecksum = "licence_checksum"
)

// Error says what is wrong with an identifier. Code is a stable English
// machine code (one of the Code* constants), Message is Chinese for people,
// and Error() is a lower-case English description for logs. None of them
// contains the rejected input.
type Error struct {
	Code    string
	Message string
	detail  string
	cause   error
}

// Error describes the problem in lower-case English, for logs.
func (e *Error) Error() string {
	s := e.detail
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// Unwrap returns ErrInvalid and, for a composite identifier, the error of
// the part that failed (for example the issuer's USCC inside a licence ID).
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrInvalid, e.cause}
	}
	return []error{ErrInvalid}
}

func invalid(code, message, detail string) *Error {
	return &Error{Code: code, Message: message, detail: detail}
}
