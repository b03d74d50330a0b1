package app

import (
	"context"
	"time"

	"zerovisit/models"
	"zerovisit/workflow"
)

// timerBatch is how many due cases one timer pass ticks before looking again.
const timerBatch = 200

// idempotencyRetention is how long a stored answer to an Idempotency-Key is
// replayed; clients retry within minutes, so a week is generous.
const idempotencyRetention = 7 * 24 * time.Hour

// startWorkers runs the outbox dispatcher and the timers until ctx ends.
// Every replica runs them: claims are leased and timer transitions are
// version-checked, so replicas never do one piece of work twice.
func (a *App) startWorkers(ctx context.Context) {
	w := a.cfg.Workers
	disp := workflow.NewDispatcher(a.repo, a.effects, workflow.DispatcherConfig{
		Batch:       w.OutboxBatch,
		Lease:       w.OutboxLease,
		Interval:    w.OutboxInterval,
		MaxAttempts: w.OutboxMaxAttempts,
		BaseDelay:   w.OutboxBaseDelay,
		MaxDelay:    w.OutboxMaxDelay,
		CallTimeout: w.OutboxLease / 3,
		Wake:        a.wakeup.C(),
		Workers:     w.OutboxWorkers,
	}, time.Now, a.metrics.ObserveDispatch)

	a.workers.Go(func() {
		disp.Run(ctx, func(err error) { a.log.Error("outbox dispatcher", "err", err) })
	})
	if a.signal != nil {
		a.workers.Go(func() {
			a.signal.Listen(ctx, a.wakeup, func(err error) { a.log.Warn("outbox listener, polling meanwhile", "err", err) })
		})
	}
	a.workers.Go(func() { a.runTimers(ctx) })
	a.workers.Go(func() { a.runAuditCheckpoints(ctx) })
}

// wakeOnEffects makes the service wake this replica's dispatcher after every
// change with effects and, on PostgreSQL unless
// ZEROVISIT_WORKER_OUTBOX_LISTEN is off, announce it to the other replicas.
func (a *App) wakeOnEffects(ctx context.Context) error {
	a.wakeup = workflow.NewWakeup()
	wakers := workflow.Wakers{a.wakeup}
	if a.db.Dialect() == models.DialectPostgres && a.cfg.Workers.OutboxListen {
		signal, err := models.NewOutboxSignal(ctx, a.db)
		if err != nil {
			return err
		}
		a.signal = signal
		wakers = append(wakers, signal)
	}
	a.svc.WakeOnEffects(wakers)
	return nil
}

// startAnnouncing sends this replica's announcements until ctx ends. Every
// replica announces, workers or not: one that only serves HTTP relies on
// the others' dispatchers.
func (a *App) startAnnouncing(ctx context.Context) {
	if a.signal == nil {
		return
	}
	a.workers.Go(func() {
		a.signal.Announce(ctx, func(err error) { a.log.Warn("announce outbox entries", "err", err) })
	})
}

// runTimers ticks due cases every TimerInterval, going straight on while
// batches come back full, and clears expired idempotency records hourly.
func (a *App) runTimers(ctx context.Context) {
	var lastSweep time.Time
	for {
		for {
			n, err := a.svc.RunTimers(ctx, timerBatch)
			if err != nil && ctx.Err() == nil {
				a.log.Error("timers", "err", err)
			}
			if n < timerBatch || err != nil {
				break
			}
		}
		if time.Since(lastSweep) > time.Hour {
			lastSweep = time.Now()
			if n, err := a.repo.DeleteExpiredIdempotency(ctx, lastSweep.Add(-idempotencyRetention)); err != nil && ctx.Err() == nil {
				a.log.Error("expire idempotency records", "err", err)
			} else if n > 0 {
				a.log.Info("expired idempotency records", "count", n)
			}
			a.purgeOutbox(ctx, lastSweep)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.cfg.Workers.TimerInterval):
		}
	}
}

// Lifetimes of the tokens citizens, staff and couriers hold.
const (
	accessTokenTTL  = 15 * time.Minute
	refreshTokenTTL = 30 * 24 * time.Hour
)

// startAreaWorkers starts the background work of the citizen, staff and
// courier areas (each in its own wire_*.go).
func (a *App) startAreaWorkers(ctx context.Context) {
	a.startCitizenWorkers(ctx)
	a.startStaffWorkers(ctx)
	a.startCourierWorkers(ctx)
	a.startBlobSweep(ctx)
	a.startRevocationPurge(ctx)
}

// purgeOutbox deletes the effects delivered longer ago than the retention
// (ZEROVISIT_WORKER_OUTBOX_RETENTION), so the outbox does not grow with
// every case ever handled, and returns how many went.
func (a *App) purgeOutbox(ctx context.Context, now time.Time) int64 {
	keep := a.cfg.Workers.OutboxRetention
	if keep <= 0 {
		return 0
	}
	n, err := a.repo.PurgeDone(ctx, now.Add(-keep))
	if err != nil && ctx.Err() == nil {
		a.log.Error("purge delivered outbox entries", "err", err)
	} else if n > 0 {
		a.log.Info("purged delivered outbox entries", "count", n, "older_than", keep.String())
	}
	return n
}
