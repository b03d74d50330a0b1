// Package workcal runs the working-day calendar in operation: it names the
// years a deadline may reach that the calendar lacks or knows only
// provisionally, lets an administrator load a newly announced year at run
// time, keeps every load (who, when, what) as the calendar's audit trail,
// and brings every replica's calendar to the newest loaded arrangements
// without a restart.
//
// The calendar a replica counts with is the configured one (calendar.yaml,
// or the file CALENDAR_PATH names) with, for each year, the newest
// arrangement an administrator loaded in its place. Loads are numbered by
// a revision that grows by one per load; a replica polls the newest
// revision (Sync) and rebuilds its calendar when it changed.
package workcal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"zerovisit/workflow"
)

// Load is one arrangement an administrator loaded: the audit record.
type Load struct {
	Revision    int64     `json:"revision"`
	Year        int       `json:"year"`
	Source      string    `json:"source"`
	Provisional bool      `json:"provisional"`
	Holidays    int       `json:"holidays"`
	LoadedBy    string    `json:"loaded_by"`
	LoadedAt    time.Time `json:"loaded_at"`
}

// Store keeps the loaded arrangements durably, append-only.
type Store interface {
	// CalendarRevision returns the newest revision (0: nothing loaded).
	CalendarRevision(ctx context.Context) (int64, error)
	// CalendarArrangements returns the newest revision and, for every
	// year loaded, its newest arrangement.
	CalendarArrangements(ctx context.Context) (int64, []workflow.CalendarYear, error)
	// SaveCalendarYear appends y as revision expect+1; it fails with
	// workflow.ErrConflict when the newest revision is no longer expect.
	SaveCalendarYear(ctx context.Context, expect int64, y workflow.CalendarYear, by string, at time.Time) (int64, error)
	// CalendarLoads returns the newest loads first, at most limit.
	CalendarLoads(ctx context.Context, limit int) ([]Load, error)
}

// Config are the Service's dependencies.
type Config struct {
	// Calendar is the calendar the engine counts with; the Service
	// replaces its arrangements.
	Calendar *workflow.Calendar
	// Base are the configured arrangements (calendar.yaml).
	Base  []workflow.CalendarYear
	Store Store
	Now   func() time.Time
	// HorizonDays is the longest deadline configured anywhere, in working
	// days: how far ahead the calendar must be known.
	HorizonDays int
}

// Service is the calendar in operation. It is safe for concurrent use.
type Service struct {
	cfg Config
	mu  sync.Mutex // serialises Sync and Load on this replica
	rev int64      // the revision the calendar was last built from
}

// New returns the service. Call Sync once before serving.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// Gaps names the years from this one to the end of the longest configured
// deadline started now that the calendar lacks (counted Monday to Friday)
// or knows only provisionally.
func (s *Service) Gaps() []workflow.CalendarGap {
	return s.cfg.Calendar.Gaps(s.cfg.Now(), s.cfg.HorizonDays)
}

// Warning is the sentence /readyz and the start-up log give for gaps, or ""
// when there are none.
func Warning(gaps []workflow.CalendarGap) string {
	if len(gaps) == 0 {
		return ""
	}
	var parts []string
	for _, g := range gaps {
		if g.State == workflow.GapProvisional {
			parts = append(parts, fmt.Sprintf("%d年仅为暂定安排", g.Year))
		} else {
			parts = append(parts, fmt.Sprintf("%d年未载入节假日安排（按周一至周五计算）", g.Year))
		}
	}
	return "工作日历：" + strings.Join(parts, "；") + "，请载入国务院办公厅通知的正式安排"
}

// Sync rebuilds the calendar from the configured and loaded arrangements
// when the store's revision differs from the one it was built from. It
// reports whether it rebuilt.
func (s *Service) Sync(ctx context.Context) (bool, error) {
	rev, err := s.cfg.Store.CalendarRevision(ctx)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev == s.rev {
		return false, nil
	}
	return true, s.rebuild(ctx)
}

// rebuild reads every loaded arrangement and replaces the calendar's; the
// caller holds mu.
func (s *Service) rebuild(ctx context.Context) error {
	rev, loaded, err := s.cfg.Store.CalendarArrangements(ctx)
	if err != nil {
		return err
	}
	if err := s.cfg.Calendar.Replace(merge(s.cfg.Base, loaded)); err != nil {
		return fmt.Errorf("calendar revision %d: %w", rev, err)
	}
	s.rev = rev
	return nil
}

// merge returns base with each year of loaded in place of base's.
func merge(base, loaded []workflow.CalendarYear) []workflow.CalendarYear {
	out := slices.DeleteFunc(slices.Clone(base), func(b workflow.CalendarYear) bool {
		return slices.ContainsFunc(loaded, func(l workflow.CalendarYear) bool { return l.Year == b.Year })
	})
	return append(out, loaded...)
}

// errInvalid refuses an arrangement that fails its checks; errRaced a load
// another replica overtook.
var errInvalid = workflow.Refuse(workflow.ErrInvalidInput, "calendar_invalid",
	"节假日安排不符合要求：放假日期与调休上班日须在该年度内（元旦可跨年），调休上班日须为周六或周日，日期不得重复，并须注明通知文号")

var errRaced = workflow.Refuse(workflow.ErrConflict, "calendar_changed", "工作日历已被他人更新，请刷新后重新提交")

// LoadYear checks y against the calendar as it stands (the other years
// included: no day may be announced twice), appends it to the store as the
// next revision, audited with by and the time, and rebuilds this replica's
// calendar at once; the others follow at their next Sync. Provisional is
// cleared unless y asks for it.
func (s *Service) LoadYear(ctx context.Context, by string, y workflow.CalendarYear) (Load, error) {
	y.Source, y.Note = strings.TrimSpace(y.Source), strings.TrimSpace(y.Note)
	for i := range y.Holidays {
		y.Holidays[i].Name = strings.TrimSpace(y.Holidays[i].Name)
	}
	if len(y.Source) > 200 || len(y.Note) > 1000 || len(y.Holidays) > 40 {
		return Load{}, errInvalid.WithDetail(map[string]any{"problems": []string{"source, note or holidays too long"}})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.rebuild(ctx); err != nil { // check against the newest loads of every replica
		return Load{}, err
	}
	if _, err := s.cfg.Calendar.With(y); err != nil {
		return Load{}, errInvalid.WithDetail(map[string]any{"problems": problems(err)}).Because(err)
	}
	at := s.cfg.Now()
	rev, err := s.cfg.Store.SaveCalendarYear(ctx, s.rev, y, by, at)
	if errors.Is(err, workflow.ErrConflict) {
		return Load{}, errRaced.Because(err)
	}
	if err != nil {
		return Load{}, err
	}
	if err := s.rebuild(ctx); err != nil {
		return Load{}, err
	}
	return Load{Revision: rev, Year: y.Year, Source: y.Source, Provisional: y.Provisional, Holidays: len(y.Holidays),
		LoadedBy: by, LoadedAt: at}, nil
}

// problems splits a joined error into its lines.
func problems(err error) []string {
	var out []string
	for line := range strings.SplitSeq(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Status is the calendar as operators see it.
type Status struct {
	Revision    int64                   `json:"revision"`
	HorizonDays int                     `json:"horizon_days"`
	Horizon     workflow.Date           `json:"horizon"`
	Gaps        []workflow.CalendarGap  `json:"gaps"`
	Warning     string                  `json:"warning,omitempty"`
	Years       []workflow.CalendarYear `json:"years"`
	Loads       []Load                  `json:"loads"`
}

// Status returns the years the calendar counts with, its gaps and the
// newest loads.
func (s *Service) Status(ctx context.Context) (Status, error) {
	if _, err := s.Sync(ctx); err != nil {
		return Status{}, err
	}
	loads, err := s.cfg.Store.CalendarLoads(ctx, 20)
	if err != nil {
		return Status{}, err
	}
	s.mu.Lock()
	rev := s.rev
	s.mu.Unlock()
	gaps := s.Gaps()
	return Status{Revision: rev, HorizonDays: s.cfg.HorizonDays, Horizon: s.cfg.Calendar.Horizon(s.cfg.Now(), s.cfg.HorizonDays),
		Gaps: orEmpty(gaps), Warning: Warning(gaps), Years: s.cfg.Calendar.Years(), Loads: loads}, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Run syncs every interval until ctx ends, reporting failures to onErr.
func (s *Service) Run(ctx context.Context, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Sync(ctx); err != nil && ctx.Err() == nil {
				onErr(err)
			}
		}
	}
}

// LongestDeadline returns how far ahead, in working days, a deadline set
// today may fall: the longest period any item of the catalogue sets (the
// statutory and promised limits, the citizen's correction period, the
// verification period) plus the longest special procedure, which pauses
// the clock and moves the deadline by its length; at least min.
func LongestDeadline(cat workflow.Catalogue, min int) int {
	n := min
	for _, it := range cat.Items() {
		it = it.WithDefaults()
		n = max(n, it.LegalDays, it.PromisedDays, it.SupplementDays, it.VerifyDays)
	}
	longest := 0
	for _, k := range []workflow.ProcedureKind{workflow.ProcedureHearing, workflow.ProcedureExpertReview, workflow.ProcedureInspection} {
		longest = max(longest, k.MaxDays())
	}
	return n + longest
}
