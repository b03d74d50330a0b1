package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
)

// caseRow is a row of the cases table.
type caseRow struct {
	ID              string
	Number          string
	ItemCode        string
	Department      string
	ApplicantID     string
	Status          string
	Version         int64
	TrustFirst      bool
	FalseCommitment bool
	Card            string
	Deadline        time.Time // zero = NULL
	NextTimerAt     time.Time // zero = NULL
	CreatedAt       time.Time
	UpdatedAt       time.Time
	LastHash        string
	Data            string    // the whole workflow.Case as JSON
	SubjectIndex    string    // "" = NULL
	ExclusionEnds   time.Time // zero = NULL
	Letter          string    // the counter signature's letter; "" = NULL
}

// caseColumns lists the cases columns in caseRow order.
const caseColumns = `id, number, item_code, department, applicant_id, status, version,
	trust_first, false_commitment, card, deadline, next_timer_at, created_at, updated_at, last_hash, data, subject_index,
	exclusion_ends_at, commitment_letter`

// caseUpdated is how many of the first caseColumns a case's UPDATE writes
// in order: all before subject_index, which is set when the case is opened
// and never changes. exclusion_ends_at and commitment_letter, after it,
// are written too.
const caseUpdated = 16

// normCase puts every time of c in the stored form, so the document and
// the columns agree and a read-back equals what was written.
func normCase(c workflow.Case) workflow.Case {
	c.Deadline = normTime(c.Deadline)
	c.NextTimerAt = normTime(c.NextTimerAt)
	c.ExcludedUntil = normTime(c.ExcludedUntil)
	c.CreatedAt = normTime(c.CreatedAt)
	c.UpdatedAt = normTime(c.UpdatedAt)
	return c
}

// toCaseRow converts a domain case to its row; LastHash is set by the caller.
func toCaseRow(c workflow.Case) (caseRow, error) {
	c = normCase(c)
	data, err := json.Marshal(c)
	if err != nil {
		return caseRow{}, fmt.Errorf("encode case %s: %w", c.ID, err)
	}
	return caseRow{
		ID: c.ID, Number: c.Number, ItemCode: c.ItemCode, Department: c.Department,
		ApplicantID: c.ApplicantID, Status: string(c.Status), Version: c.Version,
		TrustFirst: c.TrustFirst, FalseCommitment: c.FalseCommitment, Card: string(c.Card),
		Deadline: c.Deadline, NextTimerAt: c.NextTimerAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Data: string(data), SubjectIndex: c.SubjectIndex, ExclusionEnds: c.ExcludedUntil, Letter: letterOf(c),
	}, nil
}

// letterOf is the key of the scanned letter of c's counter signature.
func letterOf(c workflow.Case) string {
	if c.Signature == nil {
		return ""
	}
	return c.Signature.Letter
}

// toCaseDomain decodes the document and lays the columns over it: the
// columns are what queries and migrations see, so they are authoritative.
func toCaseDomain(r caseRow) (workflow.Case, error) {
	var c workflow.Case
	if err := json.Unmarshal([]byte(r.Data), &c); err != nil {
		return workflow.Case{}, fmt.Errorf("decode case %s: %w", r.ID, err)
	}
	c.ID, c.Number, c.ItemCode, c.Department = r.ID, r.Number, r.ItemCode, r.Department
	c.ApplicantID, c.Status, c.Version = r.ApplicantID, workflow.Status(r.Status), r.Version
	c.TrustFirst, c.FalseCommitment, c.Card = r.TrustFirst, r.FalseCommitment, workflow.Card(r.Card)
	c.Deadline, c.NextTimerAt, c.CreatedAt, c.UpdatedAt = r.Deadline, r.NextTimerAt, r.CreatedAt, r.UpdatedAt
	c.SubjectIndex, c.ExcludedUntil = r.SubjectIndex, r.ExclusionEnds
	return c, nil
}

// caseArgs returns r's values in caseColumns order as query parameters.
func (db *DB) caseArgs(r caseRow) []any {
	return []any{
		r.ID, r.Number, r.ItemCode, r.Department, r.ApplicantID, r.Status, r.Version,
		r.TrustFirst, r.FalseCommitment, r.Card, db.tsNull(r.Deadline), db.tsNull(r.NextTimerAt),
		db.ts(r.CreatedAt), db.ts(r.UpdatedAt), r.LastHash, r.Data, nullString(r.SubjectIndex), db.tsNull(r.ExclusionEnds),
		nullString(r.Letter),
	}
}

type rowScanner interface{ Scan(dest ...any) error }

func scanCase(s rowScanner) (caseRow, error) {
	var (
		r                                       caseRow
		deadline, timer, created, updated, ends sqlTime
		subject, letter                         sql.NullString
	)
	err := s.Scan(&r.ID, &r.Number, &r.ItemCode, &r.Department, &r.ApplicantID, &r.Status, &r.Version,
		&r.TrustFirst, &r.FalseCommitment, &r.Card, &deadline, &timer, &created, &updated, &r.LastHash, &r.Data, &subject, &ends, &letter)
	r.Deadline, r.NextTimerAt, r.CreatedAt, r.UpdatedAt, r.ExclusionEnds = deadline.T, timer.T, created.T, updated.T, ends.T
	r.SubjectIndex, r.Letter = subject.String, letter.String
	return r, err
}

// GetCase returns the case or workflow.ErrNotFound.
func (r *Repo) GetCase(ctx context.Context, id string) (workflow.Case, error) {
	row, err := scanCase(r.db.gorm.WithContext(ctx).
		Raw(`SELECT `+caseColumns+` FROM cases WHERE id = ?`, id).Row())
	if err != nil {
		return workflow.Case{}, translate("get case "+id, err)
	}
	r.heads.put(row.ID, head{version: row.Version, hash: row.LastHash})
	c, err := toCaseDomain(row)
	if err != nil {
		return workflow.Case{}, fmt.Errorf("get case %s: %w", id, err)
	}
	return c, nil
}

// timerPredicate selects cases with a pending timer that still matter. It
// is written with literals, and the migrations' partial index cases_timer_idx
// carries the very same text, so the planner can match the two (a test
// keeps them equal): closed cases whose timer was never cleared then stay
// out of the index instead of piling up at its front.
func timerPredicate() string {
	var terminal []string
	for _, s := range terminalStatuses() {
		terminal = append(terminal, "'"+s+"'")
	}
	return "next_timer_at IS NOT NULL AND status NOT IN (" + strings.Join(terminal, ", ") + ")"
}

// DueTimers returns up to limit non-terminal cases whose NextTimerAt is set
// and not after now, earliest first.
func (r *Repo) DueTimers(ctx context.Context, now time.Time, limit int) ([]workflow.Case, error) {
	return r.queryCases(ctx, "due timers", `SELECT `+caseColumns+` FROM cases
		WHERE `+timerPredicate()+` AND next_timer_at <= ?
		ORDER BY next_timer_at LIMIT ?`, r.db.ts(now), limit)
}

// queryCases runs a SELECT of caseColumns and decodes every row.
func (r *Repo) queryCases(ctx context.Context, op, query string, args ...any) ([]workflow.Case, error) {
	rows, err := r.db.gorm.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []workflow.Case
	for rows.Next() {
		row, err := scanCase(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		c, err := toCaseDomain(row)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, c)
	}
	return out, translate(op, rows.Err())
}

// CountFalseCommitments counts the subject's cases marked FalseCommitment:
// those of its applicant account and those opened for its identity under
// any account (walk-in, WeChat, Alipay), revoked at or after since (all
// when since is zero), whose exclusion has not ended at at (all when at
// is zero). since is the subject's own credit repair, so it
// covers that identity's cases (and the account's cases opened without
// one) only: a case of the account opened for another identity (a
// company the person acted for) still counts, its repair being another
// subject's. A revoked case is final, so its updated_at is when its false
// commitment was recorded.
func (r *Repo) CountFalseCommitments(ctx context.Context, who workflow.Subject, since, at time.Time) (int64, error) {
	var n int64
	q, args := r.db.falseCommitmentCount(who, since, at)
	if err := r.db.gorm.WithContext(ctx).Raw(q, args...).Row().Scan(&n); err != nil {
		return 0, translate("count false commitments", err)
	}
	return n, nil
}

// falseCommitmentCount is the query counting the subject's false
// commitments that still exclude it at at (all when at is zero), from
// since when it is not zero. Each side of the OR walks a partial index
// whose predicate is the literal "false_commitment"
// (cases_false_commitment_idx by account, cases_subject_false_idx by
// identity); an empty index matches no row (NULL never equals).
func (db *DB) falseCommitmentCount(who workflow.Subject, since, at time.Time) (string, []any) {
	q := `SELECT count(*) FROM cases WHERE (applicant_id = ? OR subject_index = ?) AND false_commitment`
	args := []any{who.ApplicantID, nullString(who.Index)}
	switch {
	case since.IsZero():
	case who.Index == "":
		q += ` AND updated_at >= ?`
		args = append(args, db.ts(since))
	default:
		q += ` AND (updated_at >= ? OR (subject_index IS NOT NULL AND subject_index <> ?))`
		args = append(args, db.ts(since), who.Index)
	}
	if !at.IsZero() {
		q += ` AND (exclusion_ends_at IS NULL OR exclusion_ends_at > ?)`
		args = append(args, db.ts(at))
	}
	return q, args
}

// nullString is s as a query parameter, NULL when empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// readHead returns the stored version and last hash of a case.
func readHead(q *gorm.DB, id string) (head, error) {
	var h head
	err := q.Raw(`SELECT version, last_hash FROM cases WHERE id = ?`, id).Row().Scan(&h.version, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return head{}, workflow.ErrNotFound
	}
	return h, err
}
