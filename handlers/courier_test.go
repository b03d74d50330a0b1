package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCourierDeskDisabled: with no courier desk configured every courier
// route answers in the one error shape, and the page is not found.
func TestCourierDeskDisabled(t *testing.T) {
	r := newRouter(t, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPost, "/api/v1/courier/session", http.StatusServiceUnavailable, "courier_desk_disabled"},
		{http.MethodGet, "/api/v1/courier/legs", http.StatusServiceUnavailable, "courier_desk_disabled"},
		{http.MethodPost, "/api/v1/callbacks/courier/sf", http.StatusServiceUnavailable, "courier_desk_disabled"},
		{http.MethodGet, "/courier/", http.StatusNotFound, "route_not_found"},
		{http.MethodGet, "/courier/..%2fhandler.go", http.StatusNotFound, "route_not_found"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			w := do(t, r, tc.method, tc.path, strings.NewReader(`{}`))
			if got, want := w.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			if got, want := decodeError(t, w).Error.Code, tc.code; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
		})
	}
}
