package exchange

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// The headers that authenticate a request.
const (
	HeaderAppID     = "X-App-Id"
	HeaderTimestamp = "X-Timestamp"
	HeaderNonce     = "X-Nonce"
	HeaderSignature = "X-Signature"
)

// StringToSign is the text a request's signature covers. pathQuery is the
// request target as sent on the wire (the escaped path, then "?" and the raw
// query if there is one).
func StringToSign(method, pathQuery, timestamp, nonce string, body []byte) string {
	sum := sm3.Sum(body)
	return method + "\n" + pathQuery + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])
}

// Signature returns the lower-case hex HMAC-SM3 of the string to sign under secret.
func Signature(secret, method, pathQuery, timestamp, nonce string, body []byte) string {
	mac := hmac.New(sm3.New, []byte(secret))
	mac.Write([]byte(StringToSign(method, pathQuery, timestamp, nonce, body)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Sign sets the four authentication headers on req, with a fresh random
// nonce and now as the timestamp. It reads the body to hash it and puts it
// back (with GetBody), so req can still be sent. Sign a request once per
// attempt: the party refuses a nonce it has seen, so a retry needs a new
// signature (Transport does this).
func Sign(req *http.Request, appID, secret string, now time.Time) error {
	body, err := readBody(req)
	if err != nil {
		return fmt.Errorf("exchange: sign: read body: %w", err)
	}
	nonce, err := NewNonce()
	if err != nil {
		return fmt.Errorf("exchange: sign: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set(HeaderAppID, appID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, Signature(secret, req.Method, req.URL.RequestURI(), ts, nonce, body))
	return nil
}

// NewNonce returns 32 random hex characters.
func NewNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random nonce: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// readBody reads req's body whole and replaces it with a re-readable copy.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	if cerr := req.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.ContentLength = int64(len(b))
	return b, nil
}
