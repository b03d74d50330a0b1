package drive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/workflow"
)

// lifecycleItem is the item the lifecycle mode applies for: 户籍证明开具,
// which is not trust first, so a clerk accepts it; it has no fee and its
// result goes out by courier. With nothing to check on completion, its
// verification closes the case as soon as it is delivered.
const lifecycleItem = "gaj-hjzmkj"

// lifecycleEvents are the workflow events a lifecycle leaves in its case's
// history, each exactly once (a|b: one of them): the citizen's draft and
// submission, the clerk's acceptance, approval and dispatch, the courier's
// delivery and the verification on completion that closes the case, which
// the courier desk starts on the delivery, or the timer when it comes first.
var lifecycleEvents = []string{"create", "submit", "accept", "approve", "dispatch", "deliver", "start_verification|tick"}

// lifecycleCrew is a clerk and a courier signed in for one worker, and
// where the courier's page stood when the run began.
type lifecycleCrew struct {
	clerk, courier *demoClient
	legsSeen       string
}

// lifecycleResult is how one lifecycle ended, and what its case's history
// holds (read after the run).
type lifecycleResult struct {
	i      int
	caseID string
	number string
	status string
	events map[string]int
	err    error
}

// lifecycles drives whole cases through the API: citizens sign up and
// clerks and couriers sign in first (not measured), then each lifecycle
// is a case created and submitted by a citizen, accepted, approved and
// dispatched by a clerk, delivered by a courier, and closed by its
// verification on completion, which the clerk sees. It reports
// lifecycles/s, calls/s and latencies per step and per endpoint, and ends
// with the correctness check.
func (r *loadRun) lifecycles(ctx context.Context) error {
	people, err := r.signUpCitizens(ctx)
	if err != nil {
		return err
	}
	crews, err := r.signInCrews(ctx)
	if err != nil {
		return err
	}
	r.stats = newLoadStats()
	for _, s := range people {
		s.citizen.stats = r.stats
	}
	for _, c := range crews {
		c.clerk.stats, c.courier.stats = r.stats, r.stats
	}
	steps := newLoadStats()
	results := make([]lifecycleResult, r.stories)
	var taken atomic.Int64
	elapsed := r.fanOut(ctx, r.stories, "lifecycles", func(d *demo, i int) {
		if d.clerk == nil {
			c := crews[taken.Add(1)-1]
			d.clerk, d.courier, d.legsSeen = c.clerk, c.courier, c.legsSeen
		}
		results[i] = r.lifecycle(ctx, d, people[i%len(people)], steps)
		results[i].i = i
	})
	r.reportLifecycles(elapsed, steps)
	r.readHistories(ctx, crews[0].clerk, results)
	return r.checkLifecycles(ctx, results)
}

// signInCrews opens a clerk's and a courier's account for every worker,
// signs them in and has the courier page through the legs already open
// (not measured), as a courier starting a shift would.
func (r *loadRun) signInCrews(ctx context.Context) ([]lifecycleCrew, error) {
	crews := make([]lifecycleCrew, r.workers)
	errs := make([]error, r.workers)
	r.fanOut(ctx, r.workers, "", func(d *demo, i int) {
		s := &demoStory{d: d}
		if errs[i] = s.staffArrive(ctx); errs[i] == nil {
			crews[i] = lifecycleCrew{clerk: d.clerk, courier: d.courier}
			crews[i].legsSeen, errs[i] = lastLeg(ctx, d.courier)
			d.clerk, d.courier = nil, nil
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load: sign in clerks and couriers: %w", err)
	}
	return crews, nil
}

// lastLeg is the cursor of the last page of a courier's legs, "" when
// they fit on the first.
func lastLeg(ctx context.Context, courier *demoClient) (string, error) {
	last, cursor := "", ""
	for {
		var page struct {
			Items      []struct{ ID string } `json:"items"`
			NextCursor string                `json:"next_cursor"`
		}
		if err := courier.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/courier/legs?limit=100&cursor="+cursor, nil, &page); err != nil {
			return "", err
		}
		if n := len(page.Items); n > 0 {
			last = cursor
		}
		if page.NextCursor == "" {
			return last, nil
		}
		cursor = page.NextCursor
	}
}

// lifecycle is one case from submission to closed, by citizen, clerk and
// courier, each step timed into steps.
func (r *loadRun) lifecycle(ctx context.Context, d *demo, citizen *demoStory, steps *loadStats) lifecycleResult {
	s := &demoStory{d: d, p: citizen.p, citizen: citizen.citizen, addressID: citizen.addressID, clerk: d.clerk, courier: d.courier}
	for _, st := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"1 submit (citizen: draft, upload, delivery, submission)", s.submitOrdinary},
		{"2 accept (clerk: claim, accept)", s.acceptOrdinary},
		{"3 approve (clerk)", s.approveOrdinary},
		{"4 dispatch (clerk)", s.dispatch},
		{"5 deliver (courier: waybill, route pushes, scan)", s.deliver},
		{"6 verify (clerk: the case closed)", s.seeClosed},
	} {
		start := time.Now()
		if err := st.run(ctx); err != nil {
			return lifecycleResult{caseID: s.caseID, number: s.number, status: s.status, err: fmt.Errorf("%s: %w", st.name, err)}
		}
		steps.time(st.name, time.Since(start))
	}
	return lifecycleResult{caseID: s.caseID, number: s.number, status: s.status}
}

// submitOrdinary: the citizen applies for the lifecycle's item, which
// takes the ordinary path and waits for a clerk.
func (s *demoStory) submitOrdinary(ctx context.Context) error {
	cs, err := applyOnce(ctx, s, lifecycleItem, nil)
	s.caseID, s.number, s.status = cs.ID, cs.Number, cs.Status
	if err == nil && cs.Status != "submitted" {
		err = fmt.Errorf("submit %s: %s, want submitted on the ordinary path: %w", cs.ID, cs.Status, errDemoStep)
	}
	return err
}

// acceptOrdinary: the clerk claims the application and accepts it.
func (s *demoStory) acceptOrdinary(ctx context.Context) error {
	if err := s.claim(ctx); err != nil {
		return err
	}
	return s.staffAct(ctx, "accept", map[string]string{"note": "材料齐全，予以受理"}, "accepted", "受理 / accepts")
}

// approveOrdinary: the clerk, who holds the claim, approves.
func (s *demoStory) approveOrdinary(ctx context.Context) error {
	return s.staffAct(ctx, "approve", map[string]string{"opinion": "准予出具"}, "approved", "审批通过 / approves")
}

// seeClosed: the clerk finds the case closed by its verification on
// completion (at once after the delivery, or by the courier sweep).
func (s *demoStory) seeClosed(ctx context.Context) error {
	err := poll(ctx, time.Minute, "case "+s.number+" closed", func() (bool, error) {
		var cs staffCase
		if err := s.clerk.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/staff/cases/"+s.caseID, nil, &cs); err != nil {
			return false, err
		}
		s.status = cs.Status
		return cs.Status != "delivering" && cs.Status != "delivered" && cs.Status != "verifying", nil
	})
	if err == nil && s.status != "closed" {
		err = fmt.Errorf("case %s ended %s, want closed: %w", s.number, s.status, errDemoStep)
	}
	return err
}

// reportLifecycles prints the run's rates, its latencies per step and per
// endpoint.
func (r *loadRun) reportLifecycles(elapsed time.Duration, steps *loadStats) {
	all := r.stats.summary("")
	writes := r.stats.summary("POST ", "PUT ")
	fmt.Fprintf(r.out, "\n%d lifecycles in %.1f s: %.2f lifecycles/s; %d calls, %.1f calls/s (%d state-changing, %.1f/s), p50 %s p95 %s p99 %s\n\n",
		r.stories, elapsed.Seconds(), float64(r.stories)/elapsed.Seconds(), all.TotalCount(), float64(all.TotalCount())/elapsed.Seconds(),
		writes.TotalCount(), float64(writes.TotalCount())/elapsed.Seconds(), ms(percentile(all, 50)), ms(percentile(all, 95)), ms(percentile(all, 99)))
	steps.table(r.out, elapsed, "step (each lifecycle)", "steps", "steps/s")
	fmt.Fprintln(r.out)
	r.stats.report(r.out, elapsed)
}

// readHistories reads, as a clerk, the history of every case the run
// made (not measured).
func (r *loadRun) readHistories(ctx context.Context, clerk *demoClient, results []lifecycleResult) {
	clerk.stats = nil
	r.fanOut(ctx, len(results), "", func(_ *demo, i int) {
		res := &results[i]
		if res.caseID == "" {
			return
		}
		var tl struct {
			Items []struct {
				Kind string `json:"kind"`
				Name string `json:"name"`
			} `json:"items"`
		}
		if err := clerk.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/staff/cases/"+res.caseID+"/timeline", nil, &tl); err != nil {
			res.err = errors.Join(res.err, fmt.Errorf("read the history: %w", err))
			return
		}
		res.events = map[string]int{}
		for _, e := range tl.Items {
			if e.Kind == "event" {
				res.events[e.Name]++
			}
		}
	})
}

// checkLifecycles is the lifecycle mode's correctness check: every case
// closed, its history holding each of the lifecycle's events exactly once
// and nothing else, its one parcel ordered once and no licence or credit
// record; and no outbox entry of the database dead.
func (r *loadRun) checkLifecycles(ctx context.Context, results []lifecycleResult) error {
	fmt.Fprintln(r.out, "\ncorrectness check")
	effects, err := r.hooks.Effects(ctx)
	if err != nil {
		return err
	}
	var problems []string
	closed := 0
	for _, res := range results {
		p := lifecycleProblems(res, effects[res.number])
		if len(p) == 0 {
			closed++
		}
		problems = append(problems, p...)
	}
	counts, err := r.settledOutbox(ctx)
	if err != nil {
		return err
	}
	if n := counts[workflow.OutboxDead]; n > 0 {
		problems = append(problems, fmt.Sprintf("outbox: %d dead entries", n))
	}
	fmt.Fprintf(r.out, "  lifecycles closed as expected: %d of %d\n", closed, len(results))
	fmt.Fprintf(r.out, "  checked: each case closed, its history %v once each and nothing else, one parcel, no licence, no credit record\n", lifecycleEvents)
	fmt.Fprintf(r.out, "  outbox: %d done, %d pending, %d dead\n", counts[workflow.OutboxDone], counts[workflow.OutboxPending], counts[workflow.OutboxDead])
	return r.verdict(problems)
}

// lifecycleProblems are what is wrong with one lifecycle's case, given
// what the parties received for it (nil: nothing).
func lifecycleProblems(res lifecycleResult, e *app.CaseEffects) []string {
	name := fmt.Sprintf("lifecycle %d (%s)", res.i, orDash(res.number))
	if res.err != nil {
		return []string{fmt.Sprintf("%s: %v", name, res.err)}
	}
	var out []string
	if res.status != "closed" {
		out = append(out, fmt.Sprintf("%s: %s, want closed", name, orDash(res.status)))
	}
	for _, step := range lifecycleEvents {
		n := 0
		for _, ev := range strings.Split(step, "|") {
			n += res.events[ev]
		}
		if n != 1 {
			out = append(out, fmt.Sprintf("%s: %d × %s in its history, want 1", name, n, step))
		}
	}
	known := strings.Split(strings.Join(lifecycleEvents, "|"), "|")
	for ev, n := range res.events {
		if !slices.Contains(known, ev) {
			out = append(out, fmt.Sprintf("%s: %d × %s in its history, want none", name, n, ev))
		}
	}
	if e == nil {
		e = &app.CaseEffects{}
	}
	if e.Parcels != 1 || e.Licences != 0 || e.CreditRecords != 0 {
		out = append(out, fmt.Sprintf("%s: %d parcels, %d licences, %d credit records; want 1, 0, 0", name, e.Parcels, e.Licences, e.CreditRecords))
	}
	return out
}

// settledOutbox counts the outbox by state once nothing is pending, or
// as it is after 30 s: the run's last effects may still be on their way.
func (r *loadRun) settledOutbox(ctx context.Context) (map[workflow.OutboxState]int64, error) {
	var counts map[workflow.OutboxState]int64
	var failed error
	_ = poll(ctx, 30*time.Second, "the outbox", func() (bool, error) {
		counts, failed = r.hooks.Outbox(ctx)
		return failed == nil && counts[workflow.OutboxPending] == 0, failed
	})
	return counts, failed
}
