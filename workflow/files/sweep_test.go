package files_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zerovisit/workflow/files"
)

// aged is a store of keys with the times they were written.
type aged map[string]time.Time

func (a aged) Older(_ context.Context, t time.Time, batch int, fn func([]string) error) error {
	var keys []string
	for k, at := range a {
		if at.Before(t) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for len(keys) > 0 {
		n := min(batch, len(keys))
		if err := fn(keys[:n]); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

func (a aged) Delete(_ context.Context, k string, t time.Time) (bool, error) {
	if at, ok := a[k]; !ok || !at.Before(t) {
		return false, nil
	}
	delete(a, k)
	return true, nil
}

func (a aged) Touch(_ context.Context, k string) error { a[k] = time.Now(); return nil }

type refs map[string]bool

func (r refs) Referenced(_ context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = r[k]
	}
	return out, nil
}

// TestSweepDeletesOnlyOldUnreferenced: old unreferenced files go; new ones
// and referenced ones stay, and referenced ones are touched.
func TestSweepDeletesOnlyOldUnreferenced(t *testing.T) {
	now := time.Now()
	old, young := now.Add(-40*24*time.Hour), now.Add(-time.Hour)
	store := aged{"old-free": old, "old-used": old, "young-free": young}
	n, err := files.Sweep(context.Background(), store, refs{"old-used": true}, now, 30*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v, want 1 deleted", n, err)
	}
	if _, ok := store["old-free"]; ok {
		t.Error("an old unreferenced file was kept")
	}
	if at, ok := store["old-used"]; !ok || !at.After(old) {
		t.Errorf("a referenced file was deleted or not touched: %v %v", ok, at)
	}
	if _, ok := store["young-free"]; !ok {
		t.Error("a file younger than the retention was deleted")
	}
}
