package workflow

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Run delivers until ctx is cancelled. Unlike RunOnce it does not wait for
// a batch's slowest case before claiming again: Workers goroutines take
// cases as they come, and the dispatcher claims as soon as a worker has
// nothing to do and entries may be due (a wake-up on Wake, a claim that
// came back full, or at most Interval after the last claim). While every
// worker is busy, wake-ups wait and make one claim, of up to Batch entries
// less those it still holds, when one is free. An entry
// claimed for a case a worker is on waits for that worker, so each case's
// entries still go one after another in claim order. onError is told of
// outbox failures (the loop keeps going; the database may come back). When
// ctx ends, the entries already claimed are still attempted (under the
// cancelled context, so they are recorded for a retry) before Run returns.
func (d *Dispatcher) Run(ctx context.Context, onError func(error)) {
	p := &pipeline{d: d, ctx: ctx, onError: onError,
		pending: map[string][]OutboxEntry{}, busy: map[string]bool{}, held: map[int64]bool{},
		freed: make(chan struct{}, 1)}
	p.more = sync.NewCond(&p.mu)
	var wg sync.WaitGroup
	for range d.cfg.Workers {
		wg.Go(p.work)
	}
	p.claimLoop()
	p.mu.Lock()
	p.stopping = true
	p.more.Broadcast()
	p.mu.Unlock()
	wg.Wait()
}

// pipeline is what Run holds: the claimed entries not yet delivered, by case.
type pipeline struct {
	d       *Dispatcher
	ctx     context.Context
	onError func(error)

	mu   sync.Mutex
	more *sync.Cond // a case became ready, or the pipeline stops
	// pending holds each case's claimed entries not yet started, in claim order.
	pending map[string][]OutboxEntry
	// busy marks the cases a worker is on.
	busy map[string]bool
	// ready lists the cases with pending entries and no worker, oldest first.
	ready []string
	// held marks the entries claimed and not yet finished.
	held     map[int64]bool
	stopping bool
	// freed receives when a worker took the last ready case or finished
	// one, so a worker may have nothing to do.
	freed chan struct{}
}

// claimLoop claims until ctx ends.
func (p *pipeline) claimLoop() {
	interval := p.d.cfg.Interval
	poll := time.NewTimer(interval)
	defer poll.Stop()
	want := true
	for {
		if room := p.room(); want && room > 0 {
			got, err := p.claim(room)
			if err != nil {
				p.report(err)
			}
			want = err == nil && got >= room
			poll.Reset(interval)
		}
		select {
		case <-p.ctx.Done():
			return
		case <-p.d.cfg.Wake:
			want = true
		case <-poll.C:
			want = true
		case <-p.freed:
		}
	}
}

// room is how many more entries the pipeline may claim now: none while
// every worker is busy or has a case waiting for it, otherwise up to Batch
// held in all.
func (p *pipeline) room() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ready) > 0 || len(p.busy) >= p.d.cfg.Workers {
		return 0
	}
	return p.d.cfg.Batch - len(p.held)
}

// claim claims up to limit entries and queues them behind their cases,
// returning how many the outbox gave.
func (p *pipeline) claim(limit int) (int, error) {
	entries, err := p.d.outbox.Claim(p.ctx, p.d.now(), limit, p.d.cfg.Lease)
	if err != nil {
		return 0, fmt.Errorf("claim outbox entries: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range entries {
		if p.held[e.ID] {
			continue // still waiting here from an earlier claim whose lease ran out
		}
		p.held[e.ID] = true
		if len(p.pending[e.CaseID]) == 0 && !p.busy[e.CaseID] {
			p.ready = append(p.ready, e.CaseID)
			p.more.Signal()
		}
		p.pending[e.CaseID] = append(p.pending[e.CaseID], e)
	}
	return len(entries), nil
}

// work delivers ready cases, each until it has no pending entry, until the
// pipeline stops with nothing ready.
func (p *pipeline) work() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for len(p.ready) == 0 && !p.stopping {
			p.more.Wait()
		}
		if len(p.ready) == 0 {
			return
		}
		c := p.ready[0]
		p.ready = p.ready[1:]
		p.busy[c] = true
		if len(p.ready) == 0 {
			p.signalFreed()
		}
		for len(p.pending[c]) > 0 {
			e := p.pending[c][0]
			p.pending[c] = p.pending[c][1:]
			p.mu.Unlock()
			err := p.d.deliver(p.ctx, e)
			p.mu.Lock()
			delete(p.held, e.ID)
			if err != nil {
				// The rest of the case waits for its lease to run out, so
				// its order holds.
				for _, rest := range p.pending[c] {
					delete(p.held, rest.ID)
				}
				p.pending[c] = nil
				p.mu.Unlock()
				p.report(err)
				p.mu.Lock()
			}
		}
		delete(p.pending, c)
		delete(p.busy, c)
		p.signalFreed()
	}
}

// signalFreed tells the claim loop that a worker may have nothing to do.
func (p *pipeline) signalFreed() {
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

func (p *pipeline) report(err error) {
	if p.onError != nil && p.ctx.Err() == nil {
		p.onError(err)
	}
}
