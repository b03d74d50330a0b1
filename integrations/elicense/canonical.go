package elicense

import (
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"

	"zerovisit/workflow"
)

// ErrBadSignature means a licence's signature does not verify with its
// issuer's public key: the metadata was altered or signed by someone else.
var ErrBadSignature = errors.New("elicense: licence signature does not verify")

// signed is what a licence's signature covers, in this order. Status and
// revocation are left out: revoking a licence does not re-sign it. The
// holder's name is left out because answers mask it; HolderID names the
// holder.
type signed struct {
	ID         string            `json:"licence_id"`
	Type       string            `json:"licence_type"`
	Name       string            `json:"name"`
	HolderID   string            `json:"holder_id"`
	Issuer     string            `json:"issuer"`
	IssuerCode string            `json:"issuer_code"`
	IssuedOn   workflow.Date     `json:"issued_on"`
	ExpiresOn  workflow.Date     `json:"expires_on"`
	Items      map[string]string `json:"items"`
	FileSHA256 string            `json:"file_sha256"`
	FileSM3    string            `json:"file_sm3"`
}

// Canonical returns the bytes a licence's signature covers: compact JSON of
// licence_id, licence_type, name, holder_id, issuer, issuer_code, issued_on,
// expires_on ("" when open-ended), items (keys sorted, {} when none),
// file_sha256 and file_sm3, in that order.
func Canonical(l Licence) ([]byte, error) {
	items := l.Items
	if items == nil {
		items = map[string]string{}
	}
	b, err := json.Marshal(signed{
		ID: l.ID, Type: l.Type, Name: l.Name, HolderID: l.HolderID,
		Issuer: l.Issuer, IssuerCode: l.IssuerCode,
		IssuedOn: l.IssuedOn, ExpiresOn: l.ExpiresOn, Items: items,
		FileSHA256: l.FileSHA256, FileSM3: l.FileSM3,
	})
	if err != nil {
		return nil, fmt.Errorf("elicense: canonical json: %w", err)
	}
	return b, nil
}

// VerifyLicence checks l's signature with pub, the issuer's public key.
func VerifyLicence(pub *ecdsa.PublicKey, l Licence) error {
	if pub == nil {
		return fmt.Errorf("elicense: verify %s: no public key", l.ID)
	}
	if l.SignAlgorithm != SignAlgorithm {
		return fmt.Errorf("%w: unknown algorithm %q", ErrBadSignature, l.SignAlgorithm)
	}
	sig, err := base64.StdEncoding.DecodeString(l.Signature)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrBadSignature)
	}
	msg, err := Canonical(l)
	if err != nil {
		return err
	}
	if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
		return ErrBadSignature
	}
	return nil
}
