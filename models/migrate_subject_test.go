package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSubjectIndexBackfill migrates a database to 00008, stores cases of
// a person, a business, a walk-in, a business at a counter and an unknown
// applicant, and applies 00010: each case gets its applicant's identity
// index but the counter business case and the unknown one, which keep
// NULL.
func TestSubjectIndexBackfill(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "zv.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		checkBackfill(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("TEST_DATABASE_URL")
		if base == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("TEST_DATABASE_URL must be set in CI")
			}
			t.Skip("TEST_DATABASE_URL is not set")
		}
		ctx := context.Background()
		admin, err := Open(ctx, base, Options{MaxOpenConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = admin.Close() })
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		schema := "zvtest_" + hex.EncodeToString(b)
		if err := admin.gorm.Exec(`CREATE SCHEMA ` + schema).Error; err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = admin.gorm.Exec(`DROP SCHEMA ` + schema + ` CASCADE`).Error })
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		db, err := Open(ctx, u.String(), Options{MaxOpenConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		checkBackfill(t, db)
	})
}

func checkBackfill(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	p, err := db.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	now := db.ts(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	g := db.gorm.WithContext(ctx)
	for _, c := range []struct{ id, kind, index string }{{"c-person", "person", "idx-person"}, {"c-biz", "business", "idx-biz"}} {
		if err := g.Exec(`INSERT INTO citizens (id, kind, id_index, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			c.id, c.kind, c.index, now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Exec(`INSERT INTO counter_applicants (id, id_index, id_sealed, name_sealed, phone_sealed, created_at)
		VALUES ('ca-1', 'idx-walkin', '', '', '', ?)`, now).Error; err != nil {
		t.Fatal(err)
	}
	cases := []struct{ id, applicant, data, want string }{
		{"online", "c-person", `{"applicant_type":"person"}`, "idx-person"},
		{"untyped", "c-person", `{}`, "idx-person"},
		{"business", "c-biz", `{"applicant_type":"business"}`, "idx-biz"},
		{"walkin", "ca-1", `{"applicant_type":"person"}`, "idx-walkin"},
		{"counter-business", "c-person", `{"applicant_type":"business"}`, ""},
		{"walkin-business", "ca-1", `{"applicant_type":"business"}`, ""},
		{"unknown", "u-gone", `{}`, ""},
	}
	for _, c := range cases {
		if err := g.Exec(`INSERT INTO cases (id, number, item_code, department, applicant_id, status, version, false_commitment,
			created_at, updated_at, data) VALUES (?, ?, 'i', 'd', ?, 'revoked', 3, TRUE, ?, ?, ?)`,
			c.id, "ZV-"+c.id, c.applicant, now, now, c.data).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var got *string
		if err := g.Raw(`SELECT subject_index FROM cases WHERE id = ?`, c.id).Row().Scan(&got); err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (c.want == "") || (got != nil && *got != c.want) {
			t.Errorf("%s: subject_index = %v, want %q", c.id, got, c.want)
		}
	}
}
