package app

import (
	"testing"
	"time"
)

// TestRevocationPurge leaves expired revocations in the database with no
// login of their subjects: the periodic purge deletes them, and keeps the
// ones still in force.
func TestRevocationPurge(t *testing.T) {
	app := openTestApp(t, noHolders{}, map[string]string{
		"ZEROVISIT_DATABASE_URL":                     testDatabaseURL(t),
		"ZEROVISIT_WORKER_REVOCATION_PURGE_INTERVAL": "50ms",
	})
	db := app.db.Gorm()
	now := time.Now()
	for _, r := range []struct {
		id    string
		until time.Time
	}{{"expired-1", now.Add(-time.Hour)}, {"expired-2", now.Add(-time.Second)}, {"live-1", now.Add(time.Hour)}} {
		if err := db.Exec(`INSERT INTO token_revocations (token_id, subject, until_us) VALUES (?, ?, ?)`,
			r.id, "citizen:purge-test", r.until.UnixMicro()).Error; err != nil {
			t.Fatal(err)
		}
	}
	// A subject revoked before any token still valid was issued, and one revoked now.
	for subject, before := range map[string]time.Time{"citizen:purge-old": now.Add(-refreshTokenTTL - time.Hour), "citizen:purge-new": now} {
		if err := db.Exec(`INSERT INTO subject_revocations (subject, before_us) VALUES (?, ?)`, subject, before.UnixMicro()).Error; err != nil {
			t.Fatal(err)
		}
	}
	rows := func(q string) []string {
		var out []string
		if err := db.Raw(q).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	eventually(t, 10*time.Second, "the expired revocations purged", func() bool {
		return len(rows(`SELECT token_id FROM token_revocations WHERE subject = 'citizen:purge-test'`)) == 1 &&
			len(rows(`SELECT subject FROM subject_revocations WHERE subject LIKE 'citizen:purge-%'`)) == 1
	})
	if got := rows(`SELECT token_id FROM token_revocations WHERE subject = 'citizen:purge-test'`); got[0] != "live-1" {
		t.Errorf("token revocations left = %v, want live-1", got)
	}
	if got := rows(`SELECT subject FROM subject_revocations WHERE subject LIKE 'citizen:purge-%'`); got[0] != "citizen:purge-new" {
		t.Errorf("subject revocations left = %v, want citizen:purge-new", got)
	}
}
