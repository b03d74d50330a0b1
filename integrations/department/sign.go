package department

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zerovisit/integrations/httpx"
)

// Headers of a signed webhook, both ways.
const (
	HeaderDepartment     = "X-ZV-Department"
	HeaderTimestamp      = "X-ZV-Timestamp"
	HeaderNonce          = "X-ZV-Nonce"
	HeaderSignature      = "X-ZV-Signature"
	HeaderIdempotencyKey = httpx.HeaderIdempotencyKey
)

// signatureScheme prefixes the signature; a new algorithm gets "v2=".
const signatureScheme = "v1="

// Sign returns the X-ZV-Signature of a message:
// "v1=" + hex(HMAC-SHA256(secret, timestamp + "." + nonce + "." + body)).
// timestamp is the X-ZV-Timestamp header exactly as sent.
func Sign(secret, timestamp, nonce string, body []byte) string {
	return signatureScheme + hex.EncodeToString(mac(secret, timestamp, nonce, body))
}

func mac(secret, timestamp, nonce string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write([]byte(nonce))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ValidSignature reports whether signature is Sign(secret, timestamp,
// nonce, body). It compares in constant time, and accepts upper-case hex.
func ValidSignature(secret, timestamp, nonce string, body []byte, signature string) bool {
	h, ok := strings.CutPrefix(signature, signatureScheme)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(h)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return hmac.Equal(got, mac(secret, timestamp, nonce, body))
}

// SignHeaders sets the four X-ZV headers of a message from department
// signed with secret at time at with nonce (NewNonce() if empty).
func SignHeaders(h http.Header, department, secret string, at time.Time, nonce string, body []byte) {
	if nonce == "" {
		nonce = NewNonce()
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	h.Set(HeaderDepartment, department)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderSignature, Sign(secret, ts, nonce, body))
}

// NewNonce returns 32 random hex characters.
func NewNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// ValidNonce reports whether n has the nonce's form: 8 to 64 characters
// of [A-Za-z0-9_-].
func ValidNonce(n string) bool {
	if len(n) < 8 || len(n) > 64 {
		return false
	}
	for _, r := range n {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

// IdempotencyKey is the Idempotency-Key of the push of a case at a
// version: "<number>:<version>".
func IdempotencyKey(number string, version int64) string {
	return number + ":" + strconv.FormatInt(version, 10)
}
