package exchange_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zerovisit/integrations/exchange"
)

func TestReadRequest(t *testing.T) {
	type req struct {
		Name string `json:"name"`
	}
	for name, tc := range map[string]struct {
		body string
		ok   bool
	}{
		"OK":           {`{"name":"张三"}`, true},
		"Malformed":    {`{"name":`, false},
		"UnknownField": {`{"nmae":"张三"}`, false},
		"Oversized":    {`{"name":"` + strings.Repeat("x", 100) + `"}`, false},
	} {
		t.Run(name, func(t *testing.T) {
			w := httptest.NewRecorder()
			var v req
			ok := exchange.ReadRequest(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body)), 64, &v)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok && (w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"code":"bad_request"`)) {
				t.Errorf("refusal = %d %s, want the 400 envelope", w.Code, w.Body)
			}
		})
	}
}
