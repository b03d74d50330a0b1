// Package pii protects personal data at rest with the national algorithms:
// SM4-GCM encryption of each value, bound to the field it belongs to, and a
// keyed blind index (HMAC-SM3) for exact-match lookups of a value without
// storing it in clear.
package pii

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the size of an SM4 key, in bytes.
const KeySize = 16

// ErrTampered means a sealed value failed authentication: it was altered,
// moved to another field, or sealed under another key.
var ErrTampered = errors.New("pii: sealed value failed authentication")

// version prefixes every sealed value, so the format or key can be changed
// later while old values stay readable.
const version = "s1"

// Sealer encrypts and indexes personal data. It is safe for concurrent use.
type Sealer struct {
	aead     cipher.AEAD
	indexKey []byte
}

// NewSealer builds a sealer from an SM4 key (KeySize bytes) and a separate
// index key (at least 16 bytes). Keeping the two apart means a leaked index
// key reveals nothing encrypted.
func NewSealer(encKey, indexKey []byte) (*Sealer, error) {
	if len(encKey) != KeySize {
		return nil, fmt.Errorf("pii: encryption key must be %d bytes, got %d", KeySize, len(encKey))
	}
	if len(indexKey) < 16 {
		return nil, fmt.Errorf("pii: index key must be at least 16 bytes, got %d", len(indexKey))
	}
	block, err := sm4.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return &Sealer{aead: aead, indexKey: append([]byte(nil), indexKey...)}, nil
}

// Seal encrypts plain for the field named by context (for example
// "citizen:42:id_number"): a sealed value copied into another field or row
// does not open there. The empty string seals to the empty string.
func (s *Sealer) Seal(plain, context string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("pii: nonce: %w", err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return version + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value sealed for the same context.
func (s *Sealer) Open(sealed, context string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	v, body, ok := strings.Cut(sealed, ":")
	if !ok || v != version {
		return "", fmt.Errorf("pii: unknown sealed format: %w", ErrTampered)
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", ErrTampered
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// Index returns the blind index of a value of a kind ("id_number",
// "phone"…): equal values of one kind give equal indexes, so the index can
// be a unique key, and without the index key it reveals nothing. Values are
// compared as given: normalise them first (upper-case the X of an ID number).
func (s *Sealer) Index(kind, value string) string {
	m := hmac.New(sm3.New, s.indexKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
