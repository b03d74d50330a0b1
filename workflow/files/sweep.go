package files

import (
	"context"
	"fmt"
	"time"
)

// Collectable is a Store whose old objects can be listed and deleted
// (models/blob).
type Collectable interface {
	// Older calls fn with batches of up to batch keys of the objects
	// stored (or last touched) before t.
	Older(ctx context.Context, t time.Time, batch int, fn func(keys []string) error) error
	// Delete removes the object unless it was stored or touched at t or
	// later (kept again meanwhile); it reports whether it removed it.
	Delete(ctx context.Context, key string, t time.Time) (bool, error)
	// Touch marks the object as stored now.
	Touch(ctx context.Context, key string) error
}

// References says which of keys a case refers to: a material handed in, a
// draft's upload, a door photo (the stores).
type References interface {
	Referenced(ctx context.Context, keys []string) (map[string]bool, error)
}

// SweepBatch is how many keys one look-up of references asks about.
const SweepBatch = 500

// Sweep deletes the objects older than the retention that no case refers
// to: superseded and abandoned uploads, unused scans and photos. One that
// a case refers to is never deleted; it is touched instead, so it is
// asked about again only a retention later. It returns how many went.
func Sweep(ctx context.Context, store Collectable, refs References, now time.Time, retention time.Duration) (int, error) {
	before := now.Add(-retention)
	deleted := 0
	err := store.Older(ctx, before, SweepBatch, func(keys []string) error {
		used, err := refs.Referenced(ctx, keys)
		if err != nil {
			return fmt.Errorf("references of %d files: %w", len(keys), err)
		}
		for _, k := range keys {
			if used[k] {
				if err := store.Touch(ctx, k); err != nil {
					return err
				}
				continue
			}
			ok, err := store.Delete(ctx, k, before)
			if err != nil {
				return err
			}
			if ok {
				deleted++
			}
		}
		return nil
	})
	return deleted, err
}
