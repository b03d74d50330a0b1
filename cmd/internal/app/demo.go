package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/workflow"
)

// demoItem is the demo's service item, added to the shipped catalogue of
// the server the demo starts: trust first, a fee paid in the app, the
// driving licence pre-filled from the e-license library, originals
// collected by courier, the result licence written to the e-license
// library and delivered by courier, and one original checked at the door.
// No shipped trust-first item has a fee, and the story shows a payment.
const demoItem = "demo-gaj-jszhz"

const demoItemYAML = `
  - code: demo-gaj-jszhz
    name: 机动车驾驶证换证（演示）
    department: gaj
    department_name: 公安局
    legal_days: 10
    promised_days: 5
    delivery: [courier]
    trust_first: true
    needs_originals_pickup: true
    result_licence: jsz
    fees:
      - code: gbf
        name: 机动车驾驶证工本费
        amount_fen: 1000
    commitment:
      template_version: DEMO-GA-JSZHZ.1
      text: |
        机动车驾驶证换证告知承诺书（演示）
        本人承诺所提交的材料真实有效，同意办结后由快递员上门查验原件；如有不实，自愿承担换证决定被撤销的法律后果，
        并同意将失信信息记入信用记录。
    materials:
      - code: sfz
        name: 居民身份证
        source: basedata:identity
        core: true
      - code: jsz
        name: 机动车驾驶证
        source: elicense:jsz
        core: true
      - code: tjzm
        name: 机动车驾驶人身体条件证明
        source: upload
        verify_on_completion: true
`

// demoCatalogue is the shipped catalogue with the demo's item.
func demoCatalogue() []byte { return append(configs.DefaultCatalogueYAML(), demoItemYAML...) }

// demoPassthrough are the settings a person may give the demo's own server
// through the environment (to run it on PostgreSQL and Redis, say); every
// other setting is the demo's.
var demoPassthrough = []string{
	"ZEROVISIT_DATABASE_URL", "ZEROVISIT_REDIS_URL", "ZEROVISIT_TOKEN_SECRET", "ZEROVISIT_PII_KEY",
	"ZEROVISIT_PII_INDEX_KEY", "ZEROVISIT_LOG_LEVEL",
}

// demo is one run of the stories against a server.
type demo struct {
	out      io.Writer
	hc       *http.Client
	base     string
	hooks    demoHooks
	cal      *workflow.Calendar
	started  time.Time
	requests atomic.Int64
	failures []string
	results  []demoResult
	// people are the stories to play; nil means demoPeople().
	people []demoPerson
	// clerk and courier are signed in once and work on every story.
	clerk, courier *demoClient
	// legsSeen is where the courier page resumes (demo_desk.go).
	legsSeen string
	// rival, under load, is a second clerk who tries to claim every case
	// at the same moment as the clerk: exactly one of them may have it.
	rival *demoClient
	// stats and retry, under load, time every request and resend what
	// no server took (load.go).
	stats *loadStats
	retry *loadRetry
}

func runDemo(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "play the story against the server at this URL instead of starting one in this process")
	catalogue := fs.String("write-catalogue", "", "write the shipped catalogue with the demo's item to this file and exit (for servers the demo or the load generator will play against)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *catalogue != "" {
		return os.WriteFile(*catalogue, demoCatalogue(), 0o644)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		return err
	}
	d := &demo{out: stdout, hc: &http.Client{Timeout: 30 * time.Second}, cal: cal}
	if *addr != "" {
		base := strings.TrimRight(*addr, "/")
		if err := d.probe(ctx, base); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "服务 %s 在线 / the server at %s answers /healthz\n", base, base)
		sandboxURL := getenv("ZEROVISIT_PARTY_SANDBOX_URL")
		if sandboxURL == "" {
			return errNoSandboxHooks
		}
		hooks, closeHooks, err := openRemoteHooks(ctx, sandboxURL, getenv, stderr)
		if err != nil {
			return err
		}
		defer closeHooks()
		d.base, d.hooks = base, hooks
		fmt.Fprintf(stdout, "零上门演示 / zero-visit demo: server %s, shared sandboxes %s\n\n", base, sandboxURL)
		return d.play(ctx)
	}

	dir, err := os.MkdirTemp("", "zerovisit-demo-")
	if err != nil {
		return fmt.Errorf("demo data folder: %w", err)
	}
	defer os.RemoveAll(dir)
	app, err := startDemoServer(ctx, dir, getenv, stderr)
	if err != nil {
		return err
	}
	defer app.Close()
	d.base, d.hooks = "http://"+app.DisplayAddr(), appHooks{app}
	fmt.Fprintf(stdout, "零上门演示 / zero-visit demo: server http://%s (database: %s, redis: %s), sandboxes in process\n\n",
		app.DisplayAddr(), demoDatabaseKind(app), app.RedisKind())
	return d.play(ctx)
}

// startDemoServer runs the service in this process on the embedded default
// in dir, with the demo item in its catalogue and fast background work.
func startDemoServer(ctx context.Context, dir string, getenv func(string) string, stderr io.Writer) (*App, error) {
	catalogue := filepath.Join(dir, "catalogue.yaml")
	if err := os.WriteFile(catalogue, demoCatalogue(), 0o600); err != nil {
		return nil, fmt.Errorf("demo catalogue: %w", err)
	}
	env := map[string]string{
		"ZEROVISIT_ADDR":                       "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL":               filepath.Join(dir, "zerovisit.db"),
		"ZEROVISIT_CATALOGUE_PATH":             catalogue,
		"ZEROVISIT_LOG_LEVEL":                  "error",
		"ZEROVISIT_LOG_FORMAT":                 "text",
		"ZEROVISIT_WORKER_OUTBOX_INTERVAL":     "20ms",
		"ZEROVISIT_WORKER_OUTBOX_BASE_DELAY":   "50ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_DELAY":    "500ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS": "1000",
		"ZEROVISIT_WORKER_TIMER_INTERVAL":      "200ms",
		"ZEROVISIT_COURIER_SWEEP_INTERVAL":     "100ms",
		"ZEROVISIT_COURIER_PICKUP_PROVIDER":    "sf",
		"ZEROVISIT_COURIER_DELIVERY_PROVIDER":  "sf",
		"ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB":  "1024",
		"ZEROVISIT_STAFF_PASSWORD_TIME":        "1",
	}
	for _, k := range demoPassthrough {
		if v := getenv(k); v != "" {
			env[k] = v
		}
	}
	cfg, err := configs.Load(func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	cfg.BlobDir = filepath.Join(dir, "blobs")
	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	app.courier.passwordCost = demoPasswordCost
	if err := app.Open(ctx); err != nil {
		_ = app.Close()
		return nil, err
	}
	if app.parties.sandboxes == nil || app.courier.sandboxes == nil {
		_ = app.Close()
		return nil, errNoSandboxHooks
	}
	return app, nil
}

// demoDatabaseKind names the database without the demo's temporary path.
func demoDatabaseKind(app *App) string {
	if app.db.Dialect() == "sqlite" {
		return "sqlite (temporary)"
	}
	return app.db.Dialect()
}

// probe checks that a server answers at base.
func (d *demo) probe(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("demo --addr %s: %w", base, err)
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return fmt.Errorf("demo --addr %s: %w", base, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("demo --addr %s: /healthz answered %d", base, resp.StatusCode)
	}
	return nil
}

// play runs the three stories in turn and prints the summary; it fails
// when any story did not end as it should.
func (d *demo) play(ctx context.Context) error {
	d.started = time.Now()
	if d.people == nil {
		d.people = demoPeople()
	}
	for _, p := range d.people {
		s := &demoStory{d: d, p: p}
		err := s.run(ctx)
		d.results = append(d.results, demoResult{person: p, number: s.number, status: s.status, err: err})
		if err != nil {
			d.failures = append(d.failures, fmt.Sprintf("%s: %v", p.title, err))
			fmt.Fprintf(d.out, "  ✗ 未按预期结束 / did not end as it should: %v\n", err)
		}
		fmt.Fprintln(d.out)
	}
	fmt.Fprintln(d.out, "结果 / outcome")
	for _, r := range d.results {
		mark := "✓"
		if r.err != nil {
			mark = "✗"
		}
		fmt.Fprintf(d.out, "  %s %-28s 办件 %-22s 最终状态 final state: %-9s (预期 want %s)\n",
			mark, r.person.title, orDash(r.number), orDash(r.status), r.person.want)
	}
	fmt.Fprintf(d.out, "共 %d 个 HTTP 请求，用时 %.1f 秒 / %d HTTP requests in %.1f s\n",
		d.requests.Load(), time.Since(d.started).Seconds(), d.requests.Load(), time.Since(d.started).Seconds())
	if len(d.failures) > 0 {
		return fmt.Errorf("demo: %d of %d stories did not end as they should: %s", len(d.failures), len(d.results), strings.Join(d.failures, "; "))
	}
	return nil
}

// demoResult is how one story ended.
type demoResult struct {
	person demoPerson
	number string
	status string
	err    error
}

// step prints one line of the timeline: when, who, what, the case's state
// and the working days since the application.
func (d *demo) step(s *demoStory, who, what, state string) {
	days := "-"
	if !s.submitted.IsZero() {
		days = fmt.Sprint(d.cal.WorkingDaysBetween(s.submitted, time.Now()))
	}
	fmt.Fprintf(d.out, "  %6.2fs  %-16s %-58s 状态 %-20s 已用工作日 %s\n",
		time.Since(d.started).Seconds(), who, what, orDash(state), days)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// errDemoStep marks a step whose outcome was not the expected one.
var errDemoStep = errors.New("unexpected outcome")
