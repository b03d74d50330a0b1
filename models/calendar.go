package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/workcal"
)

// CalendarStore keeps the holiday arrangements administrators load, in
// calendar_arrangements (append-only).
type CalendarStore struct{ db *DB }

var _ workcal.Store = (*CalendarStore)(nil)

// NewCalendarStore returns the store over db.
func NewCalendarStore(db *DB) *CalendarStore { return &CalendarStore{db: db} }

// CalendarRevision returns the newest revision, 0 when nothing was loaded.
func (s *CalendarStore) CalendarRevision(ctx context.Context) (int64, error) {
	var rev int64
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT COALESCE(MAX(revision), 0) FROM calendar_arrangements`).Row().Scan(&rev)
	return rev, translate("calendar revision", err)
}

// CalendarArrangements returns the newest revision and each loaded year's
// newest arrangement, read in one statement so the two agree.
func (s *CalendarStore) CalendarArrangements(ctx context.Context) (int64, []workflow.CalendarYear, error) {
	op := "calendar arrangements"
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT a.body, (SELECT MAX(revision) FROM calendar_arrangements)
		FROM calendar_arrangements a
		WHERE a.revision = (SELECT MAX(b.revision) FROM calendar_arrangements b WHERE b.year = a.year)
		ORDER BY a.year`).Rows()
	if err != nil {
		return 0, nil, translate(op, err)
	}
	defer rows.Close()
	var (
		rev   int64
		years []workflow.CalendarYear
	)
	for rows.Next() {
		var body string
		if err := rows.Scan(&body, &rev); err != nil {
			return 0, nil, translate(op, err)
		}
		var y workflow.CalendarYear
		if err := json.Unmarshal([]byte(body), &y); err != nil {
			return 0, nil, fmt.Errorf("%s: %w", op, err)
		}
		years = append(years, y)
	}
	return rev, years, translate(op, rows.Err())
}

// SaveCalendarYear appends y as revision expect+1, or fails with
// workflow.ErrConflict when another load came first.
func (s *CalendarStore) SaveCalendarYear(ctx context.Context, expect int64, y workflow.CalendarYear, by string, at time.Time) (int64, error) {
	op := fmt.Sprintf("save calendar %d", y.Year)
	body, err := json.Marshal(y)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rev int64
		if err := tx.Raw(`SELECT COALESCE(MAX(revision), 0) FROM calendar_arrangements`).Row().Scan(&rev); err != nil {
			return err
		}
		if rev != expect {
			return workflow.ErrConflict
		}
		return tx.Exec(`INSERT INTO calendar_arrangements (revision, year, body, loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?)`,
			expect+1, y.Year, string(body), by, s.db.ts(at)).Error
	})
	if err != nil {
		if _, dup := uniqueViolation(err); dup || errors.Is(err, workflow.ErrConflict) {
			return 0, fmt.Errorf("%s: revision %d taken: %w", op, expect+1, workflow.ErrConflict)
		}
		return 0, translate(op, err)
	}
	return expect + 1, nil
}

// CalendarLoads returns the newest loads first.
func (s *CalendarStore) CalendarLoads(ctx context.Context, limit int) ([]workcal.Load, error) {
	op := "calendar loads"
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT revision, body, loaded_by, loaded_at FROM calendar_arrangements
		ORDER BY revision DESC LIMIT ?`, limit).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	out := []workcal.Load{}
	for rows.Next() {
		var (
			l    workcal.Load
			body string
			at   sqlTime
			y    workflow.CalendarYear
		)
		if err := rows.Scan(&l.Revision, &body, &l.LoadedBy, &at); err != nil {
			return nil, translate(op, err)
		}
		if err := json.Unmarshal([]byte(body), &y); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		l.Year, l.Source, l.Provisional, l.Holidays, l.LoadedAt = y.Year, y.Source, y.Provisional, len(y.Holidays), at.T
		out = append(out, l)
	}
	return out, translate(op, rows.Err())
}
