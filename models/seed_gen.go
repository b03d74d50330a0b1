package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"zerovisit/workflow"
)

// ErrSeedNotEmpty is returned by Seeder.Run when the database already holds
// cases and Append is not set.
var ErrSeedNotEmpty = errors.New("database already holds cases")

// SeedOptions says what history to generate.
type SeedOptions struct {
	// Cases is how many cases to write.
	Cases int
	// Months is how far back the history reaches (default 12).
	Months int
	// Seed makes the run repeatable: the same seed, options, catalogue and
	// database contents give the same cases.
	Seed uint64
	// End is the moment the history ends, usually now: live cases have
	// their timers run up to it.
	End time.Time
	// Append allows seeding a database that already holds cases.
	Append bool
	// Workers generate days in parallel (default GOMAXPROCS); writes stay
	// in day order.
	Workers int
	// Progress, if set, is called after each day is written with the
	// number of cases written so far.
	Progress func(done int)
}

// SeedReport counts what a seed run wrote.
type SeedReport struct {
	Cases    int
	Events   int
	ByStatus map[workflow.Status]int
	ByCard   map[workflow.Card]int
	Elapsed  time.Duration
}

// Seeder fills a database with a generated but lawful history: every case
// is driven through the real workflow engine, event by event, so its
// document, history and effects are what the service itself would have
// stored, and then written in bulk.
type Seeder struct {
	repo   *Repo
	engine *workflow.Engine
	items  []workflow.Item
}

// NewSeeder returns a seeder writing to repo with the engine's catalogue
// and calendar.
func NewSeeder(repo *Repo, engine *workflow.Engine) *Seeder {
	return &Seeder{repo: repo, engine: engine, items: engine.Catalogue().Items()}
}

// seedDay is one day of the history: its date, how many cases open on it
// and the first of the case numbers reserved for them.
type seedDay struct {
	index int
	date  workflow.Date
	n     int
	first int64
}

// Run generates and writes opts.Cases cases spread over opts.Months months
// before opts.End, one transaction per day, and reports what it wrote.
func (s *Seeder) Run(ctx context.Context, opts SeedOptions) (SeedReport, error) {
	start := time.Now()
	rep := SeedReport{ByStatus: map[workflow.Status]int{}, ByCard: map[workflow.Card]int{}}
	if opts.Cases <= 0 {
		return rep, fmt.Errorf("seed: %w: cases must be positive", workflow.ErrInvalidInput)
	}
	if len(s.items) == 0 {
		return rep, fmt.Errorf("seed: %w: the catalogue is empty", workflow.ErrInvalidInput)
	}
	opts.Months = orDefault(opts.Months, 12)
	opts.Workers = orDefault(opts.Workers, runtime.GOMAXPROCS(0))
	if opts.End.IsZero() {
		return rep, fmt.Errorf("seed: %w: no end time", workflow.ErrInvalidInput)
	}
	existing, err := s.repo.CountCases(ctx)
	if err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	if existing > 0 && !opts.Append {
		return rep, fmt.Errorf("seed: %w (%d); pass --append to add to them", ErrSeedNotEmpty, existing)
	}
	days, err := s.plan(ctx, opts)
	if err != nil {
		return rep, err
	}
	err = s.pipeline(ctx, opts, days, func(rows []seedRows) error {
		if err := s.repo.writeSeedRows(ctx, rows); err != nil {
			return err
		}
		for _, sr := range rows {
			rep.Cases++
			rep.Events += len(sr.events)
			rep.ByStatus[workflow.Status(sr.c.Status)]++
			rep.ByCard[workflow.Card(sr.c.Card)]++
		}
		if opts.Progress != nil {
			opts.Progress(rep.Cases)
		}
		return nil
	})
	rep.Elapsed = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	return rep, nil
}

// plan spreads the cases over the days (working days get most of them)
// and reserves each day's case numbers.
func (s *Seeder) plan(ctx context.Context, opts SeedOptions) ([]seedDay, error) {
	last := workflow.DateOf(opts.End)
	first := workflow.DateOf(opts.End.AddDate(0, -opts.Months, 0))
	cal := s.engine.Calendar()
	var (
		days    []seedDay
		weights []float64
		total   float64
	)
	for d := first; d.Compare(last) <= 0; d = d.AddDays(1) {
		w := 0.12
		if cal == nil || cal.IsWorkingDate(d) {
			w = 1
		}
		days = append(days, seedDay{index: len(days), date: d})
		weights = append(weights, w)
		total += w
	}
	// Largest remainder, so the counts add up to exactly opts.Cases.
	given := 0
	for i := range days {
		days[i].n = int(float64(opts.Cases) * weights[i] / total)
		given += days[i].n
	}
	top := slices.Max(weights)
	for i := len(days) - 1; given < opts.Cases; i = (i - 1 + len(days)) % len(days) {
		if weights[i] == top {
			days[i].n++
			given++
		}
	}
	out := days[:0]
	for _, d := range days {
		if d.n == 0 {
			continue
		}
		var err error
		if d.first, err = s.repo.ReserveCaseNumbers(ctx, d.date.Start().In(workflow.CST()).Format("20060102"), d.n); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		d.index = len(out)
		out = append(out, d)
	}
	return out, nil
}

// pipeline generates days on opts.Workers goroutines, converting and
// hash-chaining them there too, and hands them to write in day order,
// holding at most a few days in memory. The writer is the one serial part.
func (s *Seeder) pipeline(ctx context.Context, opts SeedOptions, days []seedDay, write func([]seedRows) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		rows []seedRows
		err  error
	}
	results := make([]chan result, len(days))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	jobs := make(chan seedDay)
	slots := make(chan struct{}, opts.Workers+1)
	go func() {
		defer close(jobs)
		for _, d := range days {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range opts.Workers {
		go func() {
			for d := range jobs {
				cases, err := s.day(opts, d)
				var rows []seedRows
				if err == nil {
					rows, err = toSeedBatch(s.repo.db.audit, cases)
				}
				results[d.index] <- result{rows, err}
			}
		}()
	}
	for i := range days {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-slots
		if r.err != nil {
			return r.err
		}
		if err := write(r.rows); err != nil {
			return err
		}
	}
	return nil
}

// day generates the cases that open on one day, with a random source of
// its own so the result does not depend on which worker ran it.
func (s *Seeder) day(opts SeedOptions, d seedDay) ([]SeedCase, error) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", d.date, d.first)
	rng := rand.New(rand.NewPCG(opts.Seed, h.Sum64()))
	dayName := d.date.Start().In(workflow.CST()).Format("20060102")
	g := &caseGen{s: s, rng: rng, end: opts.End, applicants: max(opts.Cases/4, 1)}
	out := make([]SeedCase, 0, d.n)
	for i := range d.n {
		number := SeedCaseNumber(dayName, d.first+int64(i))
		sc, err := g.generate(number, d.date)
		if err != nil {
			return nil, fmt.Errorf("generate case %s: %w", number, err)
		}
		out = append(out, sc)
	}
	return out, nil
}
