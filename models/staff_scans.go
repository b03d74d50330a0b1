package models

import (
	"context"

	"gorm.io/gorm"

	"time"

	"zerovisit/workflow/files"
)

// RecordScan records a file a member of staff scanned at the counter
// within q, in one statement: on SQLite the single writer serialises it;
// on PostgreSQL it runs after a transaction-scoped lock on the account's
// scans, so its snapshot counts every scan recorded before. A file the
// account scanned already is recorded. When it would pass the quota
// nothing is recorded and the usage is read.
func (s *StaffStore) RecordScan(ctx context.Context, staffID string, obj files.Object, at time.Time, q files.Quota) (bool, files.Usage, error) {
	op := "record scan of " + staffID
	since := s.db.ts(at.Add(-q.Window))
	var recorded bool
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.db.isPostgres() {
			if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "scans-staff:"+staffID).Error; err != nil {
				return err
			}
		}
		res := tx.Exec(`INSERT INTO staff_scans (staff_id, blob_key, size, created_at)
			SELECT ?, ?, ?, ? WHERE
			(SELECT count(*) < ? AND coalesce(sum(size), 0) + ? <= ? FROM staff_scans WHERE staff_id = ? AND created_at > ?)
			ON CONFLICT (staff_id, blob_key) DO NOTHING`,
			staffID, obj.Key, obj.Size, s.db.ts(at), q.AccountFiles, obj.Size, q.AccountBytes, staffID, since)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			recorded = true
			return nil
		}
		var kept int
		if err := tx.Raw(`SELECT count(*) FROM staff_scans WHERE staff_id = ? AND blob_key = ?`, staffID, obj.Key).Row().Scan(&kept); err != nil {
			return err
		}
		recorded = kept > 0
		return nil
	})
	if err != nil || recorded {
		return recorded, files.Usage{}, translate(op, err)
	}
	var used files.Usage
	err = s.db.gorm.WithContext(ctx).Raw(`SELECT count(*), CAST(coalesce(sum(size), 0) AS BIGINT) FROM staff_scans
		WHERE staff_id = ? AND created_at > ?`, staffID, since).Row().Scan(&used.AccountFiles, &used.AccountBytes)
	return false, used, translate(op, err)
}

// ScanSizes returns the sizes of the recorded scans among keys.
func (s *StaffStore) ScanSizes(ctx context.Context, keys []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT blob_key, max(size) FROM staff_scans WHERE blob_key IN (`+placeholders(len(keys))+`)
		GROUP BY blob_key`, args...).Rows()
	if err != nil {
		return nil, translate("scan sizes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			n int64
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, translate("scan sizes", err)
		}
		out[k] = n
	}
	return out, translate("scan sizes", rows.Err())
}

// PurgeScans forgets the records of scans made before before, and returns
// how many went.
func (s *StaffStore) PurgeScans(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.gorm.WithContext(ctx).Exec(`DELETE FROM staff_scans WHERE created_at < ?`, s.db.ts(before))
	return res.RowsAffected, translate("purge scan records", res.Error)
}

// LetterCase returns the id of the case whose counter signature is the
// scanned letter key (cases_commitment_letter_idx), or
// workflow.ErrNotFound.
func (s *StaffStore) LetterCase(ctx context.Context, key string) (string, error) {
	var id string
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT id FROM cases WHERE commitment_letter = ?`, key).Row().Scan(&id)
	return id, translate("case of letter", err)
}
