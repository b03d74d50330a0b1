package elicense_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/exchange"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

func TestIssue_IdempotentByCaseNumber(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	before := len(e.sb.Licences())

	first, err := e.client.Issue(ctx, issueRequest("ZV2026000001"))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	second, err := e.client.Issue(ctx, issueRequest("ZV2026000001"))
	if err != nil {
		t.Fatalf("Issue again: %v", err)
	}
	if got, want := second.ID, first.ID; got != want {
		t.Errorf("second issue id = %q, want %q", got, want)
	}
	if got, want := len(e.sb.Licences()), before+1; got != want {
		t.Errorf("licences held = %d, want %d", got, want)
	}
	if got, want := first.CaseNumber, "ZV2026000001"; got != want {
		t.Errorf("case number = %q, want %q", got, want)
	}
}

func TestIssue_ConcurrentRedeliveryIssuesOnce(t *testing.T) {
	e := newEnv(t, fastOptions())
	before := len(e.sb.Licences())
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			l, err := e.client.Issue(context.Background(), issueRequest("ZV2026000002"))
			if err != nil {
				t.Errorf("Issue: %v", err)
			}
			ids[i] = l.ID
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if got, want := id, ids[0]; got != want {
			t.Errorf("id = %q, want %q", got, want)
		}
	}
	if got, want := len(e.sb.Licences()), before+1; got != want {
		t.Errorf("licences held = %d, want %d", got, want)
	}
}

func TestIssue_LicenceIDAndSignature(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	l, err := e.client.Issue(ctx, issueRequest("ZV2026000003"))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}

	id, err := ident.ParseLicenceID(l.ID)
	if err != nil {
		t.Fatalf("ParseLicenceID(%q): %v", l.ID, err)
	}
	if got, want := id.Issuer.Code, sandbox.MarketRegulatorID; got != want {
		t.Errorf("issuer in id = %q, want %q", got, want)
	}
	if got, want := id.TypeCode, "SPJYXKZ"; got != want {
		t.Errorf("type in id = %q, want %q", got, want)
	}
	if got, want := id.Version, 1; got != want {
		t.Errorf("version = %d, want %d", got, want)
	}

	pub, err := e.client.PublicKey(ctx, l.IssuerCode)
	if err != nil {
		t.Fatalf("PublicKey: %v", err)
	}
	if err := elicense.VerifyLicence(pub, l); err != nil {
		t.Errorf("VerifyLicence: %v", err)
	}
	if err := e.client.Verify(ctx, l); err != nil {
		t.Errorf("Verify: %v", err)
	}

	tampered := map[string]func(*elicense.Licence){
		"Name":     func(l *elicense.Licence) { l.Name = "药品经营许可证" },
		"HolderID": func(l *elicense.Licence) { l.HolderID = sandbox.RevokedCoID },
		"Items":    func(l *elicense.Licence) { l.Items = map[string]string{"经营项目": "全部"} },
		"FileSM3":  func(l *elicense.Licence) { l.FileSM3 = l.FileSHA256 },
		"ExpiresOn": func(l *elicense.Licence) {
			l.ExpiresOn = workflow.Date{Year: 2099, Month: 1, Day: 1}
		},
	}
	for name, change := range tampered {
		t.Run(name, func(t *testing.T) {
			m := l
			m.Items = map[string]string{}
			for k, v := range l.Items {
				m.Items[k] = v
			}
			change(&m)
			if err := elicense.VerifyLicence(pub, m); !errors.Is(err, elicense.ErrBadSignature) {
				t.Errorf("VerifyLicence after changing %s = %v, want ErrBadSignature", name, err)
			}
		})
	}

	t.Run("OtherDepartmentsKey", func(t *testing.T) {
		other, err := e.client.PublicKey(ctx, sandbox.PublicSecurityID)
		if err != nil {
			t.Fatalf("PublicKey: %v", err)
		}
		if err := elicense.VerifyLicence(other, l); !errors.Is(err, elicense.ErrBadSignature) {
			t.Errorf("VerifyLicence with another key = %v, want ErrBadSignature", err)
		}
	})
	t.Run("FileHashes", func(t *testing.T) {
		if _, err := e.client.File(ctx, l.ID); err != nil {
			t.Errorf("File: %v", err)
		}
	})
}

func TestIssue_Refusals(t *testing.T) {
	e := newEnv(t, fastOptions())
	ctx := context.Background()
	if _, err := e.client.Issue(ctx, issueRequest("ZV2026000004")); err != nil {
		t.Fatalf("Issue: %v", err)
	}

	t.Run("ErrConflict", func(t *testing.T) {
		req := issueRequest("ZV2026000004")
		req.HolderID = sandbox.RevokedCoID
		_, err := e.client.Issue(ctx, req)
		if !errors.Is(err, elicense.ErrConflict) || !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want ErrConflict and workflow.ErrPermanent", err)
		}
	})
	t.Run("UnknownIssuer", func(t *testing.T) {
		req := issueRequest("ZV2026000005")
		req.IssuerCode = "91330105MA2KXY123C" // a company, not a registered department
		_, err := e.client.Issue(ctx, req)
		var xe *exchange.Error
		if !errors.As(err, &xe) {
			t.Fatalf("err = %v, want an *exchange.Error", err)
		}
		if got, want := xe.Code, elicense.CodeUnknownIssuer; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
		if got, want := xe.Status, http.StatusUnprocessableEntity; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		if !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want workflow.ErrPermanent", err)
		}
	})
	t.Run("InvalidNotSent", func(t *testing.T) {
		before := e.sb.Recorder.Len()
		req := issueRequest("ZV2026000006")
		req.IssuerCode = "11330100002501234A"
		_, err := e.client.Issue(ctx, req)
		if !errors.Is(err, ident.ErrInvalid) || !errors.Is(err, workflow.ErrPermanent) {
			t.Errorf("err = %v, want ident.ErrInvalid and workflow.ErrPermanent", err)
		}
		if got, want := e.sb.Recorder.Len(), before; got != want {
			t.Errorf("requests = %d, want %d (nothing sent)", got, want)
		}
	})
}

func TestIssueForCase(t *testing.T) {
	e := newEnv(t, fastOptions())
	eff := workflow.IssueLicence{CaseID: "c1", Number: "ZV2026000007", ItemCode: "scjgj-gtgshsldj", LicenceType: "yyzz", HolderID: "applicant-1"}
	holder := elicense.Holder{ID: sandbox.ZhangSanID, Name: "张三"}
	issuer := elicense.Issuer{Code: sandbox.MarketRegulatorID, Name: "杭州市西湖区市场监督管理局"}
	l, err := e.client.IssueForCase(context.Background(), eff, holder, issuer)
	if err != nil {
		t.Fatalf("IssueForCase: %v", err)
	}
	if got, want := l.Name, "营业执照"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if got, want := l.HolderName, "张*"; got != want {
		t.Errorf("holder name = %q, want %q", got, want)
	}
	if got, want := l.Items["办件编号"], "ZV2026000007"; got != want {
		t.Errorf("items[办件编号] = %q, want %q", got, want)
	}
	res, err := e.client.Lookup(context.Background(), sandbox.ZhangSanID, "yyzz")
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got, want := len(res.Licences), 1; got != want {
		t.Errorf("licences found = %d, want %d", got, want)
	}
}
