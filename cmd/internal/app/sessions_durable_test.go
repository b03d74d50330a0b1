package app

import (
	"context"
	"net/http"
	"testing"

	"zerovisit/models/kv"
	"zerovisit/workflow/staff"
)

// TestRevocationsSurviveRestartAndRedisLoss: a logged-out token and a
// revoked account's tokens stay refused by a new App on the same database,
// and after Redis lost what it held.
func TestRevocationsSurviveRestartAndRedisLoss(t *testing.T) {
	cfg := sessionConfig(t)
	app := openSessionApp(t, cfg, nil)
	addStaff(t, app, "logged.out", "scjgj", staff.RoleClerk)
	id := addStaff(t, app, "revoked.clerk", "scjgj", staff.RoleClerk)
	addStaff(t, app, "revoke.admin", "", staff.RoleAdministrator)
	out := staffLoginHTTP(t, app, "logged.out")
	revoked := staffLoginHTTP(t, app, "revoked.clerk")
	if code, _ := call(t, app, http.MethodPost, "/api/v1/staff/logout", out.Access, map[string]string{"refresh_token": out.Refresh}); code != http.StatusNoContent {
		t.Fatalf("logout = %d", code)
	}
	admin := staffLoginHTTP(t, app, "revoke.admin").Access
	if code, body := call(t, app, http.MethodPatch, "/api/v1/staff/accounts/"+id, admin, map[string]any{"roles": []string{"reviewer"}}); code != http.StatusOK {
		t.Fatalf("change = %d %v", code, body)
	}
	refused := func(t *testing.T, app *App, when string) {
		t.Helper()
		for name, tok := range map[string]staffTokens{"logged out": out, "revoked": revoked} {
			if code, _ := call(t, app, http.MethodGet, "/api/v1/staff/me", tok.Access, nil); code != http.StatusUnauthorized {
				t.Errorf("%s: %s access token = %d, want 401", when, name, code)
			}
			if code, _ := staffRefreshHTTP(t, app, tok.Refresh); code != http.StatusUnauthorized {
				t.Errorf("%s: %s refresh token = %d, want 401", when, name, code)
			}
		}
	}
	refused(t, app, "before the restart")
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	app = openSessionApp(t, cfg, nil)
	refused(t, app, "after the restart")

	if cfg.RedisURL == "" {
		return
	}
	forgetRevocations(t, cfg.RedisURL)
	refused(t, app, "after Redis lost its revocations")
}

// forgetRevocations deletes what Redis holds of token revocations, as a
// Redis that lost its data would (never FLUSHDB: the server is shared with
// the other packages' tests).
func forgetRevocations(t *testing.T, url string) {
	t.Helper()
	client, err := kv.OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	for _, pattern := range []string{"zv:v:*", "zv:s:*", "zv:w:*"} {
		iter := client.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if err := client.Del(ctx, iter.Val()).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRefreshRotationIsAtomic: of many concurrent refreshes with one
// refresh token, exactly one succeeds.
func TestRefreshRotationIsAtomic(t *testing.T) {
	app := openSessionApp(t, sessionConfig(t), nil)
	addStaff(t, app, "racing.clerk", "scjgj", staff.RoleClerk)
	tok := staffLoginHTTP(t, app, "racing.clerk")
	codes := parallel(30, func(int) int {
		code, _ := staffRefreshHTTP(t, app, tok.Refresh)
		return code
	})
	if ok := count(codes, http.StatusOK); ok != 1 {
		t.Errorf("%d of 30 concurrent refreshes with one token succeeded (%v), want exactly 1", ok, codes)
	}
}
