package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/workflow/staff"
)

// sessionConfig is the configuration of an App for the session tests: on
// PostgreSQL and Redis when the test environment names them, on SQLite and
// the in-process store otherwise. Apps opened on it share the database.
func sessionConfig(t *testing.T) configs.Config {
	t.Helper()
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" && os.Getenv("CI") == "true" {
		t.Fatal("TEST_REDIS_URL must be set in CI")
	}
	return testConfig(t, map[string]string{
		"ZEROVISIT_DATABASE_URL": czDatabaseURL(t),
		"ZEROVISIT_REDIS_URL":    redisURL,
		"ZEROVISIT_LOG_LEVEL":    "error",
	}, staffTestEnv(nil))
}

// openSessionApp opens an App on cfg; prepare, when given, adjusts it first.
func openSessionApp(t *testing.T, cfg configs.Config, prepare func(*App)) *App {
	t.Helper()
	app := NewApp(cfg, slog.New(slog.DiscardHandler))
	if prepare != nil {
		prepare(app)
	}
	if err := app.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// staffTokens are what a staff login or refresh answers.
type staffTokens struct {
	Access, Refresh string
}

// staffLoginHTTP logs a member of staff in over the API.
func staffLoginHTTP(t *testing.T, app *App, username string) staffTokens {
	t.Helper()
	code, body := callFrom(t, app, fmt.Sprintf("10.8.%d.%d", rand.IntN(250), 1+rand.IntN(250)), "/api/v1/staff/login",
		map[string]string{"username": username, "password": testStaffPassword})
	if code != http.StatusOK {
		t.Fatalf("login of %s = %d %v", username, code, body)
	}
	return tokensOf(t, body)
}

func tokensOf(t *testing.T, body map[string]any) staffTokens {
	t.Helper()
	tok, _ := body["tokens"].(map[string]any)
	access, _ := tok["access_token"].(string)
	refresh, _ := tok["refresh_token"].(string)
	if access == "" || refresh == "" {
		t.Fatalf("no tokens in %v", body)
	}
	return staffTokens{access, refresh}
}

func staffRefreshHTTP(t *testing.T, app *App, refresh string) (int, map[string]any) {
	t.Helper()
	return callFrom(t, app, fmt.Sprintf("10.7.%d.%d", rand.IntN(250), 1+rand.IntN(250)), "/api/v1/staff/refresh",
		map[string]string{"refresh_token": refresh})
}

// TestStaffRefreshReadsTheAccount: a refresh issues tokens from the account
// as it is now, not from the old token. A supervisor demoted behind the
// console's back (the store changed, no revocation) stops supervising at
// the next refresh; a disabled account cannot refresh.
func TestStaffRefreshReadsTheAccount(t *testing.T) {
	app := openSessionApp(t, sessionConfig(t), nil)
	ctx := context.Background()
	id := addStaff(t, app, "demoted.sup", "scjgj", staff.RoleSupervisor, staff.RoleClerk)
	tok := staffLoginHTTP(t, app, "demoted.sup")
	if code, body := call(t, app, http.MethodGet, "/api/v1/staff/supervision", tok.Access, nil); code != http.StatusOK {
		t.Fatalf("supervision before the demotion = %d %v", code, body)
	}
	store := models.NewStaffStore(app.db)
	if _, err := store.UpdateStaff(ctx, id, staff.AccountUpdate{Roles: []staff.Role{staff.RoleClerk}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, body := staffRefreshHTTP(t, app, tok.Refresh)
	if code != http.StatusOK {
		t.Fatalf("refresh = %d %v", code, body)
	}
	tok = tokensOf(t, body)
	if code, body := call(t, app, http.MethodGet, "/api/v1/staff/supervision", tok.Access, nil); code != http.StatusForbidden {
		t.Errorf("supervision with a refreshed token after the demotion = %d %v, want 403", code, body)
	}
	if code, body := call(t, app, http.MethodGet, "/api/v1/staff/queue", tok.Access, nil); code != http.StatusOK {
		t.Errorf("queue of the clerk after the refresh = %d %v", code, body)
	}

	disabled := true
	if _, err := store.UpdateStaff(ctx, id, staff.AccountUpdate{Disabled: &disabled}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if code, body := staffRefreshHTTP(t, app, tok.Refresh); code != http.StatusUnauthorized {
		t.Errorf("refresh of a disabled account = %d %v, want 401", code, body)
	}
}

// TestStaffAccountChangeEndsSessions: a change of roles, department or
// password, and disabling, revokes the account's tokens at once; a login
// right after the change works.
func TestStaffAccountChangeEndsSessions(t *testing.T) {
	app := openSessionApp(t, sessionConfig(t), nil)
	addStaff(t, app, "accounts.admin", "", staff.RoleAdministrator)
	admin := staffLoginHTTP(t, app, "accounts.admin").Access
	for name, change := range map[string]map[string]any{
		"Roles":      {"roles": []string{"reviewer"}},
		"Department": {"department": "gaj"},
		"Password":   {"password": testStaffPassword},
		"Disabled":   {"disabled": true},
	} {
		t.Run(name, func(t *testing.T) {
			username := "changed." + strings.ToLower(name)
			id := addStaff(t, app, username, "scjgj", staff.RoleClerk)
			tok := staffLoginHTTP(t, app, username)
			if code, body := call(t, app, http.MethodPatch, "/api/v1/staff/accounts/"+id, admin, change); code != http.StatusOK {
				t.Fatalf("change = %d %v", code, body)
			}
			if code, _ := call(t, app, http.MethodGet, "/api/v1/staff/me", tok.Access, nil); code != http.StatusUnauthorized {
				t.Errorf("access token after the change = %d, want 401", code)
			}
			if code, _ := staffRefreshHTTP(t, app, tok.Refresh); code != http.StatusUnauthorized {
				t.Errorf("refresh token after the change = %d, want 401", code)
			}
			if name == "Disabled" {
				return
			}
			again := staffLoginHTTP(t, app, username)
			if code, body := call(t, app, http.MethodGet, "/api/v1/staff/me", again.Access, nil); code != http.StatusOK {
				t.Errorf("a login right after the change = %d %v, want 200", code, body)
			}
		})
	}
}

// parallel sends n requests at once and returns their statuses.
func parallel(n int, send func(i int) int) []int {
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i] = send(i)
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

func count(codes []int, code int) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

// callFrom posts body from a client address of its own, so the per-address
// limit of the login endpoint does not hide what the lock-out does.
func callFrom(t *testing.T, app *App, ip, path string, body any) (int, map[string]any) {
	t.Helper()
	c := newCZClient(t, app)
	c.ip = ip
	r := c.call(http.MethodPost, path, body)
	var out map[string]any
	_ = json.Unmarshal(r.Body, &out)
	return r.Status, out
}
