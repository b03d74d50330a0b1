package exchange

import (
	"bytes"
	"crypto/hmac"
	"io"
	"net/http"
	"strconv"
	"time"
)

// DefaultSkew is how far a request's timestamp may be from the party's clock.
const DefaultSkew = 5 * time.Minute

// maxSignedBody bounds the body Verify reads to check a signature.
const maxSignedBody = 16 << 20

// AuthError is why a party refused a request's authentication. Code is the
// machine code sent back in the envelope, Message its Chinese text.
type AuthError struct {
	Code    string
	Message string
}

// Error returns "exchange: " and the code.
func (e *AuthError) Error() string { return "exchange: " + e.Code }

// The reasons Verify refuses a request. Compare with errors.Is.
var (
	ErrMissingAuth    = &AuthError{Code: "missing_auth", Message: "缺少或无法识别签名请求头"}
	ErrUnknownApp     = &AuthError{Code: "unknown_app", Message: "应用标识未登记"}
	ErrBadSignature   = &AuthError{Code: "bad_signature", Message: "签名校验失败"}
	ErrStaleTimestamp = &AuthError{Code: "timestamp_expired", Message: "请求时间戳超出允许范围"}
	ErrNonceReused    = &AuthError{Code: "nonce_reused", Message: "请求随机数已使用，疑似重放"}
	ErrBodyTooLarge   = &AuthError{Code: "body_too_large", Message: "请求体过大"}
)

// Verify checks the authentication headers of r: the app is one of secrets
// (app ID to secret), the signature matches, the timestamp is within skew of
// now, and the nonce is new. nonceSeen is asked last, with appID + ":" +
// nonce, and must report whether that key was seen before while recording
// it (NonceCache.Seen does). Verify reads the body and puts it back.
//
// The request target signed is r.RequestURI, the path and query exactly as
// the client sent them, so Verify works under http.StripPrefix too.
func Verify(r *http.Request, secrets map[string]string, nonceSeen func(string) bool, now time.Time, skew time.Duration) error {
	appID := r.Header.Get(HeaderAppID)
	tsText := r.Header.Get(HeaderTimestamp)
	nonce := r.Header.Get(HeaderNonce)
	sig := r.Header.Get(HeaderSignature)
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if appID == "" || err != nil || len(nonce) < 8 || len(nonce) > 128 || sig == "" {
		return ErrMissingAuth
	}
	secret, ok := secrets[appID]
	if !ok {
		return ErrUnknownApp
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxSignedBody+1))
		r.Body.Close()
		if err != nil {
			return ErrMissingAuth
		}
		if len(body) > maxSignedBody {
			return ErrBodyTooLarge
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	target := r.RequestURI
	if target == "" { // a request built in-process (httptest.NewRequest sets it; others may not)
		target = r.URL.RequestURI()
	}
	want := Signature(secret, r.Method, target, tsText, nonce, body)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > skew || d < -skew {
		return ErrStaleTimestamp
	}
	if nonceSeen(appID + ":" + nonce) {
		return ErrNonceReused
	}
	return nil
}
