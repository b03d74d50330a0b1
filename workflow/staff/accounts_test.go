package staff_test

import (
	"context"
	"strings"
	"testing"

	"zerovisit/workflow"
)

// TestAccountsPages walks the accounts two at a time: every account once,
// in id order, and no key after the last page.
func TestAccountsPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var got []string
	after := ""
	for pages := 1; ; pages++ {
		list, next, err := e.svc.Accounts(ctx, "", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			got = append(got, a.ID)
		}
		if next == "" {
			if pages != 3 {
				t.Errorf("%d pages of 5 accounts, want 3", pages)
			}
			break
		}
		if pages > 5 || next != list[len(list)-1].ID {
			t.Fatalf("page %d: next = %q after %v", pages, next, list)
		}
		after = next
	}
	if want := "adm,k-ga,k-gb,k-sc,s-ga"; strings.Join(got, ",") != want {
		t.Errorf("accounts = %v, want %s", got, want)
	}
	// A page that ends the list exactly has no next page.
	if list, next, err := e.svc.Accounts(ctx, "", "k-gb", 2); err != nil || len(list) != 2 || next != "" {
		t.Errorf("last full page = %v, next %q, %v", list, next, err)
	}
	_, _, err := e.svc.Accounts(ctx, "", strings.Repeat("x", 65), 2)
	refusal(t, err, workflow.ErrMalformed, "invalid_page")
}
