package elicense

import (
	"time"

	"zerovisit/workflow"
)

// Status is a licence's standing in the library.
type Status string

// Licence statuses.
const (
	StatusValid   Status = "valid"
	StatusRevoked Status = "revoked"
)

// SignAlgorithm names the signature scheme of licences: SM2 over the SM3
// digest of the canonical JSON (GB/T 32918, default user ID).
const SignAlgorithm = "SM2-SM3"

// Licence is a licence's metadata as the library serves it.
type Licence struct {
	// ID is the e-license identifier (1.2.156.3005.2.…).
	ID string `json:"licence_id"`
	// Type is the licence type code, lower-case as in the catalogue ("yyzz").
	Type string `json:"licence_type"`
	// Name is the licence's name ("营业执照").
	Name string `json:"name"`
	// HolderName is the holder's name, masked for a natural person.
	HolderName string `json:"holder_name"`
	// HolderID is the holder's resident ID number or USCC.
	HolderID string `json:"holder_id"`
	// Issuer is the issuing department's name and IssuerCode its USCC.
	Issuer     string `json:"issuer"`
	IssuerCode string `json:"issuer_code"`
	// IssuedOn is the day of issue; ExpiresOn the last valid day, zero for 长期有效.
	IssuedOn  workflow.Date `json:"issued_on"`
	ExpiresOn workflow.Date `json:"expires_on,omitzero"`
	// Items are the licence's printed particulars (经营范围, 住所, …).
	Items  map[string]string `json:"items,omitempty"`
	Status Status            `json:"status"`
	// FileSHA256 and FileSM3 are lower-case hex digests of the licence file.
	FileSHA256 string `json:"file_sha256"`
	FileSM3    string `json:"file_sm3"`
	// FileURL is the file's path under the library's base URL.
	FileURL string `json:"file_url"`
	// CaseNumber is the case that issued the licence, if it came from one.
	CaseNumber string `json:"case_number,omitempty"`
	// Signature is the base64 ASN.1 SM2 signature of Canonical(licence) by
	// the issuer's key; SignAlgorithm is always SignAlgorithm.
	Signature     string `json:"signature"`
	SignAlgorithm string `json:"sign_algorithm"`
	// RevokedAt and RevokeReason are set once the licence is revoked.
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
	RevokeReason string    `json:"revoke_reason,omitempty"`
}

// Usable reports whether the licence may stand in for a paper original on
// day: it is valid and has not expired.
func (l Licence) Usable(day workflow.Date) bool {
	return l.Status == StatusValid && (l.ExpiresOn.IsZero() || l.ExpiresOn.Compare(day) >= 0)
}

// Holder is the person or organisation a licence is issued to.
type Holder struct {
	// ID is the resident ID number or USCC.
	ID string
	// Name is the full name; the library masks it in answers for persons.
	Name string
}

// Issuer is a department that issues licences.
type Issuer struct {
	// Code is the department's USCC.
	Code string
	// Name is its name ("某市市场监督管理局").
	Name string
}

// typeNames are the licence types the catalogue refers to.
var typeNames = map[string]string{
	"sfz":       "居民身份证",
	"jzz":       "居住证",
	"jsz":       "机动车驾驶证",
	"xsz":       "机动车行驶证",
	"gatxz":     "往来港澳通行证",
	"yyzz":      "营业执照",
	"spjyxkz":   "食品经营许可证",
	"mfqydjzs":  "民办非企业单位登记证书",
	"ysjyzs":    "医师执业证书",
	"yszgzs":    "医师资格证书",
	"ggcswsxkz": "公共场所卫生许可证",
	"dlyscyzgz": "道路运输从业资格证",
	"dlysjyxkz": "道路运输经营许可证",
	"bdcqzs":    "不动产权证书",
	"fwzlbazm":  "房屋租赁登记备案证明",
}

// TypeName returns the name of a known licence type code, or "".
func TypeName(code string) string { return typeNames[code] }
