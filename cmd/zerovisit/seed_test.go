package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/models"
	"zerovisit/workflow"
)

// TestSeedCommand runs `zerovisit seed` as an operator would, on SQLite, or
// on PostgreSQL when TEST_DATABASE_URL is set, and checks what it wrote
// against what it printed.
func TestSeedCommand(t *testing.T) {
	ctx := context.Background()
	dbURL := testDatabaseURL(t)
	env := map[string]string{"ZEROVISIT_DATABASE_URL": dbURL, "ZEROVISIT_AUDIT_KEY": cmdtest.Keys["ZEROVISIT_AUDIT_KEY"]}
	var out, progress bytes.Buffer
	if err := run(ctx, []string{"seed", "--cases", "2000", "--months", "6", "--seed", "3"}, envOf(env), &out, &progress); err != nil {
		t.Fatalf("seed: %v\n%s", err, progress.String())
	}
	if !strings.Contains(out.String(), "seeded 2000 cases with ") {
		t.Fatalf("seed output = %q", out.String())
	}
	// Not a terminal: plain progress lines, no carriage returns.
	if got := progress.String(); !strings.Contains(got, "seed: 2000/2000 cases (100%") || strings.Contains(got, "\r") {
		t.Errorf("progress output = %q", got)
	}

	db, err := models.Open(ctx, dbURL, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var total int
	for _, s := range workflow.Statuses() {
		var stored int
		if err := db.Gorm().Raw(`SELECT count(*) FROM cases WHERE status = ?`, string(s)).Row().Scan(&stored); err != nil {
			t.Fatal(err)
		}
		total += stored
		m := regexp.MustCompile(`(?m)^  ` + string(s) + `\s+(\d+)$`).FindStringSubmatch(out.String())
		printed := 0
		if m != nil {
			printed, _ = strconv.Atoi(m[1])
		}
		if printed != stored {
			t.Errorf("%s: printed %d, stored %d", s, printed, stored)
		}
	}
	if total != 2000 {
		t.Errorf("stored %d cases, want 2000", total)
	}
	var mismatched int
	if err := db.Gorm().Raw(`SELECT count(*) FROM cases c
		WHERE c.version <> (SELECT count(*) FROM case_events e WHERE e.case_id = c.id)`).Row().Scan(&mismatched); err != nil {
		t.Fatal(err)
	}
	if mismatched != 0 {
		t.Errorf("%d cases whose version is not their event count", mismatched)
	}
	page, err := models.NewStaffStore(db).Queue(ctx, staff.QueueQuery{Kind: staff.WorkQueue,
		Departments: []string{"gaj"}, Now: time.Now(), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 {
		t.Error("the gaj work queue of the seeded database is empty")
	}

	var audit bytes.Buffer
	if err := run(ctx, []string{"audit", "verify", "--quiet"}, envOf(env), &audit, &progress); err != nil {
		t.Fatalf("audit verify after seeding: %v\n%s", err, audit.String())
	}
	if !strings.Contains(audit.String(), "intact: 2000 cases") {
		t.Errorf("audit output = %q", audit.String())
	}

	// A second run refuses the filled database, and writes nothing.
	err = run(ctx, []string{"seed", "--cases", "10"}, envOf(env), &out, &progress)
	if err == nil || !strings.Contains(err.Error(), "--append") {
		t.Fatalf("second seed without --append: err = %v", err)
	}
	if got, err := models.NewRepo(db).CountCases(ctx); err != nil || got != 2000 {
		t.Errorf("cases after the refused run = %d (%v), want 2000", got, err)
	}
	if err := run(ctx, []string{"seed", "--cases", "10", "--months", "1", "--append"}, envOf(env), &out, &progress); err != nil {
		t.Fatalf("seed --append: %v", err)
	}
	if got, err := models.NewRepo(db).CountCases(ctx); err != nil || got != 2010 {
		t.Errorf("cases after --append = %d (%v), want 2010", got, err)
	}
}

func TestSeedCommandUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	env := map[string]string{"ZEROVISIT_DATABASE_URL": t.TempDir() + "/zv.db"}
	for _, args := range [][]string{{"seed"}, {"seed", "--cases", "-5"}, {"seed", "--cases", "10", "--months", "0"}, {"seed", "--cases", "x"}} {
		if err := run(context.Background(), args, envOf(env), &out, &errOut); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
