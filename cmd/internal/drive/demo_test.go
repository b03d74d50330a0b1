package drive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/cli"
	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/configs"
	"zerovisit/workflow"
)

// demoTestEnv is the environment the demo's own server gets in tests.
var demoTestEnv = cmdtest.DemoEnv

// run runs a command of the package as a person would.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return cli.Dispatch(ctx, "zerovisit", Commands(), cli.Env{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr, Version: "test"})
}

// TestMain runs the package's tests from a scratch folder.
func TestMain(m *testing.M) { cmdtest.RunInScratchDir(m) }

var demoOutcome = regexp.MustCompile(`(?m)^  ([✓✗]) (\S+ \S+?)：.*办件 ((?:ZV|[0-9A-Z]{31})\d+)\s+最终状态 final state: (\w+)`)

// TestDemo runs `zerovisit demo` as a person would: it exits 0, prints the
// timeline of the four stories, and each ends in its expected state.
func TestDemo(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"demo"}, demoTestEnv(t), &out, &errs); err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, out.String(), errs.String())
	}
	got := map[string]string{}
	for _, m := range demoOutcome.FindAllStringSubmatch(out.String(), -1) {
		if m[1] != "✓" {
			t.Errorf("story %s is marked failed", m[2])
		}
		got[m[2]] = m[4]
	}
	want := map[string]string{"一 张三": "closed", "二 李娜": "revoked", "三 王五": "closed", "四 欧阳娜娜": "closed"}
	if len(got) != len(want) {
		t.Fatalf("outcome lines = %v, want %v\n%s", got, want, out.String())
	}
	for who, state := range want {
		if got[who] != state {
			t.Errorf("story %s ended %q, want %q", who, got[who], state)
		}
	}
	for _, line := range []string{"logs in through WeChat", "pre-filled: sfz←basedata jsz←elicense", "path trust_first", "path credit_black",
		"pays with WeChat Pay", "collects originals", "approves", "licence issued 1.2.156.3005.2.JSZ.", "door check passed",
		"door check failed", "reviews the door evidence", "orders rectification within 5 working days",
		"states the case: cannot rectify", "revokes the decision, finds the commitment false",
		"states the case with the right original", "finds it rectified: the case closes",
		"false commitment recorded", "evaluates: 5 stars", "已用工作日 0"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("the timeline lacks %q", line)
		}
	}
	for _, clear := range []string{"330106198503121231", "13912345678", "文三路"} {
		if strings.Contains(out.String(), clear) {
			t.Errorf("the timeline shows %q in clear", clear)
		}
	}
}

// TestDemoFailsWhenAStoryGoesWrong: a story that does not end as it should
// makes the demo fail, naming it, and the cases are in the states the
// timeline reported, in the store. Here the courier passes the second
// applicant's originals at the door, so her case closes instead of being
// revoked.
func TestDemoFailsWhenAStoryGoesWrong(t *testing.T) {
	ctx := context.Background()
	srv, err := app.StartDemoServer(ctx, t.TempDir(), demoTestEnv(t), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	people := demoPeople()
	people[1].doorCheckPasses = true
	var out bytes.Buffer
	d := &demo{out: &out, hc: http.DefaultClient, base: "http://" + srv.DisplayAddr(), hooks: srv.Hooks(), cal: cal, people: people}
	err = d.play(ctx)
	if err == nil || !strings.Contains(err.Error(), "二 李娜") || !strings.Contains(err.Error(), "ended closed, want revoked") {
		t.Fatalf("demo with the second door check passed = %v, want story two named as ending closed\n%s", err, out.String())
	}
	if strings.Contains(err.Error(), "一 张三") || strings.Contains(err.Error(), "三 王五") || strings.Contains(err.Error(), "四 欧阳娜娜") {
		t.Errorf("the failure names stories that ended as they should: %v", err)
	}
	want := []workflow.Status{workflow.StatusClosed, workflow.StatusClosed, workflow.StatusClosed, workflow.StatusClosed}
	if len(d.results) != len(want) {
		t.Fatalf("%d stories played, want %d", len(d.results), len(want))
	}
	for i, r := range d.results {
		status, err := srv.CaseStatus(ctx, r.number)
		if err != nil {
			t.Fatalf("case %s: %v", r.number, err)
		}
		if status != want[i] || string(status) != r.status {
			t.Errorf("story %d: case %s is %s in the store and %s in the timeline, want %s", i+1, r.number, status, r.status, want[i])
		}
	}
	effects, err := srv.Hooks().Effects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for number, e := range effects {
		if e.CreditRecords != 0 {
			t.Errorf("case %s has %d credit records, want none: no check failed", number, e.CreditRecords)
		}
	}
	if !strings.Contains(out.String(), "✗ 二 李娜") {
		t.Errorf("the outcome does not mark story two failed:\n%s", out.String())
	}
}

// TestDemoAgainstAnotherServer: with --addr the demo cannot reach the
// other process's sandboxes, says so and fails; an address that does not
// answer fails too.
func TestDemoAgainstAnotherServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"demo", "--addr", srv.URL}, func(string) string { return "" }, &out, io.Discard)
	if !errors.Is(err, app.ErrNoSandboxHooks) {
		t.Errorf("demo --addr against a live server = %v, want ErrNoSandboxHooks", err)
	}
	if !strings.Contains(out.String(), srv.URL) {
		t.Errorf("output %q does not name the server", out.String())
	}
	srv.Close()
	if err := run(context.Background(), []string{"demo", "--addr", srv.URL}, func(string) string { return "" }, io.Discard, io.Discard); err == nil || errors.Is(err, app.ErrNoSandboxHooks) {
		t.Errorf("demo --addr against a closed server = %v, want a connection error", err)
	}
}
