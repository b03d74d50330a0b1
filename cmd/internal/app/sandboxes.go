package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"zerovisit/configs"
	basedatasb "zerovisit/integrations/basedata/sandbox"
	creditsb "zerovisit/integrations/credit/sandbox"
	"zerovisit/integrations/department"
	departmentsb "zerovisit/integrations/department/sandbox"
	"zerovisit/integrations/elicense"
	elicensesb "zerovisit/integrations/elicense/sandbox"
	goodbadsb "zerovisit/integrations/goodbad/sandbox"
	provincesb "zerovisit/integrations/province/sandbox"
)

// sandboxes are the in-process stand-ins for the government systems, served
// on one loopback port under a path per party. They speak each party's
// protocol (paths, signatures, status codes), so the real clients run over
// real HTTP against them, in the default run and in tests alike.
type sandboxes struct {
	baseURL  string
	elicense *elicensesb.Sandbox
	basedata *basedatasb.Sandbox
	credit   *creditsb.Sandbox
	province *provincesb.Sandbox
	goodbad  *goodbadsb.Sandbox
	depts    *departmentsb.Sandbox
	// channels are the WeChat and Alipay sandboxes (wire_citizen.go).
	channels *channelSandboxes

	endpoints   map[string]configs.Endpoint
	departments []department.Endpoint
	issuers     map[string]elicense.Issuer
	// mux serves every sandbox under its prefix; the shared sandbox
	// process (sandbox_cmd.go) mounts the courier companies and its hooks
	// on it too.
	mux  *http.ServeMux
	stop func() error
}

// startSandboxes creates every sandbox with fresh credentials, seeds the
// example people, companies and licences, and starts serving them on ln (a
// free loopback port when nil); notifier sends WeChat Pay's notifications
// (loopback only when nil).
func startSandboxes(_ context.Context, log *slog.Logger, depts []configs.Department, ln net.Listener, notifier *http.Client) (*sandboxes, error) {
	if ln == nil {
		var err error
		if ln, err = listenLoopback(); err != nil {
			return nil, err
		}
	}
	var err error
	s := &sandboxes{
		baseURL:   "http://" + ln.Addr().String(),
		endpoints: map[string]configs.Endpoint{},
		issuers:   map[string]elicense.Issuer{},
	}
	app := func(party string) configs.Endpoint {
		e := configs.Endpoint{URL: s.baseURL + "/" + party, AppID: "zerovisit-" + party, Secret: randomSecret()}
		s.endpoints[party] = e
		return e
	}

	var issuers []elicense.Issuer
	deptSecrets := map[string]string{}
	for _, d := range depts {
		iss := elicense.Issuer{Code: d.USCC, Name: d.Name}
		s.issuers[d.Code] = iss
		issuers = append(issuers, iss)
		deptSecrets[d.Code] = randomSecret()
	}

	e := app("elicense")
	s.elicense = elicensesb.New(elicensesb.Config{Apps: map[string]string{e.AppID: e.Secret}, Issuers: issuers})
	if err := s.elicense.SeedDefaults(); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("seed e-license sandbox: %w", err)
	}
	b := app("basedata")
	s.basedata = basedatasb.New(basedatasb.Config{Apps: map[string]string{b.AppID: b.Secret}})
	s.basedata.SeedDefaults()
	c := app("credit")
	s.credit = creditsb.New(creditsb.Config{Apps: map[string]string{c.AppID: c.Secret}})
	s.credit.SeedDefaults()
	p := app("province")
	s.province = provincesb.New(provincesb.Config{AppID: p.AppID, Secret: p.Secret})
	g := app("goodbad")
	s.goodbad = goodbadsb.New(goodbadsb.Config{AppID: g.AppID, Secret: g.Secret})
	s.depts = departmentsb.New(departmentsb.Config{Departments: deptSecrets})
	if s.channels, err = newChannelSandboxes(notifier); err != nil {
		_ = ln.Close()
		return nil, err
	}
	for _, d := range depts {
		s.departments = append(s.departments, department.Endpoint{
			Department: d.Code, URL: s.baseURL + "/department" + departmentsb.PushPath,
			Secret: deptSecrets[d.Code], Enabled: true,
		})
	}

	mux := http.NewServeMux()
	s.mux = mux
	for prefix, h := range map[string]http.Handler{
		"/elicense": s.elicense, "/basedata": s.basedata, "/credit": s.credit,
		"/province": s.province, "/department": s.depts, "/goodbad": s.goodbad,
		"/wechat": s.channels.wechat, "/alipay": s.channels.alipay,
	} {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	}
	s.stop = serveUntilClosed(ln, mux)
	log.Info("sandboxes serving", "url", s.baseURL)
	return s, nil
}

func (s *sandboxes) close() error {
	if s == nil || s.stop == nil {
		return nil
	}
	return errors.Join(s.stop())
}
