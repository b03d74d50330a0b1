package elicense_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

func TestLicences(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()

	t.Run("AllTypes", func(t *testing.T) {
		ls, err := e.client.Licences(ctx, sandbox.RestaurantID, "")
		if err != nil {
			t.Fatalf("Licences: %v", err)
		}
		if got, want := len(ls), 2; got != want {
			t.Fatalf("licences = %d, want %d", got, want)
		}
		for _, l := range ls {
			if _, err := ident.ParseLicenceID(l.ID); err != nil {
				t.Errorf("licence id %q: %v", l.ID, err)
			}
			if got, want := l.HolderName, "杭州西湖示例餐饮有限公司"; got != want {
				t.Errorf("holder name = %q, want %q (organisations are not masked)", got, want)
			}
			if l.FileSHA256 == "" || l.FileSM3 == "" || l.FileURL == "" {
				t.Errorf("licence %s lacks its file hashes or url", l.ID)
			}
		}
	})
	t.Run("OneType", func(t *testing.T) {
		ls, err := e.client.Licences(ctx, sandbox.RestaurantID, "SPJYXKZ")
		if err != nil {
			t.Fatalf("Licences: %v", err)
		}
		if got, want := len(ls), 1; got != want {
			t.Fatalf("licences = %d, want %d", got, want)
		}
		if got, want := ls[0].Name, "食品经营许可证"; got != want {
			t.Errorf("name = %q, want %q", got, want)
		}
	})
	t.Run("PersonMasked", func(t *testing.T) {
		ls, err := e.client.Licences(ctx, sandbox.ZhangSanID, "sfz")
		if err != nil {
			t.Fatalf("Licences: %v", err)
		}
		if len(ls) != 1 {
			t.Fatalf("licences = %d, want 1", len(ls))
		}
		if got, want := ls[0].HolderName, "张*"; got != want {
			t.Errorf("holder name = %q, want %q", got, want)
		}
		if got, want := ls[0].HolderID, sandbox.ZhangSanID; got != want {
			t.Errorf("holder id = %q, want %q", got, want)
		}
	})
	t.Run("UnknownHolder", func(t *testing.T) {
		ls, err := e.client.Licences(ctx, "330106198808088882", "")
		if err != nil {
			t.Fatalf("Licences: %v", err)
		}
		if got, want := len(ls), 0; got != want {
			t.Errorf("licences = %d, want %d", got, want)
		}
	})
	t.Run("InvalidHolderNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		_, err := e.client.Licences(ctx, "330106198503121232", "")
		if !errors.Is(err, ident.ErrInvalid) {
			t.Errorf("err = %v, want ident.ErrInvalid", err)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d (nothing sent)", got, want)
		}
	})
}

func TestLicences_PersonalDataStaysOutOfURLs(t *testing.T) {
	e := newEnv(t, fastOptions())
	if _, err := e.client.Licences(context.Background(), sandbox.ZhangSanID, ""); err != nil {
		t.Fatalf("Licences: %v", err)
	}
	for _, r := range e.sb.Recorder.Requests() {
		if got := r.Path + "?" + r.Query; strings.Contains(got, sandbox.ZhangSanID) {
			t.Errorf("request target %q carries the ID number", got)
		}
	}
}

func TestFile(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	ls, err := e.client.Licences(ctx, sandbox.RestaurantID, "yyzz")
	if err != nil || len(ls) != 1 {
		t.Fatalf("Licences = %d, %v", len(ls), err)
	}
	id := ls[0].ID

	t.Run("OK", func(t *testing.T) {
		b, err := e.client.File(ctx, id)
		if err != nil {
			t.Fatalf("File: %v", err)
		}
		if !strings.Contains(string(b), id) {
			t.Errorf("file does not name the licence: %q", b)
		}
	})
	t.Run("ErrFileHash", func(t *testing.T) {
		e.sb.CorruptFile(id, []byte("forged"))
		_, err := e.client.File(ctx, id)
		if !errors.Is(err, elicense.ErrFileHash) {
			t.Errorf("err = %v, want ErrFileHash", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		missing, err := ident.BuildLicenceID("yyzz", sandbox.MarketRegulatorID, "99999", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.File(ctx, missing); !errors.Is(err, elicense.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestLookup(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	tests := []struct {
		name, holder, typ string
		licences          int
		reason            string
	}{
		{"Usable", sandbox.RestaurantID, "yyzz", 1, ""},
		{"ExpiredLeftOut", sandbox.LiNaID, "jzz", 0, elicense.ReasonNone},
		{"RevokedLeftOut", sandbox.RevokedCoID, "yyzz", 0, elicense.ReasonNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.client.Lookup(ctx, tt.holder, tt.typ)
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if got, want := len(res.Licences), tt.licences; got != want {
				t.Errorf("licences = %d, want %d", got, want)
			}
			if got, want := res.Reason, tt.reason; got != want {
				t.Errorf("reason = %q, want %q", got, want)
			}
			if got, want := res.Degraded, false; got != want {
				t.Errorf("degraded = %v, want %v", got, want)
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	l, err := e.client.Issue(ctx, issueRequest("ZV2026000101"))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	eff := workflow.RevokeLicence{Number: "ZV2026000101", LicenceType: "spjyxkz", Reason: "承诺不实"}
	for i := range 2 { // a redelivered effect succeeds again
		if err := e.client.RevokeForCase(ctx, eff); err != nil {
			t.Fatalf("RevokeForCase #%d: %v", i+1, err)
		}
	}
	got, err := e.client.Licence(ctx, l.ID)
	if err != nil {
		t.Fatalf("Licence: %v", err)
	}
	if got, want := got.Status, elicense.StatusRevoked; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if got, want := got.RevokeReason, "承诺不实"; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
	if err := e.client.Revoke(ctx, l.ID, "重复撤销"); err != nil {
		t.Errorf("Revoke of a revoked licence: %v", err)
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		err := e.client.RevokeForCase(ctx, workflow.RevokeLicence{Number: "ZV-NONE", Reason: "x"})
		if !errors.Is(err, elicense.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("NoReason", func(t *testing.T) {
		err := e.client.Revoke(ctx, l.ID, " ")
		if !errors.Is(err, workflow.ErrPermanent) || !errors.Is(err, workflow.ErrInvalidInput) {
			t.Errorf("err = %v, want ErrPermanent and ErrInvalidInput", err)
		}
	})
}
