package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/elicense/sandbox"
	"zerovisit/integrations/httpx"
)

// The binary mounts the sandbox under a path prefix; the client's
// signatures cover the full path and must still verify.
func TestSandbox_MountedUnderAPrefix(t *testing.T) {
	sb := sandbox.New(sandbox.Config{Apps: map[string]string{"app": "secret"}, Issuers: sandbox.DefaultIssuers()})
	if err := sb.SeedDefaults(); err != nil {
		t.Fatalf("SeedDefaults: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/sandbox/elicense/", http.StripPrefix("/sandbox/elicense", sb))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	hc := &http.Client{Transport: httpx.LoopbackOnly(nil)}
	c, err := elicense.NewClient(srv.URL+"/sandbox/elicense", hc, elicense.Credentials{AppID: "app", Secret: "secret"},
		httpx.Options{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := c.Licences(context.Background(), sandbox.ZhangSanID, "")
	if err != nil {
		t.Fatalf("Licences: %v", err)
	}
	if got, want := len(ls), 2; got != want {
		t.Fatalf("licences = %d, want %d", got, want)
	}
	for _, l := range ls {
		if err := c.Verify(context.Background(), l); err != nil {
			t.Errorf("Verify %s: %v", l.Type, err)
		}
	}
	if _, err := c.File(context.Background(), ls[0].ID); err != nil {
		t.Errorf("File: %v", err)
	}
}

func TestSandbox_SeedRefusesInvalidLicences(t *testing.T) {
	sb := sandbox.New(sandbox.Config{})
	req := sandbox.DefaultSeed()[0]
	req.HolderID = "123"
	if _, err := sb.Seed(req); err == nil {
		t.Error("Seed accepted an invalid holder")
	}
	if got, want := len(sb.Licences()), 0; got != want {
		t.Errorf("licences = %d, want %d", got, want)
	}
}

func TestSandbox_KeyringSharedWithConfig(t *testing.T) {
	kr := elicense.NewKeyring()
	sb := sandbox.New(sandbox.Config{Keyring: kr, Issuers: sandbox.DefaultIssuers()})
	if got, want := sb.Keyring(), kr; got != want {
		t.Fatal("sandbox does not use the configured keyring")
	}
	if got, want := len(kr.Issuers()), len(sandbox.DefaultIssuers()); got != want {
		t.Errorf("keys = %d, want %d (one per issuer, made at start)", got, want)
	}
}
