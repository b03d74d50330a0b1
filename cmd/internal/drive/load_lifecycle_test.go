package drive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/configs"
	"zerovisit/workflow"
)

// TestLoadLifecycleCommand runs `zerovisit load --mode lifecycle` as a
// person would, against a server it starts: every case goes from the
// citizen's submission to closed through the API, the report has the
// rates and every step, and the correctness check is clean.
func TestLoadLifecycleCommand(t *testing.T) {
	var out bytes.Buffer
	args := []string{"load", "--mode", "lifecycle", "--stories", "6", "--concurrency", "2", "--citizens", "3"}
	if err := run(context.Background(), args, demoTestEnv(t), &out, io.Discard); err != nil {
		t.Fatalf("load --mode lifecycle: %v\n%s", err, out.String())
	}
	for _, want := range []string{`6 lifecycles in [\d.]+ s: [\d.]+ lifecycles/s; \d+ calls, [\d.]+ calls/s`,
		`(?m)^1 submit .*\s6\s`, `(?m)^5 deliver .*\s6\s`, `(?m)^6 verify .*\s6\s`,
		`POST /api/v1/staff/cases/:id/accept\s+6\s`, `POST /api/v1/courier/scans\s+6\s`,
		`lifecycles closed as expected: 6 of 6`, `outbox: \d+ done, 0 pending, 0 dead`, `✓ clean`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("lifecycle output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestLifecycleCheckFindsACaseLeftOpen: against a real server, a case the
// clerk approved but never dispatched fails the check, which names what
// its history and the parties lack.
func TestLifecycleCheckFindsACaseLeftOpen(t *testing.T) {
	ctx := context.Background()
	srv, err := app.StartDemoServer(ctx, t.TempDir(), demoTestEnv(t), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &loadRun{out: &out, addrs: []string{"http://" + srv.DisplayAddr()}, hooks: srv.Hooks(), hc: &http.Client{Timeout: 30 * time.Second},
		cal: cal, stats: newLoadStats(), tag: rand.IntN(1_000_000), stories: 1, workers: 1, citizens: 1}
	people, err := r.signUpCitizens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	crews, err := r.signInCrews(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := &demoStory{d: r.worker(0), p: people[0].p, citizen: people[0].citizen, addressID: people[0].addressID,
		clerk: crews[0].clerk, courier: crews[0].courier}
	for _, step := range []func(context.Context) error{s.submitOrdinary, s.acceptOrdinary, s.approveOrdinary} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	results := []lifecycleResult{{caseID: s.caseID, number: s.number, status: s.status}}
	r.readHistories(ctx, crews[0].clerk, results)
	err = r.checkLifecycles(ctx, results)
	if err == nil || !strings.Contains(err.Error(), "5 problems") {
		t.Fatalf("check of an approved case = %v, want 5 problems\n%s", err, out.String())
	}
	for _, want := range []string{"approved, want closed", "0 × dispatch in its history", "0 × deliver", "0 × start_verification",
		"0 parcels, 0 licences, 0 credit records; want 1, 0, 0", "closed as expected: 0 of 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the check does not report %q:\n%s", want, out.String())
		}
	}
}

// TestLifecycleCheckFindsWhatWentWrong: the check names a case not
// closed, an event twice, an event no lifecycle has, a failed lifecycle,
// a second parcel and a dead outbox entry, and passes the clean cases,
// closed by the desk's or the timer's start of the verification.
func TestLifecycleCheckFindsWhatWentWrong(t *testing.T) {
	history := func(edit func(map[string]int)) map[string]int {
		m := map[string]int{}
		for _, ev := range lifecycleEvents {
			ev, _, _ = strings.Cut(ev, "|")
			m[ev] = 1
		}
		if edit != nil {
			edit(m)
		}
		return m
	}
	hooks := deadOutbox{fakeEffects{
		"ZV1": {Parcels: 1}, "ZV2": {Parcels: 1}, "ZV3": {Parcels: 1}, "ZV4": {Parcels: 1}, "ZV5": {Parcels: 2}, "ZV7": {Parcels: 1},
	}}
	closedByTimer := func(m map[string]int) { delete(m, "start_verification"); m["tick"] = 1 }
	results := []lifecycleResult{
		{i: 0, number: "ZV1", status: "closed", events: history(nil)},
		{i: 1, number: "ZV2", status: "verifying", events: history(func(m map[string]int) { delete(m, "start_verification") })},
		{i: 2, number: "ZV3", status: "closed", events: history(func(m map[string]int) { m["accept"] = 2 })},
		{i: 3, number: "ZV4", status: "closed", events: history(func(m map[string]int) { m["delivery_failed"] = 1 })},
		{i: 4, number: "ZV5", status: "closed", events: history(nil)},
		{i: 5, number: "ZV6", err: errors.New("4 dispatch (clerk): 503")},
		{i: 6, number: "ZV7", status: "closed", events: history(closedByTimer)},
	}
	var out bytes.Buffer
	r := &loadRun{out: &out, hooks: hooks}
	err := r.checkLifecycles(context.Background(), results)
	if err == nil || !strings.Contains(err.Error(), "7 problems") {
		t.Fatalf("check = %v, want 7 problems\n%s", err, out.String())
	}
	for _, want := range []string{"lifecycle 1 (ZV2): verifying, want closed", "lifecycle 1 (ZV2): 0 × start_verification|tick",
		"lifecycle 2 (ZV3): 2 × accept in its history, want 1", "lifecycle 3 (ZV4): 1 × delivery_failed in its history, want none",
		"lifecycle 4 (ZV5): 2 parcels", "lifecycle 5 (ZV6): 4 dispatch (clerk): 503", "outbox: 1 dead entries",
		"closed as expected: 2 of 7"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the check does not report %q:\n%s", want, out.String())
		}
	}
	for _, clean := range []string{"ZV1", "ZV7"} {
		if strings.Contains(out.String(), clean) {
			t.Errorf("the check reports %s, which is as it should be:\n%s", clean, out.String())
		}
	}
}

// deadOutbox are sandbox effects a test sets, over a database with one
// dead outbox entry.
type deadOutbox struct{ fakeEffects }

func (deadOutbox) Outbox(context.Context) (map[workflow.OutboxState]int64, error) {
	return map[workflow.OutboxState]int64{workflow.OutboxDone: 10, workflow.OutboxDead: 1}, nil
}
