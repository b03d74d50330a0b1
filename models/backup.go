package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupUnsupported means the database is backed up by its own tools:
// PostgreSQL uses base backups and WAL archiving (docs/deploy.md).
var ErrBackupUnsupported = errors.New("online backup by zerovisit is for the embedded SQLite store; back PostgreSQL up with pg_basebackup and WAL archiving")

// Backup writes a consistent copy of the embedded SQLite database to path
// while the service keeps running: VACUUM INTO reads one snapshot, so every
// transaction committed before it started is in the copy and none that
// commits later is half in it. The copy is checked with integrity_check
// before Backup returns. path must not exist yet. The file is its owner's
// alone (0600), in a folder only its owner can open if Backup makes it: a
// backup holds every case.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != DialectSQLite {
		return ErrBackupUnsupported
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// VACUUM INTO writes into an empty file it finds, keeping its mode; made
	// here with O_EXCL, it is private before a byte is in it, and an
	// existing file is never overwritten.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup to %s: file exists", path)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := db.gorm.WithContext(ctx).Exec(`VACUUM INTO ?`, path).Error; err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	copyDB, err := Open(ctx, path, Options{})
	if err != nil {
		return fmt.Errorf("check backup %s: %w", path, err)
	}
	defer copyDB.Close()
	var result string
	if err := copyDB.gorm.WithContext(ctx).Raw(`PRAGMA integrity_check`).Row().Scan(&result); err != nil {
		return fmt.Errorf("check backup %s: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("check backup %s: integrity check says %q", path, result)
	}
	return nil
}
