package app

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"zerovisit/workflow/staff"
)

// slowPasswords counts the password checks and makes each take a while,
// as a real hash does.
type slowPasswords struct {
	staff.Passwords
	checks atomic.Int32
}

func (p *slowPasswords) Verify(ctx context.Context, encoded, password string) (bool, error) {
	p.checks.Add(1)
	time.Sleep(50 * time.Millisecond)
	return p.Passwords.Verify(ctx, encoded, password)
}

// TestLoginLockOutCountsBeforeChecking: parallel wrong guesses get no more
// password checks than the lock-out allows, for a known account and for an
// unknown username alike.
func TestLoginLockOutCountsBeforeChecking(t *testing.T) {
	cfg := sessionConfig(t)
	cfg.Staff.LoginMaxFailures = 5
	passwords := &slowPasswords{}
	app := openSessionApp(t, cfg, func(a *App) {
		a.wrapPasswords = func(p staff.Passwords) staff.Passwords {
			passwords.Passwords = p
			return passwords
		}
	})
	addStaff(t, app, "guessed.clerk", "scjgj", staff.RoleClerk)
	for _, username := range []string{"guessed.clerk", "nobody.here"} {
		passwords.checks.Store(0)
		codes := parallel(20, func(i int) int {
			code, _ := callFrom(t, app, fmt.Sprintf("10.9.%d.%d", i/200, 1+i%200), "/api/v1/staff/login",
				map[string]string{"username": username, "password": fmt.Sprintf("wrong-guess-%d", i)})
			return code
		})
		if n := passwords.checks.Load(); n > 5 {
			t.Errorf("%s: 20 parallel wrong guesses checked %d passwords (%v), want at most 5", username, n, codes)
		}
		if n := count(codes, http.StatusOK); n != 0 {
			t.Errorf("%s: %d wrong guesses let in", username, n)
		}
	}
}
