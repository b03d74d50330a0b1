package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/progress"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// loadRun is one run of the load generator.
type loadRun struct {
	out      io.Writer
	addrs    []string
	hooks    app.Hooks
	hc       *http.Client
	cal      *workflow.Calendar
	stats    *loadStats
	retry    *loadRetry
	tag      int
	stories  int
	workers  int
	citizens int
}

// runLoad plays N zero-visit stories (or, with --mode write, only their
// state-changing steps; with --mode lifecycle, ordinary cases from
// submission to closed; with --mode baseline, one-row inserts against
// `zerovisit baseline`) with C at a time, against one or several servers,
// and prints throughput, latency per endpoint, errors by kind and, for
// stories, a correctness check: every case in its expected final state,
// every side effect received exactly once by the sandboxes.
func runLoad(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	fs := cli.NewFlags("load", env)
	addrs := fs.String("addr", "", "comma-separated server URLs to spread the load over (default: start one in this process on the embedded default)")
	stories := fs.Int("stories", 100, "stories (or, in write and baseline modes, iterations; in lifecycle mode, lifecycles) to run")
	workers := fs.Int("concurrency", 8, "stories run at the same time")
	mode := fs.String("mode", "stories", "stories | write (drafts, uploads, commitments and submissions only, for profiling) | "+
		"lifecycle (a case submitted, accepted, approved, dispatched, delivered and closed) | baseline (POST /baseline/rows of `zerovisit baseline`)")
	citizens := fs.Int("citizens", 0, "write and lifecycle modes: citizens to spread the cases over (default 40 per worker, within the per-account limits)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	if *stories < 1 || *stories > 1_000_000 || *workers < 1 || *workers > 1024 {
		return errors.New("load: --stories must be 1..1000000 and --concurrency 1..1024")
	}
	r := &loadRun{out: stdout, hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		stats: newLoadStats(), tag: rand.IntN(1_000_000), stories: *stories, workers: *workers, citizens: *citizens}
	if r.citizens == 0 {
		r.citizens = 40 * r.workers
	}
	for _, a := range strings.Split(*addrs, ",") {
		if a = strings.TrimRight(strings.TrimSpace(a), "/"); a != "" {
			r.addrs = append(r.addrs, a)
		}
	}
	if *mode == "baseline" {
		if len(r.addrs) == 0 {
			return errors.New("load --mode baseline: --addr must name a `zerovisit baseline` server")
		}
		return r.baseline(ctx)
	}
	play, ok := map[string]func(context.Context) error{"stories": r.playStories, "write": r.writes, "lifecycle": r.lifecycles}[*mode]
	if !ok {
		return fmt.Errorf("load: unknown --mode %q", *mode)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		return err
	}
	r.cal = cal
	if len(r.addrs) == 0 {
		dir, err := os.MkdirTemp("", "zerovisit-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		srv, err := app.StartDemoServer(ctx, dir, getenv, stderr)
		if err != nil {
			return err
		}
		defer srv.Close()
		r.addrs, r.hooks = []string{"http://" + srv.DisplayAddr()}, srv.Hooks()
	} else {
		hooks, closeHooks, err := app.OpenRemoteHooks(ctx, getenv("ZEROVISIT_PARTY_SANDBOX_URL"), getenv, stderr)
		if err != nil {
			return err
		}
		defer closeHooks()
		r.hooks = hooks
	}
	r.retry = &loadRetry{addrs: r.addrs, attempts: 60}
	fmt.Fprintf(stdout, "zerovisit load: %s mode, %d × concurrency %d against %s\n", *mode, r.stories, r.workers, strings.Join(r.addrs, ", "))
	return play(ctx)
}

// worker returns the demo a worker plays with: its own clerk, rival clerk
// and courier, on the worker's server.
func (r *loadRun) worker(w int) *demo {
	return &demo{out: io.Discard, hc: r.hc, base: r.addrs[w%len(r.addrs)], hooks: r.hooks, cal: r.cal, started: time.Now(),
		stats: r.stats, retry: r.retry}
}

// person is the i-th applicant of the run: a resident the population
// library knows, with a driving licence; one in ten is blacklisted and one
// in ten fails the check at the door.
func (r *loadRun) person(i int) demoPerson {
	n := r.tag*r.stories + i
	born := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (n/998)%16000)
	first17 := fmt.Sprintf("330106%s%03d", born.Format("20060102"), 1+n%998)
	check, _ := ident.ResidentIDCheck(first17)
	surnames, given := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"), []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
	p := demoPerson{
		title: fmt.Sprintf("load %d", i), name: string(surnames[n%len(surnames)]) + string(given[(n/7)%len(given)]) + string(given[(n/3)%len(given)]),
		id: first17 + string(check), phone: fmt.Sprintf("13%09d", (int64(n)*7919)%1_000_000_000), openID: fmt.Sprintf("o-load-%d-%d", r.tag, i),
		street: fmt.Sprintf("文三路 %d 号", 1+i%500), doorCheckPasses: true, want: "closed",
	}
	switch i % 10 {
	case 9:
		p.blacklisted = true
	case 8:
		p.doorCheckPasses, p.want, p.recordsFalseness = false, "revoked", true
	}
	return p
}

// fanOut runs work for i in [0, total) on the run's workers, each with its
// own demo (and so its own clerk and courier), with a progress bar of unit
// (none when empty), and returns how long it took.
func (r *loadRun) fanOut(ctx context.Context, total int, unit string, work func(d *demo, i int)) time.Duration {
	var next, done atomic.Int64
	var bar *progress.Bar
	if unit != "" {
		bar = progress.New(r.out, total, "load", unit, time.Now)
	}
	var barMu sync.Mutex
	start := time.Now()
	var wg sync.WaitGroup
	for w := range r.workers {
		wg.Go(func() {
			d := r.worker(w)
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				work(d, i)
				if n := int(done.Add(1)); bar != nil {
					barMu.Lock()
					bar.Update(n)
					barMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if bar != nil {
		bar.Finish()
	}
	return time.Since(start)
}

// storyResult is how one story of the run ended.
type storyResult struct {
	i      int
	p      demoPerson
	number string
	status string
	err    error
}

// playStories runs the stories and checks what they left behind.
func (r *loadRun) playStories(ctx context.Context) error {
	results := make([]storyResult, r.stories)
	elapsed := r.fanOut(ctx, r.stories, "stories", func(d *demo, i int) {
		p := r.person(i)
		s := &demoStory{d: d, p: p}
		err := r.hooks.AddPerson(ctx, p.id, p.name)
		if err == nil && d.rival == nil {
			d.rival, err = d.signInClerk(ctx, "赵复核")
		}
		if err == nil {
			err = s.run(ctx)
		}
		results[i] = storyResult{i: i, p: p, number: s.number, status: s.status, err: err}
	})
	fmt.Fprintf(r.out, "\n%d stories in %.1f s: %.2f stories/s, %.1f requests/s\n\n", r.stories, elapsed.Seconds(),
		float64(r.stories)/elapsed.Seconds(), float64(r.stats.requests)/elapsed.Seconds())
	r.stats.report(r.out, elapsed)
	return r.check(ctx, results)
}

// check is the correctness check: every story ended as it should, and
// every case's side effects reached the parties exactly once.
func (r *loadRun) check(ctx context.Context, results []storyResult) error {
	fmt.Fprintln(r.out, "\ncorrectness check")
	var problems []string
	byFinal := map[string]int{}
	for _, res := range results {
		if res.err != nil {
			problems = append(problems, fmt.Sprintf("story %d (%s): %v", res.i, orDash(res.number), res.err))
			continue
		}
		byFinal[res.status]++
	}
	effects, err := r.hooks.Effects(ctx)
	if err != nil {
		return err
	}
	var redeliveries, provinceDups int
	for _, res := range results {
		if res.err != nil || res.number == "" {
			continue
		}
		e := effects[res.number]
		if e == nil {
			e = &app.CaseEffects{}
		}
		redeliveries += e.DepartmentRepeats
		provinceDups += e.ProvinceDuplicates
		wantCredit := 0
		if res.p.recordsFalseness {
			wantCredit = 1
		}
		if e.Licences != 1 || e.Parcels != 2 || e.CreditRecords != wantCredit {
			problems = append(problems, fmt.Sprintf("case %s: %d licences, %d parcels, %d credit records; want 1, 2, %d",
				res.number, e.Licences, e.Parcels, e.CreditRecords, wantCredit))
		}
	}
	finals := make([]string, 0, len(byFinal))
	for k, v := range byFinal {
		finals = append(finals, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(finals)
	fmt.Fprintf(r.out, "  stories ended as expected: %d of %d (%s)\n", len(results)-countErrs(results), len(results), strings.Join(finals, ", "))
	fmt.Fprintf(r.out, "  checked: each case's final state, its licence, two parcels and credit record (revoked only) once each, one clerk per claim race\n")
	fmt.Fprintf(r.out, "  redeliveries the receivers deduplicated: %d to departments, %d to the provincial platform\n", redeliveries, provinceDups)
	return r.verdict(problems)
}

// verdict prints the check's problems, the first ten of them, or that it
// found none, and fails when it found some.
func (r *loadRun) verdict(problems []string) error {
	if len(problems) == 0 {
		fmt.Fprintln(r.out, "  ✓ clean")
		return nil
	}
	sort.Strings(problems)
	for i, p := range problems {
		if i == 10 {
			fmt.Fprintf(r.out, "  … and %d more\n", len(problems)-10)
			break
		}
		fmt.Fprintf(r.out, "  ✗ %s\n", p)
	}
	return fmt.Errorf("load: correctness check found %d problems", len(problems))
}

func countErrs(results []storyResult) int {
	n := 0
	for _, r := range results {
		if r.err != nil {
			n++
		}
	}
	return n
}
