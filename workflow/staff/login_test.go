package staff_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

func TestLogin(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		a, err := e.svc.Login(ctx, "  k-ga ", "right-password")
		if err != nil || a.ID != "k-ga" {
			t.Fatalf("login = %+v %v", a, err)
		}
	})
	t.Run("InvalidField", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.Login(ctx, "k-ga", "")
		refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	})
	t.Run("UnknownTakesAPasswordCheck", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.Login(ctx, "nobody", "right-password")
		refusal(t, err, workflow.ErrUnauthorized, "invalid_credentials")
		if e.checks != 1 {
			t.Errorf("%d password checks for an unknown user, want 1", e.checks)
		}
	})
	t.Run("LockOut", func(t *testing.T) {
		e := newEnv(t)
		for i := range 2 {
			_, err := e.svc.Login(ctx, "k-ga", "wrong-password")
			refusal(t, err, workflow.ErrUnauthorized, "invalid_credentials")
			if i == 0 {
				e.now = e.now.Add(time.Minute)
			}
		}
		// The lock-out answers as a wrong password does, so that it cannot
		// tell a username that exists from one that does not.
		_, err := e.svc.Login(ctx, "k-ga", "wrong-password")
		if r := refusal(t, err, workflow.ErrUnauthorized, "invalid_credentials"); r.Detail != nil {
			t.Errorf("the lock-out's answer has a detail: %+v", r.Detail)
		}
		if a, _ := e.store.GetStaff(ctx, "k-ga"); !a.LockedUntil.Equal(e.now.Add(15 * time.Minute)) {
			t.Errorf("locked until %v, want %v", a.LockedUntil, e.now.Add(15*time.Minute))
		}
		e.now = e.now.Add(10 * time.Minute)
		_, err = e.svc.Login(ctx, "k-ga", "right-password")
		refusal(t, err, workflow.ErrUnauthorized, "invalid_credentials")
		e.now = e.now.Add(6 * time.Minute)
		if _, err := e.svc.Login(ctx, "k-ga", "right-password"); err != nil {
			t.Fatalf("login after the lock-out = %v", err)
		}
		if a, _ := e.store.GetStaff(ctx, "k-ga"); a.FailedLogins != 0 {
			t.Errorf("%d failures after a login, want 0", a.FailedLogins)
		}
	})
	t.Run("Disabled", func(t *testing.T) {
		e := newEnv(t)
		yes := true
		if _, err := e.svc.UpdateAccount(ctx, "k-ga", staff.AccountChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Login(ctx, "k-ga", "right-password")
		refusal(t, err, workflow.ErrForbidden, "account_disabled")
		if _, err := e.svc.ActiveAccount(ctx, "k-ga"); !errors.Is(err, workflow.ErrUnauthorized) {
			t.Errorf("active account = %v, want unauthorized", err)
		}
	})
}

func TestCreateAccount(t *testing.T) {
	ctx := context.Background()
	ok := staff.NewAccount{Username: " New.Clerk ", Name: "新人", Department: "gaj", Roles: []string{"reviewer", "clerk", "clerk"}, Password: "long-enough-1"}
	for name, tc := range map[string]struct {
		change      func(*staff.NewAccount)
		code, field string
	}{
		"BadUsername":   {func(n *staff.NewAccount) { n.Username = "a!" }, "invalid_field", "username"},
		"NoName":        {func(n *staff.NewAccount) { n.Name = " " }, "invalid_field", "name"},
		"UnknownRole":   {func(n *staff.NewAccount) { n.Roles = []string{"boss"} }, "invalid_field", "roles"},
		"AdminHandles":  {func(n *staff.NewAccount) { n.Roles = []string{"administrator", "clerk"} }, "invalid_field", "roles"},
		"NoDepartment":  {func(n *staff.NewAccount) { n.Department = "" }, "invalid_field", "department"},
		"UnknownDept":   {func(n *staff.NewAccount) { n.Department = "xyz" }, "invalid_field", "department"},
		"WeakPassword":  {func(n *staff.NewAccount) { n.Password = "short" }, "weak_password", "password"},
		"AdminNoDept":   {func(n *staff.NewAccount) { n.Roles, n.Department = []string{"administrator"}, "" }, "", ""},
		"ReviewerClerk": {func(*staff.NewAccount) {}, "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			n := ok
			tc.change(&n)
			a, err := e.svc.CreateAccount(ctx, n)
			if tc.code == "" {
				if err != nil || a.Username != "new.clerk" || a.PasswordHash != "hash:"+n.Password || !a.CreatedAt.Equal(t0) {
					t.Fatalf("account = %+v %v", a, err)
				}
				return
			}
			r := refusal(t, err, workflow.ErrInvalidInput, tc.code)
			if got := r.Detail.(map[string]string)["field"]; got != tc.field {
				t.Errorf("field = %q, want %q", got, tc.field)
			}
		})
	}
	t.Run("Sorted", func(t *testing.T) {
		e := newEnv(t)
		a, err := e.svc.CreateAccount(ctx, ok)
		if err != nil || len(a.Roles) != 2 || a.Roles[0] != staff.RoleClerk {
			t.Errorf("roles = %v %v, want clerk, reviewer", a.Roles, err)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	ctx := context.Background()
	none, gaj := "", "gaj"
	t.Run("DepartmentKeptForRoles", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.UpdateAccount(ctx, "k-ga", staff.AccountChange{Department: &none})
		refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	})
	t.Run("RolesAgainstDepartment", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.UpdateAccount(ctx, "adm", staff.AccountChange{Roles: []string{"clerk"}})
		refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
		a, err := e.svc.UpdateAccount(ctx, "adm", staff.AccountChange{Roles: []string{"supervisor"}, Department: &gaj})
		if err != nil || !a.Has(staff.RoleSupervisor) || a.Department != "gaj" {
			t.Fatalf("account = %+v %v", a, err)
		}
	})
	t.Run("DepartmentAloneKeepsRoles", func(t *testing.T) {
		e := newEnv(t)
		sc := "scjgj"
		a, err := e.svc.UpdateAccount(ctx, "k-ga", staff.AccountChange{Department: &sc})
		if err != nil || a.Department != "scjgj" || !a.Has(staff.RoleClerk) {
			t.Fatalf("account = %+v %v", a, err)
		}
	})
	t.Run("Password", func(t *testing.T) {
		e := newEnv(t)
		weak, strong := "short", "a-new-password"
		_, err := e.svc.UpdateAccount(ctx, "k-ga", staff.AccountChange{Password: &weak})
		refusal(t, err, workflow.ErrInvalidInput, "weak_password")
		if a, err := e.svc.UpdateAccount(ctx, "k-ga", staff.AccountChange{Password: &strong}); err != nil || a.PasswordHash != "hash:"+strong {
			t.Fatalf("account = %+v %v", a, err)
		}
	})
}

func TestColleagues(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	list, err := e.svc.Colleagues(ctx, clerkGA, "scjgj")
	if err != nil || len(list) != 3 {
		t.Fatalf("colleagues of a gaj clerk = %v %v, want the 3 of gaj", list, err)
	}
	if list, _ := e.svc.Colleagues(ctx, admin, ""); len(list) != 0 {
		t.Errorf("administrator without a department sees %d, want none", len(list))
	}
	if list, _ := e.svc.Colleagues(ctx, admin, "scjgj"); len(list) != 1 {
		t.Errorf("administrator picking scjgj sees %d, want 1", len(list))
	}
}

// TestAdministratorKeepsTheirOwnAccess: an administrator cannot disable
// their own account or drop their own administrator role (the console
// would lock them out with no one to let them back in); another
// administrator can.
func TestAdministratorKeepsTheirOwnAccess(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	yes := true
	self := staff.Caller{ID: "adm", Roles: []staff.Role{staff.RoleAdministrator}}
	_, err := e.svc.UpdateAccountBy(ctx, self, "adm", staff.AccountChange{Disabled: &yes})
	refusal(t, err, workflow.ErrForbidden, "own_account")
	_, err = e.svc.UpdateAccountBy(ctx, self, "adm", staff.AccountChange{Roles: []string{"supervisor"}})
	refusal(t, err, workflow.ErrForbidden, "own_account")
	other := staff.Caller{ID: "adm-2", Roles: []staff.Role{staff.RoleAdministrator}}
	if a, err := e.svc.UpdateAccountBy(ctx, other, "adm", staff.AccountChange{Disabled: &yes}); err != nil || !a.Disabled {
		t.Errorf("another administrator disables = %+v %v", a, err)
	}
}
