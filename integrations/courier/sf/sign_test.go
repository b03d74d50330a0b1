package sf_test

import (
	"testing"

	"zerovisit/integrations/courier/sf"
)

// TestDigest checks the digest against a value worked out independently:
// the message is URL-encoded as Java's URLEncoder does ('*' kept, '~' and
// every non-ASCII byte escaped, space as '+') before MD5 and Base64.
func TestDigest(t *testing.T) {
	msg := `{"orderId":"L-1","remark":"材料 原件*~"}`
	if got, want := sf.Digest(msg, "1700000000000", "checkword-123"), "Dn3MWfeuWsXiWg9sA9MCAQ=="; got != want {
		t.Errorf("Digest = %s, want %s", got, want)
	}
	if !sf.VerifyDigest("Dn3MWfeuWsXiWg9sA9MCAQ==", msg, "1700000000000", "checkword-123") {
		t.Error("VerifyDigest refuses the right digest")
	}
	for name, tc := range map[string][3]string{
		"OtherCheckword": {msg, "1700000000000", "checkword-124"},
		"OtherTimestamp": {msg, "1700000000001", "checkword-123"},
		"OtherMessage":   {msg + " ", "1700000000000", "checkword-123"},
	} {
		t.Run(name, func(t *testing.T) {
			if sf.VerifyDigest("Dn3MWfeuWsXiWg9sA9MCAQ==", tc[0], tc[1], tc[2]) {
				t.Error("VerifyDigest accepts a digest of another message")
			}
		})
	}
}
