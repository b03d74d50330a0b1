package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/province/sandbox"
)

// post sends body (a JSON value) with the headers and decodes the answer.
func post(tb testing.TB, url string, body any, header map[string]string) (int, map[string]any) {
	tb.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, out
}

// TestWire checks the answers byte for byte as a platform integrator would
// read them in its documentation.
func TestWire(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Config{AppID: "a", Secret: "s"}))
	t.Cleanup(srv.Close)

	status, out := post(t, srv.URL+"/api/v1/auth/token", map[string]string{"app_id": "a", "app_secret": "wrong"}, nil)
	if got, want := status, http.StatusUnauthorized; got != want {
		t.Errorf("bad secret: status %d, want %d", got, want)
	}
	if got, want := out["code"], "invalid_credentials"; got != want {
		t.Errorf("bad secret: code %v, want %v", got, want)
	}

	_, out = post(t, srv.URL+"/api/v1/auth/token", map[string]string{"app_id": "a", "app_secret": "s"}, nil)
	tok, _ := out["access_token"].(string)
	if tok == "" || out["expires_in"] != float64(7200) {
		t.Fatalf("token answer = %v", out)
	}
	auth := map[string]string{"Authorization": "Bearer " + tok, "X-Idempotency-Key": "ZV1:2"}
	rep := map[string]any{
		"case_number": "ZV1", "item_code": "tf", "department": "scjgj", "status": "accepted",
		"data_version": 2, "occurred_at": "2025-09-01T10:00:00+08:00", "reported_at": "2025-09-01T10:00:01+08:00",
	}

	tests := []struct {
		name   string
		body   any
		header map[string]string
		status int
		want   map[string]any
	}{
		{"First", rep, auth, 200, map[string]any{"code": "0", "msg": "成功", "duplicate": false, "held_version": float64(2)}},
		{"Again", rep, auth, 200, map[string]any{"code": "0", "msg": "成功", "duplicate": true, "held_version": float64(2)}},
		{"NoToken", rep, map[string]string{"X-Idempotency-Key": "ZV1:2"}, 401, map[string]any{"code": "token_invalid", "msg": "访问令牌无效"}},
		{"WrongKey", rep, map[string]string{"Authorization": "Bearer " + tok, "X-Idempotency-Key": "ZV1:3"}, 400,
			map[string]any{"code": "idempotency_key_mismatch", "msg": "幂等键应为办件编号:数据版本（ZV1:2）"}},
		{"NoNumber", map[string]any{"data_version": 1}, auth, 400, map[string]any{"code": "invalid_request", "msg": "办件编号不能为空"}},
		{"TooMany", map[string]any{"case_numbers": make([]string, 501)}, auth, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/api/v1/cases/report"
			if tt.name == "TooMany" {
				path = "/api/v1/cases/query"
			}
			status, out := post(t, srv.URL+path, tt.body, tt.header)
			if got, want := status, tt.status; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, out); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
