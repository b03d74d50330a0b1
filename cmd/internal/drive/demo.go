package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/workflow"
)

// demo is one run of the stories against a server.
type demo struct {
	out      io.Writer
	hc       *http.Client
	base     string
	hooks    app.Hooks
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
	// reviewer decides the revocations the clerk pursued, and reviewerID
	// is the account's id (the clerk hands cases to it).
	reviewer   *demoClient
	reviewerID string
	// stats and retry, under load, time every request and resend what
	// no server took (load.go).
	stats *loadStats
	retry *loadRetry
}

func runDemo(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	fs := cli.NewFlags("demo", env)
	addr := fs.String("addr", "", "play the story against the server at this URL instead of starting one in this process")
	catalogue := fs.String("write-catalogue", "", "write the shipped catalogue with the demo's item to this file and exit (for servers the demo or the load generator will play against)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *catalogue != "" {
		return os.WriteFile(*catalogue, app.DemoCatalogue(), 0o644)
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
			return app.ErrNoSandboxHooks
		}
		hooks, closeHooks, err := app.OpenRemoteHooks(ctx, sandboxURL, getenv, stderr)
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
	srv, err := app.StartDemoServer(ctx, dir, getenv, stderr)
	if err != nil {
		return err
	}
	defer srv.Close()
	d.base, d.hooks = "http://"+srv.DisplayAddr(), srv.Hooks()
	fmt.Fprintf(stdout, "零上门演示 / zero-visit demo: server http://%s (database: %s, redis: %s), sandboxes in process\n\n",
		srv.DisplayAddr(), srv.DemoDatabaseKind(), srv.RedisKind())
	return d.play(ctx)
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

// Play plays the demo's four stories against the server at base, over
// hc, writing the timeline and the outcome to out.
func Play(ctx context.Context, out io.Writer, hc *http.Client, base string, hooks app.Hooks) error {
	cal, err := configs.LoadCalendar("")
	if err != nil {
		return err
	}
	d := &demo{out: out, hc: hc, base: base, hooks: hooks, cal: cal}
	return d.play(ctx)
}

// play runs the four stories in turn and prints the summary; it fails
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
