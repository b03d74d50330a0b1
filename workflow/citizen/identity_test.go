package citizen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"zerovisit/workflow"
)

func TestBindIdentityChecksThePerson(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	cc := f.store.person(workflow.ChannelWeChat, "", "")
	for name, tc := range map[string]struct {
		name, id, code, field string
		kind                  error
	}{
		"NoName":        {"  ", zhangID, "invalid_name", "name", workflow.ErrInvalidInput},
		"LongName":      {strings.Repeat("张", 65), zhangID, "invalid_name", "name", workflow.ErrInvalidInput},
		"BadNumber":     {"张三", "330106198503121230", "invalid_id_number", "id_number", workflow.ErrInvalidInput},
		"WrongName":     {"张四", zhangID, "real_name_mismatch", "", workflow.ErrInvalidInput},
		"UnknownPerson": {"王五", "110101199003077774", "real_name_mismatch", "", workflow.ErrInvalidInput},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.BindIdentity(ctx, cc, tc.name, tc.id, "")
			r := wantRefusal(t, err, tc.kind, tc.code)
			if tc.field != "" {
				wantField(t, r, tc.field)
			}
		})
	}
	if f.store.citizens[cc.Citizen.ID].Verified() {
		t.Fatal("a refused identity was bound")
	}
	got, err := f.svc.BindIdentity(ctx, cc, " 张三 ", zhangID, "")
	if err != nil || got.Name != "张三" || got.IDNumber != zhangID || !got.Verified() {
		t.Fatalf("bind = %+v, %v", got, err)
	}

	f.libs.err = fmt.Errorf("basedata: %w", workflow.ErrUnavailable)
	if _, err := f.svc.BindIdentity(ctx, cc, "张三", zhangID, ""); !errors.Is(err, workflow.ErrUnavailable) {
		t.Errorf("library down: %v, want ErrUnavailable", err)
	}
}

func TestBindIdentityRefusals(t *testing.T) {
	ctx := context.Background()
	for err, code := range map[error]string{
		fmt.Errorf("bind: %w", ErrIdentityBound):     "identity_already_bound",
		fmt.Errorf("bind: %w", ErrIdentityElsewhere): "identity_bound_elsewhere",
	} {
		f := newFixture(t)
		f.store.bindErr = err
		_, got := f.svc.BindIdentity(ctx, f.store.person(workflow.ChannelAlipay, "", ""), "张三", zhangID, "")
		wantRefusal(t, got, workflow.ErrConflict, code)
	}
}

func TestLinkCodes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	unverified := f.store.person(workflow.ChannelWeChat, "", "")
	_, err := f.svc.IssueLinkCode(ctx, unverified)
	wantRefusal(t, err, workflow.ErrConflict, "not_verified")

	zhang := f.store.person(workflow.ChannelWeChat, "张三", zhangID)
	code, err := f.svc.IssueLinkCode(ctx, zhang)
	if err != nil || len(code) != 8 || strings.Trim(code, "0123456789") != "" {
		t.Fatalf("link code = %q, %v; want eight digits", code, err)
	}
	ali := f.store.person(workflow.ChannelAlipay, "", "")
	for _, bad := range []string{"1234567", "123456789", "00000000"} {
		if bad == code {
			continue
		}
		_, err := f.svc.BindIdentity(ctx, ali, "张三", zhangID, bad)
		wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_link_code")
	}

	// A failed binding keeps the code.
	f.store.bindErr = fmt.Errorf("bind: %w", workflow.ErrConflict)
	if _, err := f.svc.BindIdentity(ctx, ali, "张三", zhangID, code); !errors.Is(err, workflow.ErrConflict) {
		t.Fatalf("bind with a store conflict: %v", err)
	}
	f.store.bindErr = nil
	if _, err := f.svc.BindIdentity(ctx, ali, "张三", zhangID, code); err != nil || f.store.bound != zhang.Citizen.ID {
		t.Fatalf("bind with the code: %v, linked to %q; want %s", err, f.store.bound, zhang.Citizen.ID)
	}
	// The code works once.
	_, err = f.svc.BindIdentity(ctx, ali, "张三", zhangID, code)
	wantRefusal(t, err, workflow.ErrInvalidInput, "invalid_link_code")

	f.links.fail = errors.New("redis down")
	if _, err := f.svc.IssueLinkCode(ctx, zhang); !errors.Is(err, workflow.ErrUnavailable) {
		t.Errorf("issue with the cache down: %v, want ErrUnavailable", err)
	}
	if _, err := f.svc.BindIdentity(ctx, ali, "张三", zhangID, "12345678"); !errors.Is(err, workflow.ErrUnavailable) {
		t.Errorf("bind with the cache down: %v, want ErrUnavailable", err)
	}
}
