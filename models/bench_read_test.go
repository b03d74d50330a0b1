package models_test

import (
	"context"
	"crypto/rand"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/models"
	"zerovisit/models/pii"
)

// The read benchmarks measure the two screens that grow with the case
// store: a department's work queue in the staff console and a citizen's
// own case list. They need a PostgreSQL database that `zerovisit seed` has
// filled, named by ZEROVISIT_BENCH_DATABASE_URL, and only read it:
//
//	createdb zerovisit_1m
//	ZEROVISIT_DATABASE_URL=postgres://…/zerovisit_1m zerovisit migrate
//	ZEROVISIT_DATABASE_URL=postgres://…/zerovisit_1m zerovisit seed --cases 1000000 --months 12 --seed 1
//	psql …/zerovisit_1m -c 'VACUUM ANALYZE'
//	ZEROVISIT_BENCH_DATABASE_URL=postgres://…/zerovisit_1m \
//	    go test -run '^$' -bench 'QueuePage|ApplicantCases' -benchtime 5000x ./models/
//
// Each operation is timed on its own and the benchmark reports the 50th,
// 95th and 99th percentiles in milliseconds besides the mean (ns/op).

// envBenchDatabaseURL names the seeded PostgreSQL database the read
// benchmarks use.
const envBenchDatabaseURL = "ZEROVISIT_BENCH_DATABASE_URL"

// benchSeededDB opens the seeded database with the store's own Open, or
// skips the benchmark when there is none.
func benchSeededDB(b *testing.B) *models.DB {
	b.Helper()
	raw := os.Getenv(envBenchDatabaseURL)
	if raw == "" {
		b.Skip(envBenchDatabaseURL + " is not set. Seed a PostgreSQL database first: " +
			"ZEROVISIT_DATABASE_URL=postgres://…/zerovisit_1m zerovisit migrate && " +
			"ZEROVISIT_DATABASE_URL=postgres://…/zerovisit_1m zerovisit seed --cases 1000000 --months 12 --seed 1, " +
			"then VACUUM ANALYZE it and set " + envBenchDatabaseURL + " to its URL")
	}
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") {
		b.Skip(envBenchDatabaseURL + " must name a PostgreSQL database (postgres://…)")
	}
	ctx := context.Background()
	db, err := models.Open(ctx, raw, models.Options{MaxOpenConns: 4, MaxIdleConns: 4})
	if err != nil {
		b.Fatalf("open %s: %v", envBenchDatabaseURL, err)
	}
	b.Cleanup(func() { _ = db.Close() })
	n, err := models.NewRepo(db).CountCases(ctx)
	if err != nil {
		b.Fatalf("count cases (is the database migrated?): %v", err)
	}
	if n == 0 {
		b.Skip(envBenchDatabaseURL + " holds no cases; fill it with `zerovisit seed --cases 1000000 --months 12 --seed 1`")
	}
	b.Logf("%d cases", n)
	return db
}

// latencies collects the duration of every operation of a benchmark.
type latencies []time.Duration

// time runs op once and records how long it took.
func (l *latencies) time(b *testing.B, op func() error) {
	start := time.Now()
	err := op()
	*l = append(*l, time.Since(start))
	if err != nil {
		b.Fatal(err)
	}
}

// report adds the percentiles (nearest rank) to the benchmark's result.
func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := max(int(math.Ceil(p*float64(len(s))))-1, 0)
		return float64(s[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// benchStrings runs a query that returns one text column.
func benchStrings(b *testing.B, db *models.DB, query string, args ...any) []string {
	b.Helper()
	rows, err := db.Gorm().WithContext(context.Background()).Raw(query, args...).Rows()
	if err != nil {
		b.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// queueStatesSQL is the work queue's status list as SQL text.
func queueStatesSQL() string {
	var qs []string
	for _, s := range staff.QueueStatuses() {
		qs = append(qs, "'"+string(s)+"'")
	}
	return strings.Join(qs, ", ")
}

// BenchmarkQueuePage reads one page of a department's work queue as the
// staff console asks for it (GET /api/v1/staff/queue: no filters, 20 a
// page, total included): StaffStore.Queue, then StaffNames for the
// claimed cases of the page. Departments are picked from the data: the
// one with the most open cases, the middle one and the one with the
// fewest. "first" is the first page; "deep" is the page at the middle of
// the queue, reached through the cursor. "item" is the first page of the
// busiest department filtered by its least common open item.
func BenchmarkQueuePage(b *testing.B) {
	db := benchSeededDB(b)
	ctx := context.Background()
	store := models.NewStaffStore(db)

	depts := benchStrings(b, db, `SELECT department FROM cases WHERE status IN (`+queueStatesSQL()+`)
		GROUP BY department ORDER BY count(*) DESC, department`)
	if len(depts) == 0 {
		b.Skip("the seeded database has no open cases")
	}
	picks := []struct{ name, dept string }{{"busiest", depts[0]}}
	if len(depts) > 2 {
		picks = append(picks, struct{ name, dept string }{"middle", depts[len(depts)/2]})
	}
	if len(depts) > 1 {
		picks = append(picks, struct{ name, dept string }{"quietest", depts[len(depts)-1]})
	}

	page := func(q staff.QueueQuery) (staff.QueuePage, error) {
		p, err := store.Queue(ctx, q)
		if err != nil {
			return p, err
		}
		var ids []string
		for _, e := range p.Items {
			if e.Claim != nil && !slices.Contains(ids, e.Claim.StaffID) {
				ids = append(ids, e.Claim.StaffID)
			}
		}
		_, err = store.StaffNames(ctx, ids)
		return p, err
	}
	run := func(b *testing.B, q staff.QueueQuery) {
		first, err := page(q) // warm-up, and a check that the page is not empty
		if err != nil {
			b.Fatal(err)
		}
		if len(first.Items) == 0 {
			b.Fatalf("empty queue page for %+v", q)
		}
		b.Logf("total %d, page of %d", first.Total, len(first.Items))
		var lat latencies
		for b.Loop() {
			q.Now = time.Now()
			lat.time(b, func() error { _, err := page(q); return err })
		}
		lat.report(b)
	}

	for _, p := range picks {
		base := staff.QueueQuery{Kind: staff.WorkQueue, Departments: []string{p.dept}, Limit: 20}
		b.Run(p.name+"-"+p.dept+"/first", func(b *testing.B) { run(b, base) })
		b.Run(p.name+"-"+p.dept+"/deep", func(b *testing.B) {
			// Walk to the middle of the queue 100 cases at a time (the
			// largest page the handler serves), then read a page of 20 there.
			walk := base
			walk.Limit, walk.Now = 100, time.Now()
			pg, err := store.Queue(ctx, walk)
			if err != nil {
				b.Fatal(err)
			}
			depth := len(pg.Items)
			for depth < int(pg.Total)/2 && pg.NextCursor != "" {
				walk.Cursor = pg.NextCursor
				if pg, err = store.Queue(ctx, walk); err != nil {
					b.Fatal(err)
				}
				depth += len(pg.Items)
			}
			if pg.NextCursor == "" {
				b.Skipf("the queue of %s is a single page", p.dept)
			}
			q := base
			q.Cursor = pg.NextCursor
			b.Logf("cursor after %d cases", depth)
			run(b, q)
		})
	}

	busiest := depts[0]
	items := benchStrings(b, db, `SELECT item_code FROM cases WHERE status IN (`+queueStatesSQL()+`) AND department = ?
		GROUP BY item_code ORDER BY count(*), item_code LIMIT 1`, busiest)
	if len(items) == 1 {
		b.Run("busiest-"+busiest+"/item", func(b *testing.B) {
			q := staff.QueueQuery{Kind: staff.WorkQueue, Departments: []string{busiest}, ItemCode: items[0], Limit: 20}
			run(b, q)
		})
	}
}

// BenchmarkApplicantCases reads a citizen's own case list as the mini
// programs ask for it (GET /api/v1/citizen/cases: 20 a page, newest first):
// Citizens.Agencies for the businesses the person acts for, then
// Repo.CasesOfApplicants over the person and those businesses. Applicants
// are picked from the data: "most" cycles through the 20 applicants with
// the most cases, "typical" through 1,000 applicants sampled from every
// case (so weighted as traffic would be). "first" is the first page;
// "most/next" is the page after an applicant's ten newest cases, through
// the cursor (a typical applicant has too few cases for a second page).
func BenchmarkApplicantCases(b *testing.B) {
	db := benchSeededDB(b)
	ctx := context.Background()
	repo := models.NewRepo(db)
	// Seeded applicants have no citizen records, so Agencies finds nothing
	// to unseal and the keys do not matter.
	encKey, idxKey := make([]byte, pii.KeySize), make([]byte, 32)
	_, _ = rand.Read(encKey)
	_, _ = rand.Read(idxKey)
	sealer, err := pii.NewSealer(encKey, idxKey)
	if err != nil {
		b.Fatal(err)
	}
	citizens := models.NewCitizens(db, sealer)

	list := func(applicant, cursor string, limit int) (models.CasePage, error) {
		ps := []string{applicant}
		ags, err := citizens.Agencies(ctx, applicant)
		if err != nil {
			return models.CasePage{}, err
		}
		for _, a := range ags {
			ps = append(ps, a.Business.ID)
		}
		return repo.CasesOfApplicants(ctx, ps, "", cursor, limit)
	}

	groups := []struct {
		name       string
		applicants []string
		next       bool
	}{
		{"most", benchStrings(b, db, `SELECT applicant_id FROM cases GROUP BY applicant_id
			ORDER BY count(*) DESC, applicant_id LIMIT 20`), true},
		// md5 orders the applicants the same way on every run.
		{"typical", benchStrings(b, db, `SELECT applicant_id FROM (SELECT DISTINCT applicant_id FROM cases) a
			ORDER BY md5(applicant_id) LIMIT 1000`), false},
	}
	for _, g := range groups {
		if len(g.applicants) == 0 {
			b.Skip("the seeded database has no applicants")
		}
		b.Run(g.name+"/first", func(b *testing.B) {
			rows := 0
			for _, a := range g.applicants {
				p, err := list(a, "", 20)
				if err != nil {
					b.Fatal(err)
				}
				rows += len(p.Cases)
			}
			b.Logf("%d applicants, %.1f cases a page", len(g.applicants), float64(rows)/float64(len(g.applicants)))
			var lat latencies
			i := 0
			for b.Loop() {
				a := g.applicants[i%len(g.applicants)]
				i++
				lat.time(b, func() error { _, err := list(a, "", 20); return err })
			}
			lat.report(b)
		})
		if !g.next {
			continue
		}
		b.Run(g.name+"/next", func(b *testing.B) {
			type start struct{ applicant, cursor string }
			var starts []start
			rows := 0
			for _, a := range g.applicants {
				p, err := list(a, "", 10)
				if err != nil {
					b.Fatal(err)
				}
				if p.Next == "" {
					continue
				}
				starts = append(starts, start{a, p.Next})
				q, err := list(a, p.Next, 20)
				if err != nil {
					b.Fatal(err)
				}
				rows += len(q.Cases)
			}
			if len(starts) == 0 {
				b.Skip("no applicant has more than ten cases")
			}
			b.Logf("%d applicants with more than ten cases, %.1f cases a page", len(starts), float64(rows)/float64(len(starts)))
			var lat latencies
			i := 0
			for b.Loop() {
				s := starts[i%len(starts)]
				i++
				lat.time(b, func() error { _, err := list(s.applicant, s.cursor, 20); return err })
			}
			lat.report(b)
		})
	}
}
