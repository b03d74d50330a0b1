// Package seed is `zerovisit seed`: a generated history of cases for scale tests.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"zerovisit/cmd/internal/app"
	"zerovisit/cmd/internal/progress"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/workflow"
)

// runSeed fills the configured database with a generated history: cases
// across the catalogue's items over the last months, each driven through
// the workflow engine and written in bulk with its hash-chained events.
func runSeed(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	fs := cli.NewFlags("seed", env)
	cases := fs.Int("cases", 0, "how many cases to write (required)")
	months := fs.Int("months", 12, "how many months the history reaches back")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same history")
	appendTo := fs.Bool("append", false, "add to a database that already holds cases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cases <= 0 || *months <= 0 {
		return errors.New("usage: zerovisit seed --cases N [--months 12] [--seed S] [--append]")
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	cat, err := configs.LoadCatalogue(cfg.CataloguePath)
	if err != nil {
		return err
	}
	cal, err := configs.LoadCalendar(cfg.CalendarPath)
	if err != nil {
		return err
	}
	db, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	bar := progress.New(stderr, *cases, "seed", "cases", time.Now)
	seeder := models.NewSeeder(models.NewRepo(db), workflow.NewEngine(cat, cal))
	rep, err := seeder.Run(ctx, models.SeedOptions{Cases: *cases, Months: *months, Seed: *seed,
		End: time.Now(), Append: *appendTo, Progress: bar.Update})
	bar.Finish()
	if err != nil {
		return err
	}
	printSeedReport(stdout, db.Dialect(), rep)
	return nil
}

// printSeedReport prints the totals, the rate and the count per state and card.
func printSeedReport(w io.Writer, dialect string, rep models.SeedReport) {
	secs := rep.Elapsed.Seconds()
	fmt.Fprintf(w, "seeded %d cases with %d events into %s in %s (%.0f cases/s, %.0f events/s)\n",
		rep.Cases, rep.Events, dialect, rep.Elapsed.Round(time.Millisecond), float64(rep.Cases)/secs, float64(rep.Events)/secs)
	statuses := make([]workflow.Status, 0, len(rep.ByStatus))
	for s := range rep.ByStatus {
		statuses = append(statuses, s)
	}
	slices.SortFunc(statuses, func(a, b workflow.Status) int { return rep.ByStatus[b] - rep.ByStatus[a] })
	for _, s := range statuses {
		fmt.Fprintf(w, "  %-22s %8d\n", s, rep.ByStatus[s])
	}
	for _, c := range []workflow.Card{workflow.CardYellow, workflow.CardRed} {
		fmt.Fprintf(w, "  card %-17s %8d\n", c, rep.ByCard[c])
	}
}
