package app

import (
	"context"
	"time"
)

// startRevocationPurge deletes, every ZEROVISIT_WORKER_REVOCATION_PURGE_INTERVAL,
// the token revocations that refuse nothing any more (Revocations.PurgeExpired):
// a login forgets its subject's, this the rest. Every replica may run it.
func (a *App) startRevocationPurge(ctx context.Context) {
	if a.revocations == nil {
		return
	}
	a.workers.Go(func() {
		for {
			n, err := a.revocations.PurgeExpired(ctx, refreshTokenTTL)
			if err != nil && ctx.Err() == nil {
				a.log.Warn("purge expired revocations", "err", err)
			} else if n > 0 {
				a.log.Info("purged expired revocations", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(a.cfg.Workers.RevocationPurgeInterval):
			}
		}
	})
}
