package app

import (
	"context"
	"time"

	"zerovisit/models"
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
			now := time.Now()
			n, err := files.Sweep(ctx, a.blobs, a.repo, now, a.cfg.BlobRetention)
			if err != nil && ctx.Err() == nil {
				a.log.Warn("blob sweep", "err", err)
			} else if n > 0 {
				a.log.Info("deleted unreferenced files", "count", n, "older_than", a.cfg.BlobRetention.String())
			}
			a.purgeScanRecords(ctx, now)
			select {
			case <-ctx.Done():
				return
			case <-time.After(a.cfg.BlobSweepInterval):
			}
		}
	})
}

// purgeScanRecords forgets the records of counter scans older than both
// the blob retention (an intake naming one is long done, or its file is
// gone) and the scan quota's window (it no longer counts).
func (a *App) purgeScanRecords(ctx context.Context, now time.Time) {
	keep := max(a.cfg.BlobRetention, a.cfg.Staff.Scans.Window)
	n, err := models.NewStaffStore(a.db).PurgeScans(ctx, now.Add(-keep))
	if err != nil && ctx.Err() == nil {
		a.log.Warn("purge scan records", "err", err)
	} else if n > 0 {
		a.log.Info("purged scan records", "count", n, "older_than", keep.String())
	}
}
