package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"zerovisit/configs"
	"zerovisit/integrations/basedata"
	"zerovisit/integrations/credit"
	"zerovisit/integrations/department"
	"zerovisit/integrations/elicense"
	"zerovisit/integrations/goodbad"
	"zerovisit/integrations/httpx"
	"zerovisit/integrations/province"
)

// parties holds a client for every government system the product talks to.
type parties struct {
	elicense    *elicense.Client
	basedata    *basedata.Client
	credit      credit.Service
	province    *province.Client
	goodbad     *goodbad.Client
	departments *department.Pusher
	verifier    *department.Verifier
	// issuers maps a catalogue department to the identity it signs licences as.
	issuers map[string]elicense.Issuer
	// sandboxes is set when the parties are the in-process sandboxes.
	sandboxes *sandboxes
}

// openParties builds the clients: against in-process sandboxes on a
// loopback port by default, or against the configured endpoints.
func (a *App) openParties(ctx context.Context) (*parties, error) {
	pc := a.cfg.Parties
	opts := httpx.Options{Timeout: pc.Timeout, OnCall: a.metrics.ObservePartyCall,
		Breaker: httpx.BreakerOptions{CoolDown: pc.BreakerCoolDown}}
	hc := &http.Client{Timeout: pc.Timeout}
	var (
		ep        = map[string]configs.Endpoint{"elicense": pc.ELicense, "basedata": pc.BaseData, "credit": pc.Credit, "province": pc.Province, "goodbad": pc.GoodBad}
		endpoints []department.Endpoint
		issuers   = map[string]elicense.Issuer{}
		sbx       *sandboxes
	)
	for _, d := range a.departments {
		issuers[d.Code] = elicense.Issuer{Code: d.USCC, Name: d.Name}
	}
	if pc.Sandbox && pc.SandboxURL != "" {
		m, err := a.sharedSandboxes(ctx)
		if err != nil {
			return nil, err
		}
		for name, e := range m.Parties {
			ep[name] = e
		}
		endpoints = m.Departments
		hc.Transport = httpx.LoopbackOnly(nil)
	} else if pc.Sandbox {
		var err error
		if sbx, err = startSandboxes(ctx, a.log, a.departments, nil, nil); err != nil {
			return nil, err
		}
		for name, e := range sbx.endpoints {
			ep[name] = e
		}
		endpoints = sbx.departments
		hc.Transport = httpx.LoopbackOnly(nil)
	} else if pc.DepartmentEndpoints != "" {
		var list []struct {
			Department, URL, Secret string
			Enabled                 bool
		}
		if err := json.Unmarshal([]byte(pc.DepartmentEndpoints), &list); err != nil {
			return nil, fmt.Errorf("ZEROVISIT_PARTY_DEPARTMENT_ENDPOINTS is not a JSON list of departments: %w", err)
		}
		for _, d := range list {
			endpoints = append(endpoints, department.Endpoint(d))
		}
	}

	p := &parties{issuers: issuers, sandboxes: sbx}
	var err error
	creds := func(e configs.Endpoint) elicense.Credentials {
		return elicense.Credentials{AppID: e.AppID, Secret: e.Secret}
	}
	if p.elicense, err = elicense.NewClient(ep["elicense"].URL, hc, creds(ep["elicense"]), opts); err != nil {
		return nil, err
	}
	if p.basedata, err = basedata.NewClient(ep["basedata"].URL, hc, creds(ep["basedata"]), opts); err != nil {
		return nil, err
	}
	creditClient, err := credit.NewClient(ep["credit"].URL, hc, creds(ep["credit"]), opts)
	if err != nil {
		return nil, err
	}
	// Standings are cached per replica, not in Redis: a submission then
	// costs no Redis round trip for them. A false commitment recorded on
	// another replica reaches this cache only when the entry expires, but
	// the product's own record (the revoked case) is counted from the
	// database on every submission.
	p.credit = credit.NewCached(creditClient, a.local, credit.DefaultCacheTTL)
	p.province = province.NewClient(ep["province"].URL, hc,
		province.Credentials{AppID: ep["province"].AppID, Secret: ep["province"].Secret}, province.Options{HTTP: opts})
	p.goodbad = goodbad.NewClient(ep["goodbad"].URL, hc, goodbad.Credentials{AppID: ep["goodbad"].AppID, Secret: ep["goodbad"].Secret}, opts)
	if p.departments, err = department.NewPusher(endpoints, hc, department.Options{HTTP: opts}); err != nil {
		return nil, err
	}
	if p.verifier, err = department.NewVerifier(endpoints, a.kv, department.VerifierOptions{}); err != nil {
		return nil, err
	}
	return p, nil
}

// sharedSandboxes reads the manifest of the shared sandbox process, which
// must be on this machine: sandbox credentials never travel.
func (a *App) sharedSandboxes(ctx context.Context) (*sandboxManifest, error) {
	u, err := url.Parse(a.cfg.Parties.SandboxURL)
	if err != nil || !httpx.IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("ZEROVISIT_PARTY_SANDBOX_URL %q: the shared sandbox process must listen on a loopback address", a.cfg.Parties.SandboxURL)
	}
	m, err := fetchManifest(ctx, a.cfg.Parties.SandboxURL, 30*time.Second)
	if err != nil {
		return nil, err
	}
	a.remoteSandbox = m
	a.log.Info("using the shared sandboxes", "url", a.cfg.Parties.SandboxURL)
	return m, nil
}

// close stops the sandboxes, if any.
func (p *parties) close() error {
	if p == nil || p.sandboxes == nil {
		return nil
	}
	return p.sandboxes.close()
}

// randomSecret returns a fresh 48-hex-digit secret.
func randomSecret() string { return randomHex(24) }

// randRead fills b from the system's secure random source.
func randRead(b []byte) (int, error) { return rand.Read(b) }

// listenLoopback opens a listener on a free loopback port.
func listenLoopback() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for sandboxes: %w", err)
	}
	return ln, nil
}

// serveUntilClosed serves h on ln; the returned function shuts it down.
func serveUntilClosed(ln net.Listener, h http.Handler) func() error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
