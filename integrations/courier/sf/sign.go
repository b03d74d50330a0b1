package sf

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Digest is the msgDigest of a message: Base64(MD5(urlencode(msgData +
// timestamp + checkword))).
func Digest(msgData, timestamp, checkword string) string {
	sum := md5.Sum([]byte(javaURLEncode(msgData + timestamp + checkword)))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// VerifyDigest reports, in constant time, whether digest is the msgDigest
// of the message.
func VerifyDigest(digest, msgData, timestamp, checkword string) bool {
	want := Digest(msgData, timestamp, checkword)
	return subtle.ConstantTimeCompare([]byte(digest), []byte(want)) == 1
}

// javaURLEncode encodes s as Java's URLEncoder.encode(s, "UTF-8") does:
// letters, digits and ".-*_" stay, a space becomes '+', every other byte of
// the UTF-8 form becomes %XX in upper case. Go's url.QueryEscape differs on
// '*' and '~', which would break the digest of a message containing them.
func javaURLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
