package models_test

import (
	"errors"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

func newSeeder(tb testing.TB, db *models.DB) (*models.Seeder, *models.Repo) {
	tb.Helper()
	cat, err := configs.LoadCatalogue("")
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		tb.Fatal(err)
	}
	repo := models.NewRepo(db)
	return models.NewSeeder(repo, workflow.NewEngine(cat, cal)), repo
}

var seedEnd = time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)

func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := ctxT(t)
		seeder, repo := newSeeder(t, db)
		var progress []int
		rep, err := seeder.Run(ctx, models.SeedOptions{Cases: 2000, Months: 6, Seed: 7, End: seedEnd,
			Progress: func(n int) { progress = append(progress, n) }})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded in %s", rep.Elapsed)
		if got, want := rep.Cases, 2000; got != want {
			t.Fatalf("cases = %d, want %d", got, want)
		}
		if len(progress) == 0 || progress[len(progress)-1] != 2000 {
			t.Errorf("progress = %v…, want it to end at 2000", progress[max(len(progress)-3, 0):])
		}

		// The report counts what is stored.
		for _, s := range workflow.Statuses() {
			if got, want := count(t, db, `SELECT count(*) FROM cases WHERE status = ?`, string(s)), int64(rep.ByStatus[s]); got != want {
				t.Errorf("%s cases stored = %d, reported %d", s, got, want)
			}
		}
		if got, want := count(t, db, `SELECT count(*) FROM case_events`), int64(rep.Events); got != want {
			t.Errorf("events stored = %d, reported %d", got, want)
		}
		// A realistic mix: mostly closed, every kind of ending, live cases, cards.
		for _, s := range []workflow.Status{workflow.StatusClosed, workflow.StatusRejected, workflow.StatusWithdrawn,
			workflow.StatusRevoked, workflow.StatusAccepted, workflow.StatusSupplementRequested,
			workflow.StatusApproved, workflow.StatusSubmitted, workflow.StatusVerifying} {
			if rep.ByStatus[s] == 0 {
				t.Errorf("no %s cases in %v", s, rep.ByStatus)
			}
		}
		if got := rep.ByStatus[workflow.StatusClosed]; got < rep.Cases/2 {
			t.Errorf("closed = %d of %d, want most", got, rep.Cases)
		}
		if rep.ByCard[workflow.CardRed] == 0 {
			t.Errorf("no overdue case with a red card: %v", rep.ByCard)
		}
		if got := count(t, db, `SELECT count(*) FROM cases WHERE false_commitment AND status = 'revoked'`); got == 0 {
			t.Error("no revoked case records a false commitment")
		}

		// Every case's version is its event count, and the chains verify.
		if got := count(t, db, `SELECT count(*) FROM cases c
			WHERE c.version <> (SELECT count(*) FROM case_events e WHERE e.case_id = c.id)`); got != 0 {
			t.Errorf("%d cases whose version is not their event count", got)
		}
		auditStart := time.Now()
		audit, err := models.VerifyAudit(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("audit in %s", time.Since(auditStart))
		if !audit.OK() || audit.Cases != 2000 || audit.Events != int64(rep.Events) {
			t.Errorf("audit: ok=%v cases=%d events=%d problems=%v", audit.OK(), audit.Cases, audit.Events, audit.Problems)
		}

		// Seeded cases read back whole, and the service could carry on with them.
		var id string
		if err := db.Gorm().Raw(`SELECT id FROM cases WHERE status = 'accepted' ORDER BY id LIMIT 1`).Row().Scan(&id); err != nil {
			t.Fatal(err)
		}
		c, err := repo.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Terms.ItemName == "" || c.SLA.Deadline.IsZero() || c.Number == "" {
			t.Errorf("seeded case reads back incomplete: %+v", c)
		}
		evs, err := repo.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := int64(len(evs)), c.Version; got != want || evs[len(evs)-1].Hash == "" {
			t.Errorf("history of %s: %d events, version %d", id, got, want)
		}

		// A department work queue finds the live cases, most urgent first.
		page, err := models.NewStaffStore(db).Queue(ctx, staff.QueueQuery{Kind: staff.WorkQueue,
			Departments: []string{"scjgj"}, Now: seedEnd, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 || page.Total == 0 {
			t.Fatalf("scjgj work queue is empty (total %d)", page.Total)
		}
		if got := page.Items[0].Case.Department; got != "scjgj" {
			t.Errorf("queue case of department %q", got)
		}

		// The case-number counters moved past the seeded numbers.
		number, err := repo.NextCaseNumber(ctx, seedEnd, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := repo.GetCaseByNumber(ctx, number); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("next case number %s is already taken (err %v)", number, err)
		}
	})
}

func TestSeedRefusesAFilledDatabase(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := ctxT(t)
	seeder, _ := newSeeder(t, db)
	opts := models.SeedOptions{Cases: 50, Months: 1, Seed: 1, End: seedEnd}
	if _, err := seeder.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := seeder.Run(ctx, opts); !errors.Is(err, models.ErrSeedNotEmpty) {
		t.Fatalf("second run without append: err = %v, want ErrSeedNotEmpty", err)
	}
	if got, want := count(t, db, `SELECT count(*) FROM cases`), int64(50); got != want {
		t.Errorf("cases after the refused run = %d, want %d", got, want)
	}
	// With Append, the same seed adds new cases under new numbers.
	opts.Append = true
	rep, err := seeder.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := count(t, db, `SELECT count(*) FROM cases`), int64(50+rep.Cases); got != want {
		t.Errorf("cases after append = %d, want %d", got, want)
	}
	if audit, err := models.VerifyAudit(ctx, db, nil); err != nil || !audit.OK() {
		t.Errorf("audit after append: %v %v", err, audit.Problems)
	}
}

func TestSeedIsRepeatable(t *testing.T) {
	ctx := ctxT(t)
	var numbers [2][]string
	for i := range numbers {
		db := dbtest.SQLite(t)
		seeder, _ := newSeeder(t, db)
		if _, err := seeder.Run(ctx, models.SeedOptions{Cases: 200, Months: 2, Seed: 9, End: seedEnd, Workers: i*3 + 1}); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Gorm().Raw(`SELECT id || status || last_hash FROM cases ORDER BY number`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			numbers[i] = append(numbers[i], s)
		}
		rows.Close()
	}
	if len(numbers[0]) != 200 {
		t.Fatalf("cases = %d, want 200", len(numbers[0]))
	}
	for i := range numbers[0] {
		if numbers[0][i] != numbers[1][i] {
			t.Fatalf("case %d differs between runs with one and four workers: %s vs %s", i, numbers[0][i], numbers[1][i])
		}
	}
}
