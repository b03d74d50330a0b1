package department_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zerovisit/integrations/department"
)

// TestSign_KnownVector pins the signature to a value computed outside Go
// (Python's hmac module), so the format cannot drift unnoticed.
func TestSign_KnownVector(t *testing.T) {
	got := department.Sign(scjgjSecret, "1756688400", "abcdef0123456789", []byte(`{"a":1}`))
	if want := "v1=7207f7b6bcc0f0d689774310fe5ef598356324c53b1a4214345f4618d1e3d463"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestValidSignature(t *testing.T) {
	body := []byte(`{"a":1}`)
	good := department.Sign(scjgjSecret, "1756688400", "abcdef0123456789", body)
	tests := []struct {
		name string
		sig  string
		body []byte
		want bool
	}{
		{"OK", good, body, true},
		{"UpperCaseHex", "v1=" + strings.ToUpper(strings.TrimPrefix(good, "v1=")), body, true},
		{"OtherBody", good, []byte(`{"a":2}`), false},
		{"NoScheme", strings.TrimPrefix(good, "v1="), body, false},
		{"OtherScheme", "v2=" + strings.TrimPrefix(good, "v1="), body, false},
		{"Short", good[:len(good)-2], body, false},
		{"NotHex", good[:len(good)-1] + "g", body, false},
		{"Empty", "", body, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := department.ValidSignature(scjgjSecret, "1756688400", "abcdef0123456789", tt.body, tt.sig); got != tt.want {
				t.Errorf("ValidSignature = %v, want %v", got, tt.want)
			}
		})
	}
	if department.ValidSignature(gajSecret, "1756688400", "abcdef0123456789", body, good) {
		t.Error("signature valid under another secret")
	}
}

func TestSignHeaders(t *testing.T) {
	h := http.Header{}
	at := time.Unix(1756688400, 0)
	body := []byte(`{}`)
	department.SignHeaders(h, scjgj, scjgjSecret, at, "", body)

	if got, want := h.Get(department.HeaderDepartment), scjgj; got != want {
		t.Errorf("department = %q, want %q", got, want)
	}
	if got, want := h.Get(department.HeaderTimestamp), "1756688400"; got != want {
		t.Errorf("timestamp = %q, want %q", got, want)
	}
	nonce := h.Get(department.HeaderNonce)
	if !department.ValidNonce(nonce) {
		t.Errorf("nonce %q is not valid", nonce)
	}
	if got, want := h.Get(department.HeaderSignature), department.Sign(scjgjSecret, "1756688400", nonce, body); got != want {
		t.Errorf("signature = %q, want %q", got, want)
	}
	h2 := http.Header{}
	department.SignHeaders(h2, scjgj, scjgjSecret, at, "", body)
	if h2.Get(department.HeaderNonce) == nonce {
		t.Error("two signings share a nonce")
	}
}

func TestValidNonce(t *testing.T) {
	tests := map[string]bool{
		"abcdefgh":               true,
		"A-b_C-d_0123":           true,
		department.NewNonce():    true,
		"abcdefg":                false, // too short
		strings.Repeat("a", 65):  false,
		"abcd efgh":              false,
		"abcdefgh\n":             false,
		"随机数随机数随机数":              false,
		strings.Repeat("z", 64):  true,
		"abc.defgh":              false,
		"../../../../etc/passwd": false,
	}
	for n, want := range tests {
		if got := department.ValidNonce(n); got != want {
			t.Errorf("ValidNonce(%q) = %v, want %v", n, got, want)
		}
	}
}
