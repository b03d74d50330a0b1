package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// cheapPasswords is a hasher with the smallest argon2id costs, for tests.
func cheapPasswords(tb testing.TB) *models.PasswordHasher {
	tb.Helper()
	h, err := models.NewPasswordHasher(models.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 4)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestPasswordHasher(t *testing.T) {
	h := cheapPasswords(t)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with its parameters", enc)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterx": false, "": false} {
		if got, err := h.Verify(ctx, enc, pw); err != nil || got != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
	if ok, err := h.Verify(ctx, "", "anything at all"); err != nil || ok {
		t.Errorf("Verify against an unknown account = %v, %v; want false", ok, err)
	}
	if _, err := h.Hash(ctx, "short"); !errors.Is(err, models.ErrWeakPassword) {
		t.Errorf("Hash(short) err = %v, want ErrWeakPassword", err)
	}
	if _, err := h.Verify(ctx, "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "x"); err == nil {
		t.Error("a hash asking for 95 GiB was accepted")
	}
}

func TestStaffAccountsAndLockOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		s := models.NewStaffStore(db)
		at := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
		st, err := s.CreateStaff(ctx, staff.Account{ID: "s-1", Username: "wang.clerk", Name: "王窗口", Department: "scjgj",
			Roles: []staff.Role{staff.RoleClerk}, PasswordHash: "$argon2id$x", CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateStaff(ctx, staff.Account{ID: "s-2", Username: "wang.clerk", Name: "x", Roles: []staff.Role{staff.RoleClerk},
			PasswordHash: "h", CreatedAt: at}); !errors.Is(err, workflow.ErrDuplicate) {
			t.Errorf("second account with the same username: err = %v, want ErrDuplicate", err)
		}
		got, err := s.StaffByUsername(ctx, "wang.clerk")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != st.ID || !got.Has(staff.RoleClerk) || got.Has(staff.RoleSupervisor) || got.Department != "scjgj" {
			t.Errorf("read back %+v", got)
		}
		policy := staff.LoginPolicy{MaxFailures: 3, LockFor: 15 * time.Minute}
		for i := 1; i <= 3; i++ {
			var allowed bool
			got, allowed, err = s.LoginAttempt(ctx, st.ID, at, policy)
			if err != nil {
				t.Fatal(err)
			}
			if !allowed || got.FailedLogins != i || got.Locked(at) != (i == 3) {
				t.Errorf("after %d attempts: allowed %v, count %d, locked %v", i, allowed, got.FailedLogins, got.Locked(at))
			}
		}
		if again, allowed, err := s.LoginAttempt(ctx, st.ID, at, policy); err != nil || allowed || again.FailedLogins != 3 {
			t.Errorf("an attempt while locked: allowed %v, count %d, %v; want refused and not counted", allowed, again.FailedLogins, err)
		}
		if got.Locked(at.Add(16 * time.Minute)) {
			t.Error("the lock-out did not end")
		}
		if err := s.LoginSucceeded(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.GetStaff(ctx, st.ID); got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Errorf("after a login: count %d, locked until %s", got.FailedLogins, got.LockedUntil)
		}
		disabled, supervisor := true, []staff.Role{staff.RoleSupervisor, staff.RoleClerk}
		got, err = s.UpdateStaff(ctx, st.ID, staff.AccountUpdate{Disabled: &disabled, Roles: supervisor}, at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Disabled || !got.Has(staff.RoleSupervisor) || !got.UpdatedAt.Equal(at.Add(time.Hour)) {
			t.Errorf("updated account %+v", got)
		}
		if _, err := s.UpdateStaff(ctx, "nobody", staff.AccountUpdate{Disabled: &disabled}, at); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("update of an unknown account: err = %v, want ErrNotFound", err)
		}
		list, err := s.ListStaff(ctx, "scjgj", "", 10)
		if err != nil || len(list) != 1 || list[0].PasswordHash == "" {
			t.Errorf("ListStaff = %d accounts, %v", len(list), err)
		}
		if list, _ := s.ListStaff(ctx, "gaj", "", 10); len(list) != 0 {
			t.Errorf("another department lists %d accounts", len(list))
		}
	})
}

func TestParseRoles(t *testing.T) {
	got, err := staff.ParseRoles([]string{"supervisor", "clerk", "clerk"})
	if err != nil || len(got) != 2 || got[0] != staff.RoleClerk || got[1] != staff.RoleSupervisor {
		t.Errorf("ParseRoles = %v, %v; want [clerk supervisor]", got, err)
	}
	for _, bad := range [][]string{nil, {"root"}} {
		if _, err := staff.ParseRoles(bad); !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("ParseRoles(%v) err = %v, want ErrInvalidInput", bad, err)
		}
	}
}
