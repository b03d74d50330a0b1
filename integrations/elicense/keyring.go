package elicense

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"zerovisit/workflow/ident"
)

// Keyring holds the SM2 signing keys of issuing departments, by their USCC.
// The library signs licences with them (in production the key sits in the
// department's seal service; the sandbox and the default configuration
// generate one per department at start). It is safe for concurrent use.
type Keyring struct {
	mu   sync.RWMutex
	keys map[string]*sm2.PrivateKey
}

// NewKeyring returns an empty keyring.
func NewKeyring() *Keyring { return &Keyring{keys: make(map[string]*sm2.PrivateKey)} }

// Generate makes a new key for the department issuer unless it has one.
func (k *Keyring) Generate(issuer string) error {
	code, err := ident.ParseUSCC(issuer)
	if err != nil {
		return fmt.Errorf("elicense: keyring: issuer: %w", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keys[code.Code]; ok {
		return nil
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("elicense: keyring: generate key: %w", err)
	}
	k.keys[code.Code] = key
	return nil
}

// Add sets the key of the department issuer, replacing any it had.
func (k *Keyring) Add(issuer string, key *sm2.PrivateKey) error {
	code, err := ident.ParseUSCC(issuer)
	if err != nil {
		return fmt.Errorf("elicense: keyring: issuer: %w", err)
	}
	if key == nil {
		return fmt.Errorf("elicense: keyring: nil key")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[code.Code] = key
	return nil
}

// Has reports whether issuer has a key.
func (k *Keyring) Has(issuer string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, ok := k.keys[issuer]
	return ok
}

// Issuers lists the departments with a key, sorted.
func (k *Keyring) Issuers() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]string, 0, len(k.keys))
	for c := range k.keys {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// PublicKey returns issuer's public key.
func (k *Keyring) PublicKey(issuer string) (*ecdsa.PublicKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	key, ok := k.keys[issuer]
	if !ok {
		return nil, false
	}
	return &key.PublicKey, true
}

// Sign signs msg with issuer's key (SM2 with the default user ID) and
// returns the base64 ASN.1 signature.
func (k *Keyring) Sign(issuer string, msg []byte) (string, error) {
	k.mu.RLock()
	key, ok := k.keys[issuer]
	k.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("elicense: keyring: no key for the issuer")
	}
	sig, err := key.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return "", fmt.Errorf("elicense: keyring: sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// SignLicence sets l's Signature and SignAlgorithm with the key of l's issuer.
func (k *Keyring) SignLicence(l *Licence) error {
	msg, err := Canonical(*l)
	if err != nil {
		return err
	}
	sig, err := k.Sign(l.IssuerCode, msg)
	if err != nil {
		return err
	}
	l.Signature, l.SignAlgorithm = sig, SignAlgorithm
	return nil
}

// MarshalPublicKey encodes an SM2 public key as base64 DER
// SubjectPublicKeyInfo, the form the library serves.
func MarshalPublicKey(pub *ecdsa.PublicKey) (string, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("elicense: marshal public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// ParsePublicKey decodes what MarshalPublicKey encodes.
func ParsePublicKey(s string) (*ecdsa.PublicKey, error) {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("elicense: parse public key: %w", err)
	}
	key, err := smx509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("elicense: parse public key: %w", err)
	}
	pub, ok := key.(*ecdsa.PublicKey)
	if !ok || pub.Curve != sm2.P256() {
		return nil, fmt.Errorf("elicense: parse public key: not an sm2 key")
	}
	return pub, nil
}
