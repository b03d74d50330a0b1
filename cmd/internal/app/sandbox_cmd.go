package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/integrations/httpx"
)

// runSandboxes serves every external party's sandbox from one process, for
// several replicas to share (ZEROVISIT_PARTY_SANDBOX_URL): one WeChat, one
// Alipay, one courier company, one set of government libraries. Besides
// the parties' own protocols it serves its manifest (every URL and
// credential a replica needs) and, under /_sandbox/, the hooks a load
// generator uses to play what happens outside the product: a phone's
// login code, a payment, a parcel moving, a name put on a blacklist; and a
// summary of every side effect the parties received, for checking that
// none arrived twice. It listens on loopback only.
func runSandboxes(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	fs := cli.NewFlags("sandboxes", env)
	addr := fs.String("addr", "127.0.0.1:9100", "loopback address to serve on")
	callbacks := fs.String("callbacks", "", "comma-separated base URLs of the replicas (http://127.0.0.1:8081,…): where payment "+
		"notifications and parcel pushes go; a replica that does not answer is skipped for the next, as behind a load balancer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !httpx.IsLoopbackHost(host) {
		return fmt.Errorf("sandboxes --addr %q: must be a loopback host:port", *addr)
	}
	var targets []string
	for _, c := range strings.Split(*callbacks, ",") {
		if c = strings.TrimRight(strings.TrimSpace(c), "/"); c != "" {
			targets = append(targets, c)
		}
	}
	if len(targets) == 0 {
		return errors.New("sandboxes: --callbacks must name at least one replica")
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	depts, err := configs.LoadDepartments(cfg.DepartmentsPath)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	srv, err := startSharedSandboxes(ctx, *addr, targets, depts)
	if err != nil {
		return err
	}
	defer srv.close()
	log.Info("shared sandboxes serving", "url", srv.base, "callbacks", targets)
	fmt.Fprintf(stdout, "sandboxes serving at %s (manifest %s%s)\n", srv.base, srv.base, manifestPath)
	<-ctx.Done()
	return nil
}

// sharedSandboxes is the shared sandbox process's state.
type sharedSandboxes struct {
	base     string
	parties  *sandboxes
	couriers *courierSandboxes
	manifest sandboxManifest
}

// startSharedSandboxes starts every sandbox on addr, with callbacks to the
// replicas at targets.
func startSharedSandboxes(ctx context.Context, addr string, targets []string, depts []configs.Department) (*sharedSandboxes, error) {
	hosts := make([]string, 0, len(targets))
	for _, t := range targets {
		hosts = append(hosts, strings.TrimPrefix(strings.TrimPrefix(t, "http://"), "https://"))
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &failover{hosts: hosts, next: httpx.LoopbackOnly(nil)}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandboxes: listen on %s: %w", addr, err)
	}
	sb, err := startSandboxes(ctx, slog.New(slog.DiscardHandler), depts, ln, client)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s := &sharedSandboxes{base: sb.baseURL, parties: sb}
	s.couriers = newCourierSandboxes(sb.baseURL, func(provider string) string {
		return targets[0] + "/api/v1/callbacks/courier/" + provider
	}, client)
	s.couriers.mount(sb.mux)
	if s.manifest, err = sb.manifest(s.couriers); err != nil {
		_ = sb.close()
		return nil, err
	}
	h := &sandboxHooks{s: s}
	sb.mux.Handle("/_sandbox/", h.routes())
	return s, nil
}

func (s *sharedSandboxes) close() error { return s.parties.close() }

// failover sends a request meant for one replica to the next when the
// replica does not answer at all (refused, reset): what a load balancer in
// front of the replicas does. A callback may then arrive twice, as real
// channels' retries do; the receiving side is idempotent.
type failover struct {
	hosts []string
	next  http.RoundTripper
}

func (f *failover) RoundTrip(req *http.Request) (*http.Response, error) {
	start := slices.Index(f.hosts, req.URL.Host)
	if start < 0 {
		return f.next.RoundTrip(req)
	}
	var last error
	for i := range f.hosts {
		r := req.Clone(req.Context())
		r.URL.Host, r.Host = f.hosts[(start+i)%len(f.hosts)], ""
		if i > 0 {
			if req.GetBody == nil {
				break
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		resp, err := f.next.RoundTrip(r)
		if err == nil {
			return resp, nil
		}
		last = err
	}
	return nil, last
}

// hookError answers a hook with a structured error.
func hookError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func hookJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// readHook decodes a hook's JSON body into v, answering 400 when it cannot.
func readHook(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		hookError(w, http.StatusBadRequest, "invalid_json", "请求体不是合法的 JSON: "+err.Error())
		return false
	}
	return true
}
