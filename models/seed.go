package models

import (
	"context"
	"fmt"

	"zerovisit/workflow"
)

// SeedCase is a generated case as the workflow engine left it, with its
// whole history oldest first. The events carry no hashes: WriteSeed chains
// them exactly as CreateCase and ApplyChange would have, one by one.
type SeedCase struct {
	Case   workflow.Case
	Events []workflow.EventRecord
}

// seedRows is a SeedCase converted to rows and hash-chained.
type seedRows struct {
	c      caseRow
	events []eventRow
}

// toSeedRows converts and chains one generated case. Its version must equal
// its event count and its events must be numbered 1..n, as the store keeps them.
func toSeedRows(k *auditKey, sc SeedCase) (seedRows, error) {
	c := sc.Case
	if c.ID == "" || c.Version != int64(len(sc.Events)) {
		return seedRows{}, fmt.Errorf("%w: case %q has version %d and %d events",
			workflow.ErrInvalidInput, c.ID, c.Version, len(sc.Events))
	}
	out := seedRows{events: make([]eventRow, len(sc.Events))}
	prev := ""
	for i, ev := range sc.Events {
		if ev.CaseID != c.ID || ev.Seq != int64(i+1) || ev.At.IsZero() || ev.Name == "" {
			return seedRows{}, fmt.Errorf("%w: event %s#%d of case %s is out of place",
				workflow.ErrInvalidInput, ev.CaseID, ev.Seq, c.ID)
		}
		row, err := toEventRow(ev)
		if err != nil {
			return seedRows{}, err
		}
		row.PrevHash = prev
		row.Hash = eventHash(k, prev, row)
		prev = row.Hash
		out.events[i] = row
	}
	var err error
	if out.c, err = toCaseRow(c); err != nil {
		return seedRows{}, err
	}
	out.c.LastHash = prev
	return out, nil
}

// WriteSeed stores generated cases and their chained histories in one
// transaction, with multi-row INSERTs on SQLite and COPY on PostgreSQL.
// It writes no outbox rows: a seeded history is one whose effects were
// delivered long ago. workflow.ErrDuplicate if a case id or number exists.
func (r *Repo) WriteSeed(ctx context.Context, cases []SeedCase) error {
	rows, err := toSeedBatch(r.db.audit, cases)
	if err != nil {
		return fmt.Errorf("write seed: %w", err)
	}
	return r.writeSeedRows(ctx, rows)
}

// toSeedBatch converts and chains generated cases under the audit key k.
func toSeedBatch(k *auditKey, cases []SeedCase) ([]seedRows, error) {
	rows := make([]seedRows, len(cases))
	for i, sc := range cases {
		var err error
		if rows[i], err = toSeedRows(k, sc); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// writeSeedRows writes converted rows in one transaction.
func (r *Repo) writeSeedRows(ctx context.Context, rows []seedRows) error {
	if len(rows) == 0 {
		return nil
	}
	var err error
	if r.db.isPostgres() {
		err = r.copySeedPostgres(ctx, rows)
	} else {
		err = r.insertSeedSQLite(ctx, rows)
	}
	return translate("write seed", err)
}

// CountCases returns how many cases the store holds.
func (r *Repo) CountCases(ctx context.Context) (int64, error) {
	var n int64
	if err := r.db.gorm.WithContext(ctx).Raw(`SELECT count(*) FROM cases`).Row().Scan(&n); err != nil {
		return 0, translate("count cases", err)
	}
	return n, nil
}

// ReserveCaseNumbers takes n consecutive sequence numbers of a day
// (YYYYMMDD, China Standard Time) from the same counter NextCaseNumber
// uses, in one statement, and returns the first. A server running beside
// the seeder therefore never hands out a number the seeder uses.
func (r *Repo) ReserveCaseNumbers(ctx context.Context, day string, n int) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("reserve case numbers: %w: n = %d", workflow.ErrInvalidInput, n)
	}
	var last int64
	err := r.db.gorm.WithContext(ctx).Raw(`INSERT INTO case_number_counters (day, last) VALUES (?, ?)
		ON CONFLICT (day) DO UPDATE SET last = case_number_counters.last + excluded.last RETURNING last`, day, n).
		Row().Scan(&last)
	if err != nil {
		return 0, translate("reserve case numbers", err)
	}
	return last - int64(n) + 1, nil
}

// SeedCaseNumber formats a case number as NextCaseNumber does.
func SeedCaseNumber(day string, seq int64) string {
	if seq > 999999 {
		return fmt.Sprintf("%s%s%d", CaseNumberPrefix, day, seq)
	}
	return fmt.Sprintf("%s%s%06d", CaseNumberPrefix, day, seq)
}
