package models

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"zerovisit/workflow"
)

// seedOutcome is where a generated case is meant to stop. The timers may
// take it elsewhere (a correction never supplied withdraws it), and the
// report counts where it really ended.
type seedOutcome int

const (
	outDraft seedOutcome = iota
	outSubmitted
	outAccepted
	outSupplement
	outApproved
	outDelivering
	outVerifying
	outClosed
	outRejected
	outWithdrawn
	outRevoked
)

// Outcome weights for cases opened in the last recentDays (many still in
// progress) and for older ones (nearly all finished; a few long overdue).
var (
	recentMix = []float64{outDraft: 3, outSubmitted: 6, outAccepted: 12, outSupplement: 6, outApproved: 4,
		outDelivering: 4, outVerifying: 5, outClosed: 38, outRejected: 8, outWithdrawn: 8, outRevoked: 3}
	oldMix = []float64{outDraft: 1, outSubmitted: 0.1, outAccepted: 0.4, outSupplement: 0, outApproved: 0.2,
		outDelivering: 0.1, outVerifying: 0.4, outClosed: 75, outRejected: 9, outWithdrawn: 9, outRevoked: 3}
)

const recentDays = 30

// errSeedStop ends a scenario early: the timers or the end of the history
// got there first. It is not a failure.
var errSeedStop = errors.New("scenario stopped")

// caseGen generates cases with one random source (one per day, see Seeder.day).
type caseGen struct {
	s          *Seeder
	rng        *rand.Rand
	end        time.Time
	applicants int
}

// run is one case being driven through the engine.
type run struct {
	g      *caseGen
	c      workflow.Case
	events []workflow.EventRecord
	at     time.Time
}

func (g *caseGen) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *caseGen) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)+1))
}

// id returns a random (version 4) UUID, the form the service gives cases,
// drawn from the generator's source so a seed repeats.
func (g *caseGen) id() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], g.rng.Uint64())
	binary.LittleEndian.PutUint64(b[8:], g.rng.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

// generate drives one case opened on day from draft to its outcome.
func (g *caseGen) generate(number string, day workflow.Date) (SeedCase, error) {
	it := g.s.items[g.rng.IntN(len(g.s.items))]
	applicant := fmt.Sprintf("seed-a%07d", g.rng.IntN(g.applicants))
	created := day.Start().Add(8*time.Hour + g.between(0, 12*time.Hour))
	if created.After(g.end) {
		created = g.end.Add(-g.between(time.Minute, time.Hour))
	}
	mix := oldMix
	if g.end.Sub(created) < recentDays*24*time.Hour {
		mix = recentMix
	}
	want := seedOutcome(g.pick(mix))
	counter := g.rng.IntN(10) == 0
	channel, actor := workflow.ChannelWeChat, workflow.Actor{Kind: workflow.ActorCitizen, ID: applicant}
	switch {
	case counter:
		channel, actor = workflow.ChannelCounter, g.clerk(it)
	case g.rng.IntN(3) == 0:
		channel = workflow.ChannelAlipay
	}
	c, rec, err := g.s.engine.New(workflow.Draft{ID: g.id(), Number: number, ItemCode: it.Code,
		ApplicantID: applicant, Channel: channel, Actor: actor, At: created})
	if err != nil {
		return SeedCase{}, err
	}
	r := &run{g: g, c: c, events: []workflow.EventRecord{rec}, at: created}
	if err := r.play(it, want, actor); err != nil && !errors.Is(err, errSeedStop) {
		return SeedCase{}, err
	}
	// The timers have run up to the end of the history.
	if err := r.timers(g.end); err != nil && !errors.Is(err, errSeedStop) {
		return SeedCase{}, err
	}
	return SeedCase{Case: r.c, Events: r.events}, nil
}

func (g *caseGen) clerk(it workflow.Item) workflow.Actor {
	return workflow.Actor{Kind: workflow.ActorClerk, ID: fmt.Sprintf("seed-clerk-%s-%d", it.Department, g.rng.IntN(8))}
}

func (g *caseGen) courier() workflow.Actor {
	return workflow.Actor{Kind: workflow.ActorCourier, ID: fmt.Sprintf("seed-courier-%d", g.rng.IntN(40))}
}

var seedSystem = workflow.Actor{Kind: workflow.ActorSystem, ID: "timer"}

// timers ticks the case at each timer that falls due up to t, as the
// timer worker would have, and stops the scenario if that ends it or
// moves it.
func (r *run) timers(t time.Time) error {
	from := r.c.Status
	for i := 0; i < 8 && !r.c.Status.Terminal() && !r.c.NextTimerAt.IsZero() && !r.c.NextTimerAt.After(t); i++ {
		at := r.c.NextTimerAt
		if at.Before(r.c.UpdatedAt) {
			at = r.c.UpdatedAt
		}
		err := r.apply(workflow.Tick{Meta: workflow.Meta{Actor: seedSystem, At: at}})
		if errors.Is(err, workflow.ErrNotDue) {
			break
		}
		if err != nil {
			return err
		}
	}
	if r.c.Status != from {
		return errSeedStop
	}
	return nil
}

// apply applies ev to the case and keeps its record.
func (r *run) apply(ev workflow.Event) error {
	next, rec, _, err := r.g.s.engine.Apply(r.c, ev)
	if err != nil {
		return err
	}
	r.c, r.events = next, append(r.events, rec)
	return nil
}

// step waits d, runs the timers due meanwhile, then applies the event
// build makes for that moment. It stops the scenario at the end of the
// history or when a timer moved the case.
func (r *run) step(d time.Duration, build func(workflow.Meta) workflow.Event, actor workflow.Actor) error {
	at := r.at.Add(d)
	if at.After(r.g.end) {
		return errSeedStop
	}
	if err := r.timers(at); err != nil {
		return err
	}
	if at.Before(r.c.UpdatedAt) {
		at = r.c.UpdatedAt
	}
	r.at = at
	return r.apply(build(workflow.Meta{Actor: actor, At: at}))
}
