package kuaidi100

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Sign is the sign of a request: UPPER(hex(MD5(param + key + customer))).
func Sign(param, key, customer string) string {
	sum := md5.Sum([]byte(param + key + customer))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// PushSign is the sign of a push: UPPER(hex(MD5(param + salt))).
func PushSign(param, salt string) string {
	sum := md5.Sum([]byte(param + salt))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// equal compares two signs in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// VerifySign reports whether sign is the sign of a request.
func VerifySign(sign, param, key, customer string) bool {
	return equal(sign, Sign(param, key, customer))
}

// VerifyPushSign reports whether sign is the sign of a push.
func VerifyPushSign(sign, param, salt string) bool { return equal(sign, PushSign(param, salt)) }
