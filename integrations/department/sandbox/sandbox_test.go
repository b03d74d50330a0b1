package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zerovisit/integrations/department"
	"zerovisit/integrations/department/sandbox"
)

const secret = "scjgj-secret-0123456789"

// TestReceive_Refusals sends pushes by hand, as a third party would, and
// checks what the department's system answers.
func TestReceive_Refusals(t *testing.T) {
	now := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	sb := sandbox.New(sandbox.Config{Departments: map[string]string{"scjgj": secret}, Now: func() time.Time { return now }})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)

	body := []byte(`{"case_number":"ZV1","department":"scjgj","version":2,"status":"accepted"}`)
	send := func(dept, key string, at time.Time, nonce string, body []byte, tamper func(http.Header)) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+sandbox.PushPath, bytes.NewReader(body))
		department.SignHeaders(req.Header, dept, secret, at, nonce, body)
		if key != "" {
			req.Header.Set(department.HeaderIdempotencyKey, key)
		}
		if tamper != nil {
			tamper(req.Header)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Code      string `json:"code"`
			Duplicate bool   `json:"duplicate"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if out.Duplicate {
			out.Code += " duplicate"
		}
		return resp.StatusCode, out.Code
	}

	steps := []struct {
		name   string
		status int
		code   string
		send   func() (int, string)
	}{
		{"OK", 200, "0", func() (int, string) { return send("scjgj", "ZV1:2", now, "nonce-0001", body, nil) }},
		{"ReplayedNonce", 401, department.CodeReplayedNonce, func() (int, string) { return send("scjgj", "ZV1:2", now, "nonce-0001", body, nil) }},
		{"Duplicate", 200, "0 duplicate", func() (int, string) { return send("scjgj", "ZV1:2", now, "nonce-0002", body, nil) }},
		{"UnknownDepartment", 401, department.CodeUnknownDepartment, func() (int, string) { return send("gaj", "ZV1:2", now, "nonce-0003", body, nil) }},
		{"Stale", 401, department.CodeStaleTimestamp, func() (int, string) { return send("scjgj", "ZV1:2", now.Add(-6*time.Minute), "nonce-0004", body, nil) }},
		{"NoKey", 400, department.CodeMalformed, func() (int, string) { return send("scjgj", "", now, "nonce-0005", body, nil) }},
		{"BadSignature", 401, department.CodeBadSignature, func() (int, string) {
			return send("scjgj", "ZV1:2", now, "nonce-0006", body, func(h http.Header) { h.Set(department.HeaderSignature, "v1=00") })
		}},
		{"NotAPush", 400, department.CodeMalformed, func() (int, string) { return send("scjgj", "ZV1:3", now, "nonce-0007", []byte(`[]`), nil) }},
	}
	for _, s := range steps {
		status, code := s.send()
		if status != s.status || code != s.code {
			t.Errorf("%s: got %d %q, want %d %q", s.name, status, code, s.status, s.code)
		}
	}
	want := []string{
		department.CodeReplayedNonce, department.CodeUnknownDepartment, department.CodeStaleTimestamp,
		department.CodeMalformed, department.CodeBadSignature, department.CodeMalformed,
	}
	if diff := cmp.Diff(want, sb.Refusals()); diff != "" {
		t.Errorf("refusals mismatch (-want +got):\n%s", diff)
	}
	if got, want := len(sb.Pushes()), 1; got != want {
		t.Errorf("pushes = %d, want %d", got, want)
	}
}

func TestSignDecision_UnknownDepartment(t *testing.T) {
	sb := sandbox.New(sandbox.Config{Departments: map[string]string{"scjgj": secret}})
	if _, err := sb.SignDecision(department.Callback{Department: "gaj"}, time.Now(), ""); err == nil {
		t.Error("SignDecision for a department the sandbox does not play succeeded")
	}
}
