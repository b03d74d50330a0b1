package models

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow/staff"
)

// TestQueueQueryUsesWorklistIndex keeps the queue's SQL and the migration's
// expression index in step on SQLite, which matches index expressions by
// their text: a page must be read from cases_worklist_idx in order, not
// sorted from a scan of every case.
func TestQueueQueryUsesWorklistIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := NewStaffStore(db)
	for _, kind := range []staff.QueueKind{staff.WorkQueue, staff.VerificationQueue} {
		q := staff.QueueQuery{Kind: kind, Departments: []string{"scjgj"}, Claimed: staff.ClaimedFree, Now: time.Now(), Limit: 20}
		from, args, err := s.queueSQL(q)
		if err != nil {
			t.Fatal(err)
		}
		due := workDue
		if kind == staff.VerificationQueue {
			due = verifyDue
		}
		query := `EXPLAIN QUERY PLAN SELECT c.id` + from + ` ORDER BY ` + rankExpr + `, ` + due + `, c.id LIMIT 20`
		rows, err := db.gorm.WithContext(ctx).Raw(query, args...).Rows()
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		want := "cases_worklist_idx"
		if kind == staff.VerificationQueue {
			want = "cases_verifying_idx"
		}
		if !strings.Contains(text, want) || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s queue plan = %s; want %s without a sort", kind, text, want)
		}
	}
}

// TestQueueQueryUsesWorklistIndexOnPostgres fills a PostgreSQL schema with
// 5,000 open cases of one department and checks that a deep page of the
// queue is an index range scan in queue order, not a sort of the whole
// department.
func TestQueueQueryUsesWorklistIndexOnPostgres(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL must be set in CI")
		}
		t.Skip("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	admin, err := Open(ctx, base, Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("zvplan_%d", time.Now().UnixNano())
	if err := admin.gorm.Exec(`CREATE SCHEMA ` + schema).Error; err != nil {
		t.Fatal(err)
	}
	defer admin.gorm.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := Open(ctx, u.String(), Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.gorm.Exec(`INSERT INTO cases (id, number, item_code, department, applicant_id, status, version, card, deadline, created_at, updated_at, data)
		SELECT 'p-' || g, 'ZVP' || g, 'item', CASE WHEN g % 10 = 0 THEN 'other' ELSE 'scjgj' END, 'u',
			(ARRAY['submitted','accepted','closed','approved'])[1 + g % 4], 1,
			(ARRAY['', '', '', 'yellow', 'red'])[1 + g % 5], now() + (g % 97) * interval '1 hour', now(), now(), '{}'
		FROM generate_series(1, 5000) AS g`).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.gorm.Exec(`ANALYZE cases`).Error; err != nil {
		t.Fatal(err)
	}
	s := NewStaffStore(db)
	query := staff.QueueQuery{Departments: []string{"scjgj"}, Now: time.Now(), Limit: 20}
	from, args, err := s.queueSQL(query)
	if err != nil {
		t.Fatal(err)
	}
	where := fmt.Sprintf(" AND (%s, %s, c.id) > (?::integer, ?::timestamptz, ?::text)", rankExpr, workDue)
	args = append(args, 1, time.Now().Add(40*time.Hour), "p-1")
	rows, err := db.gorm.Raw(`EXPLAIN SELECT c.id`+from+where+` ORDER BY `+rankExpr+`, `+workDue+`, c.id LIMIT 20`, args...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	rows.Close()
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "cases_worklist_idx") || strings.Contains(text, "Sort") {
		t.Errorf("deep queue page plan:\n%s\nwant a range scan of cases_worklist_idx without a sort", text)
	}
}
