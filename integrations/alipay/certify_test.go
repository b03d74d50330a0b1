package alipay_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zerovisit/integrations/alipay"
	"zerovisit/integrations/alipay/sandbox"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

const (
	certName = "张三"
	certNo   = "330106198503121231"
)

func TestCertify(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	start := func(t *testing.T, outer string) string {
		t.Helper()
		id, err := f.client.StartCertify(ctx, outer, certName, certNo)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	t.Run("Started", func(t *testing.T) {
		id := start(t, "ZV20261207A0001")
		var got *sandbox.Certification
		for _, c := range f.sb.Certifications() {
			if c.CertifyID == id {
				got = &c
			}
		}
		if got == nil || got.OuterOrderNo != "ZV20261207A0001" || got.BizCode != "FACE" ||
			got.CertName != certName || got.CertNo != certNo {
			t.Fatalf("certification = %+v", got)
		}
		r, err := f.client.CertifyResult(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Passed || r.Finished {
			t.Errorf("unfinished certification = %+v, want neither passed nor finished", r)
		}
	})
	t.Run("Passed", func(t *testing.T) {
		id := start(t, "ZV20261207A0002")
		if err := f.sb.Complete(id, sandbox.CertifyPassed); err != nil {
			t.Fatal(err)
		}
		r, err := f.client.CertifyResult(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Passed || !r.Finished {
			t.Errorf("passed certification = %+v", r)
		}
	})
	t.Run("Failed", func(t *testing.T) {
		id := start(t, "ZV20261207A0003")
		_ = f.sb.Complete(id, sandbox.CertifyFailed)
		r, err := f.client.CertifyResult(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Passed || !r.Finished || r.FailReason != sandbox.CertifyFailReason {
			t.Errorf("failed certification = %+v", r)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		id := start(t, "ZV20261207A0004")
		_ = f.sb.Complete(id, sandbox.CertifyExpired)
		_, err := f.client.CertifyResult(ctx, id)
		if !errors.Is(err, alipay.ErrCertifyExpired) {
			t.Fatalf("expired certification: %v, want ErrCertifyExpired", err)
		}
		var ae *alipay.APIError
		if !errors.As(err, &ae) || ae.Code != "40004" || ae.SubCode != alipay.SubCodeCertifyExpired {
			t.Errorf("error = %#v, want 40004 CERTIFY_ID_EXPIRED", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		_, err := f.client.CertifyResult(ctx, "0123456789abcdef0123456789abcdef")
		if !errors.Is(err, alipay.ErrRefused) || errors.Is(err, alipay.ErrCertifyExpired) {
			t.Errorf("unknown certify_id: %v, want ErrRefused", err)
		}
	})
	t.Run("URL", func(t *testing.T) {
		id := start(t, "ZV20261207A0005")
		raw, err := f.client.CertifyURL(id)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(raw)
		if q := u.Query(); q.Get("method") != sandbox.MethodCertifyCertify || !strings.Contains(q.Get("biz_content"), id) {
			t.Fatalf("certify URL = %s", raw)
		}
		if strings.Contains(raw, certNo) || strings.Contains(raw, url.QueryEscape(certName)) {
			t.Errorf("certify URL carries the person: %s", raw)
		}
		resp, err := http.Get(raw)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("opening the certify URL = %d, want 200", resp.StatusCode)
		}
		tampered := strings.Replace(raw, id, "0000", 1)
		if resp, err := http.Get(tampered); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("a certify URL with another certify_id = %d, want 400 (signature)", resp.StatusCode)
			}
		}
	})
}

func TestCertify_InvalidInputNotSent(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		name, outer, person, id string
		err                     error
	}{
		{"NoOuterNo", "", certName, certNo, workflow.ErrInvalidInput},
		{"OuterNoTooLong", strings.Repeat("A", 33), certName, certNo, workflow.ErrInvalidInput},
		{"OuterNoNotAlnum", "ZV-0001", certName, certNo, workflow.ErrInvalidInput},
		{"NoName", "ZV0001", " ", certNo, workflow.ErrInvalidInput},
		{"BadID", "ZV0001", certName, "330106198503121232", ident.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.client.StartCertify(ctx, tc.outer, tc.person, tc.id); !errors.Is(err, tc.err) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
		})
	}
	if _, err := f.client.CertifyResult(ctx, ""); !errors.Is(err, workflow.ErrInvalidInput) {
		t.Errorf("empty certify_id: %v, want ErrInvalidInput", err)
	}
	if got := f.sb.Recorder.Len(); got != 0 {
		t.Errorf("%d requests sent for invalid input", got)
	}
}

func TestCertify_Unavailable(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	f.sb.Faults.FailNext(1, http.StatusServiceUnavailable)
	_, err := f.client.StartCertify(ctx, "ZV0001", certName, certNo)
	if !errors.Is(err, workflow.ErrUnavailable) {
		t.Fatalf("Alipay down: %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), certNo) {
		t.Errorf("error leaks the ID number: %s", err)
	}
}

func TestSandboxComplete_Refused(t *testing.T) {
	f := newFixture(t)
	if err := f.sb.Complete("nope", sandbox.CertifyPassed); !errors.Is(err, sandbox.ErrNoCertification) {
		t.Errorf("unknown certify_id: %v", err)
	}
	id, err := f.client.StartCertify(ctxT(t), "ZV0001", certName, certNo)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.sb.Complete(id, "maybe"); !errors.Is(err, sandbox.ErrBadOutcome) {
		t.Errorf("unknown outcome: %v", err)
	}
}
