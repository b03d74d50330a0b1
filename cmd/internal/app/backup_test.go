package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/workflow"
)

// TestBackupDuringLoad backs the embedded store up while cases are being
// written, restores the copy, and finds every case acknowledged before the
// backup began, with an intact audit trail.
func TestBackupDuringLoad(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "data", "zv.db")
	app := openTestApp(t, nil, map[string]string{"ZEROVISIT_DATABASE_URL": dbPath})
	ctx := context.Background()

	var (
		mu    sync.Mutex
		acked []string
		stop  atomic.Bool
		wg    sync.WaitGroup
		seq   atomic.Int64
	)
	for w := range 4 {
		wg.Go(func() {
			for !stop.Load() {
				id := fmt.Sprintf("bk-%d-%d", w, seq.Add(1))
				_, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZV" + id, ItemCode: "gaj-hjzmkj",
					ApplicantID: testCitizen.ID, Channel: workflow.ChannelWeChat, Actor: testCitizen}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()

	backup := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	err := run(ctx, []string{"backup", "--out", backup}, envOf(map[string]string{"ZEROVISIT_DATABASE_URL": dbPath, "ZEROVISIT_AUDIT_KEY": testKeys["ZEROVISIT_AUDIT_KEY"]}), &out, io.Discard)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out.String(), "audit trail intact") {
		t.Errorf("backup output: %s", out.String())
	}
	if len(before) == 0 {
		t.Fatal("no case was written before the backup: the load did not run")
	}

	key, err := auditKey(configs.Config{DatabaseURL: dbPath, AuditKey: testKeys["ZEROVISIT_AUDIT_KEY"]})
	if err != nil {
		t.Fatal(err)
	}
	restored, err := models.Open(ctx, backup, models.Options{AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	repo := models.NewRepo(restored)
	for _, id := range before {
		if _, err := repo.GetCase(ctx, id); err != nil {
			t.Fatalf("case %s, acknowledged before the backup, is not in it: %v", id, err)
		}
	}
	report, err := models.VerifyAudit(ctx, restored, nil)
	if err != nil || !report.OK() {
		t.Fatalf("audit of the restored copy: %+v, %v", report, err)
	}
	if report.Cases < int64(len(before)) {
		t.Errorf("restored copy has %d cases, fewer than the %d acknowledged before", report.Cases, len(before))
	}

	// A second backup to the same file is refused rather than overwriting it.
	if err := run(ctx, []string{"backup", "--out", backup}, envOf(map[string]string{"ZEROVISIT_DATABASE_URL": dbPath, "ZEROVISIT_AUDIT_KEY": testKeys["ZEROVISIT_AUDIT_KEY"]}), io.Discard, io.Discard); err == nil {
		t.Error("backup over an existing file succeeded")
	}
}

// TestBackupFileIsPrivate takes a backup to the default place and finds the
// file readable by its owner only, in a folder only its owner can open: a
// backup holds every case, and the umask must not make it world-readable.
func TestBackupFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "data", "zv.db")
	openTestApp(t, nil, map[string]string{"ZEROVISIT_DATABASE_URL": dbPath})
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup"}, envOf(map[string]string{"ZEROVISIT_DATABASE_URL": dbPath, "ZEROVISIT_AUDIT_KEY": testKeys["ZEROVISIT_AUDIT_KEY"]}), &out, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	backups := filepath.Join(dir, "data", "backups")
	files, err := filepath.Glob(filepath.Join(backups, "zerovisit-*.db"))
	if err != nil || len(files) != 1 {
		t.Fatalf("backups written: %v %v", files, err)
	}
	for path, want := range map[string]os.FileMode{files[0]: 0o600, backups: 0o700} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o, want %o", path, got, want)
		}
	}
}
