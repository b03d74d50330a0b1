package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStaffLoginLockOut(t *testing.T) {
	env := newStaffEnv(t)
	bad := map[string]string{"username": "clerk.sc", "password": "wrong-password"}
	for i := 1; i <= 2; i++ {
		r := env.do(http.MethodPost, "/api/v1/staff/login", "", bad)
		if r.Code != http.StatusUnauthorized || r.errCode() != "invalid_credentials" {
			t.Fatalf("wrong password #%d = %d %s", i, r.Code, r.Raw)
		}
	}
	unknown := env.do(http.MethodPost, "/api/v1/staff/login", "", map[string]string{"username": "nobody", "password": "whatever-123"})
	if unknown.Code != http.StatusUnauthorized || unknown.errCode() != "invalid_credentials" {
		t.Errorf("unknown user = %d %s, want the same answer as a wrong password", unknown.Code, unknown.Raw)
	}
	// The third locks the account; the lock answers as a wrong password
	// does (TestStaffLoginDoesNotTellUsernames), even to the right one.
	r := env.do(http.MethodPost, "/api/v1/staff/login", "", bad)
	if r.Code != http.StatusUnauthorized || r.errCode() != "invalid_credentials" {
		t.Fatalf("third wrong password = %d %s, want 401 invalid_credentials", r.Code, r.Raw)
	}
	good := map[string]string{"username": "clerk.sc", "password": staffPassword}
	if r := env.do(http.MethodPost, "/api/v1/staff/login", "", good); r.Code != http.StatusUnauthorized || r.errCode() != "invalid_credentials" {
		t.Errorf("right password while locked = %d %s, want 401 invalid_credentials", r.Code, r.Raw)
	}
	env.clock.Add(16 * time.Minute)
	r = env.do(http.MethodPost, "/api/v1/staff/login", "", good)
	if r.Code != http.StatusOK {
		t.Fatalf("login after the lock-out = %d %s", r.Code, r.Raw)
	}
	staff := r.Body["staff"].(map[string]any)
	if staff["department"] != "scjgj" || strings.Contains(string(r.Raw), "argon2") {
		t.Errorf("login answer = %s", r.Raw)
	}
	for name, body := range map[string]any{
		"Empty":        map[string]string{"username": "", "password": ""},
		"UnknownField": map[string]any{"username": "a", "password": "b", "role": "admin"},
	} {
		if r := env.do(http.MethodPost, "/api/v1/staff/login", "", body); r.Code/100 != 4 || r.errCode() == "" {
			t.Errorf("%s login = %d %s, want a structured 4xx", name, r.Code, r.Raw)
		}
	}
}

func TestStaffTokensAndRoles(t *testing.T) {
	env := newStaffEnv(t)
	clerk := env.login("clerk.sc")
	if r := env.do(http.MethodGet, "/api/v1/staff/me", clerk, nil); r.Code != http.StatusOK || r.Body["username"] != "clerk.sc" {
		t.Fatalf("me = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodGet, "/api/v1/staff/queue", "", nil); r.Code != http.StatusUnauthorized {
		t.Errorf("queue without a token = %d, want 401", r.Code)
	}
	for _, path := range []string{"/api/v1/staff/supervision", "/api/v1/staff/stats", "/api/v1/staff/accounts"} {
		if r := env.do(http.MethodGet, path, clerk, nil); r.Code != http.StatusForbidden || r.errCode() != "role_required" {
			t.Errorf("clerk GET %s = %d %s, want 403 role_required", path, r.Code, r.Raw)
		}
	}
	admin := env.login("admin")
	if r := env.do(http.MethodPost, "/api/v1/staff/queue/claim-next", admin, map[string]any{}); r.Code != http.StatusForbidden {
		t.Errorf("administrator claiming a case = %d, want 403", r.Code)
	}

	// Accounts: create, refuse duplicates and weak passwords, disable (which
	// revokes the member's tokens at once).
	create := map[string]any{"username": "new.clerk", "name": "新同事", "department": "gaj", "roles": []string{"clerk"}, "password": "long-enough-pw"}
	r := env.do(http.MethodPost, "/api/v1/staff/accounts", admin, create)
	if r.Code != http.StatusCreated {
		t.Fatalf("create account = %d %s", r.Code, r.Raw)
	}
	id := r.Body["id"].(string)
	if r := env.do(http.MethodPost, "/api/v1/staff/accounts", admin, create); r.Code != http.StatusConflict {
		t.Errorf("duplicate username = %d, want 409", r.Code)
	}
	weak := map[string]any{"username": "weak.one", "name": "x", "department": "gaj", "roles": []string{"clerk"}, "password": "short"}
	if r := env.do(http.MethodPost, "/api/v1/staff/accounts", admin, weak); r.Code != http.StatusUnprocessableEntity || r.errCode() != "weak_password" {
		t.Errorf("weak password = %d %s", r.Code, r.Raw)
	}
	mixed := map[string]any{"username": "mixed.one", "name": "x", "roles": []string{"administrator", "clerk"}, "password": "long-enough-pw"}
	if r := env.do(http.MethodPost, "/api/v1/staff/accounts", admin, mixed); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("administrator who also handles cases = %d, want 422", r.Code)
	}
	newToken := env.do(http.MethodPost, "/api/v1/staff/login", "", map[string]string{"username": "new.clerk", "password": "long-enough-pw"})
	if newToken.Code != http.StatusOK {
		t.Fatalf("new account login = %d %s", newToken.Code, newToken.Raw)
	}
	tok := newToken.Body["tokens"].(map[string]any)["access_token"].(string)
	env.clock.Add(time.Second)
	if r := env.do(http.MethodPatch, "/api/v1/staff/accounts/"+id, admin, map[string]any{"disabled": true}); r.Code != http.StatusOK || r.Body["disabled"] != true {
		t.Fatalf("disable = %d %s", r.Code, r.Raw)
	}
	if r := env.do(http.MethodGet, "/api/v1/staff/me", tok, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("token of a disabled account = %d, want 401", r.Code)
	}
	if r := env.do(http.MethodPost, "/api/v1/staff/login", "", map[string]string{"username": "new.clerk", "password": "long-enough-pw"}); r.Code != http.StatusForbidden || r.errCode() != "account_disabled" {
		t.Errorf("login of a disabled account = %d %s", r.Code, r.Raw)
	}
}

func TestConsoleServed(t *testing.T) {
	env := newStaffEnv(t)
	r := env.do(http.MethodGet, "/console/", "", nil)
	if r.Code != http.StatusOK || !strings.Contains(string(r.Raw), "工作人员") && !strings.Contains(string(r.Raw), "工作台") {
		t.Fatalf("/console/ = %d %.200s", r.Code, r.Raw)
	}
	if csp := r.Hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("console CSP = %q", csp)
	}
	if strings.Contains(string(r.Raw), "http://") || strings.Contains(string(r.Raw), "https://") {
		t.Error("the console page loads something from another host")
	}
	for _, f := range []string{"app.js", "api.js", "charts.js", "app.css"} {
		if r := env.do(http.MethodGet, "/console/"+f, "", nil); r.Code != http.StatusOK || len(r.Raw) == 0 {
			t.Errorf("/console/%s = %d", f, r.Code)
		}
	}
	if r := env.do(http.MethodGet, "/console", "", nil); r.Code != http.StatusMovedPermanently || r.Hdr.Get("Location") != "/console/" {
		t.Errorf("/console = %d to %q, want a redirect to /console/", r.Code, r.Hdr.Get("Location"))
	}
	for _, p := range []string{"/console/nope.js", "/console/../../etc/passwd", "/console/console.go"} {
		if r := env.do(http.MethodGet, p, "", nil); r.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, r.Code)
		}
	}
}

// TestStaffLoginDoesNotTellUsernames logs in as a member of staff with a
// wrong password and as a username nobody has, again and again past the
// lock-out limit: each pair of answers is the same (status, code, message,
// detail, Retry-After), so the lock-out does not tell who has an account.
// A locked account's right password gets that answer too.
func TestStaffLoginDoesNotTellUsernames(t *testing.T) {
	env := newStaffEnv(t)
	answer := func(r response) string {
		e, _ := r.Body["error"].(map[string]any)
		delete(e, "request_id")
		b, _ := json.Marshal(e)
		return fmt.Sprintf("%d %s Retry-After=%q", r.Code, b, r.Hdr.Get("Retry-After"))
	}
	login := func(username, password string) string {
		return answer(env.do(http.MethodPost, "/api/v1/staff/login", "", map[string]string{"username": username, "password": password}))
	}
	for i := 1; i <= 5; i++ {
		known, unknown := login("clerk.sc", "wrong-password"), login("no.such.clerk", "wrong-password")
		if known != unknown {
			t.Errorf("attempt %d: a known username is answered %s, an unknown one %s", i, known, unknown)
		}
	}
	if known, unknown := login("clerk.sc", staffPassword), login("no.such.clerk", staffPassword); known != unknown {
		t.Errorf("locked account, right password: %s; unknown username: %s", known, unknown)
	}
}
