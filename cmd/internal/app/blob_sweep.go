package app

import (
	"context"
	"time"

	"zerovisit/workflow/files"
)

// startBlobSweep deletes, every ZEROVISIT_BLOB_SWEEP_INTERVAL, the stored
// files no case refers to once they are older than ZEROVISIT_BLOB_RETENTION
// (files.Sweep). Every replica may run it: a file is deleted only while
// unreferenced and old, whoever gets there first.
func (a *App) startBlobSweep(ctx context.Context) {
	if a.blobs == nil {
		return
	}
	a.workers.Go(func() {
		for {
			n, err := files.Sweep(ctx, a.blobs, a.repo, time.Now(), a.cfg.BlobRetention)
			if err != nil && ctx.Err() == nil {
				a.log.Warn("blob sweep", "err", err)
			} else if n > 0 {
				a.log.Info("deleted unreferenced files", "count", n, "older_than", a.cfg.BlobRetention.String())
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(a.cfg.BlobSweepInterval):
			}
		}
	})
}
