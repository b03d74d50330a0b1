package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// Ordering of the queues: red card first, then yellow, then by when the case
// falls due. The text is the index expressions of cases_worklist_idx and
// cases_verifying_idx in the 00003 migrations (the latter's states since 00013).
const (
	rankExpr   = `CASE c.card WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END`
	workDue    = `COALESCE(c.deadline, c.created_at)`
	verifyDue  = `COALESCE(c.next_timer_at, c.updated_at)`
	workStates = `c.status IN ('submitted', 'accepted', 'supplement_requested', 'special_procedure', 'approved')`
	verifyStat = `c.status IN ('verifying', 'commitment_review', 'rectifying')`
)

// queueCursor is where a page ends: the ordering key of its last case.
type queueCursor struct {
	Rank int       `json:"r"`
	Due  time.Time `json:"d"`
	ID   string    `json:"i"`
}

func rankOf(card workflow.Card) int {
	switch card {
	case workflow.CardRed:
		return 0
	case workflow.CardYellow:
		return 1
	}
	return 2
}

// keyOf is the ordering key of a case in a queue, as the SQL computes it.
func keyOf(kind staff.QueueKind, c workflow.Case) queueCursor {
	due := c.Deadline
	if due.IsZero() {
		due = c.CreatedAt
	}
	if kind == staff.VerificationQueue {
		due = c.NextTimerAt
		if due.IsZero() {
			due = c.UpdatedAt
		}
	}
	return queueCursor{Rank: rankOf(c.Card), Due: normTime(due), ID: c.ID}
}

// encodeCursor is the page key of a queue: the ordering key as JSON (the
// HTTP layer makes it an opaque cursor).
func encodeCursor(k queueCursor) string {
	b, _ := json.Marshal(k)
	return string(b)
}

// decodeCursor reads a page key this store handed out, refusing anything
// else with workflow.ErrBadCursor.
func decodeCursor(s string) (queueCursor, error) {
	var k queueCursor
	if len(s) > 512 || json.Unmarshal([]byte(s), &k) != nil || k.ID == "" || k.Rank < 0 || k.Rank > 2 {
		return queueCursor{}, workflow.ErrBadCursor
	}
	return k, nil
}

// applicantTypeExpr reads the applicant type from the case document; a
// case without one counts as a person's.
func (db *DB) applicantTypeExpr() string {
	if db.isPostgres() {
		return `COALESCE(c.data->>'applicant_type', 'person')`
	}
	return `COALESCE(json_extract(c.data, '$.applicant_type'), 'person')`
}

// cast is a PostgreSQL type cast for a parameter whose type the planner
// cannot infer; SQLite needs none.
func (db *DB) cast(typ string) string {
	if db.isPostgres() {
		return "::" + typ
	}
	return ""
}

// queueSQL builds the FROM and WHERE of a queue query (without the cursor)
// and its arguments.
func (s *StaffStore) queueSQL(q staff.QueueQuery) (string, []any, error) {
	var (
		where = []string{workStates}
		args  = []any{s.db.ts(q.Now)}
	)
	switch q.Kind {
	case staff.VerificationQueue:
		where[0] = verifyStat
	case staff.SearchQueue:
		where[0] = "c.status <> 'draft'"
		if q.Number == "" && q.SubjectIndex == "" && q.PhoneIndex == "" {
			return "", nil, fmt.Errorf("%w: a search needs a key", workflow.ErrInvalidInput)
		}
	}
	if q.Number != "" {
		where, args = append(where, "c.number = ?"), append(args, q.Number)
	}
	if q.SubjectIndex != "" {
		where, args = append(where, "c.subject_index = ?"), append(args, q.SubjectIndex)
	}
	if q.PhoneIndex != "" {
		where, args = append(where, `c.applicant_id IN (SELECT p.id FROM citizens p WHERE p.phone_index = ?
			UNION ALL SELECT w.id FROM counter_applicants w WHERE w.phone_index = ?)`), append(args, q.PhoneIndex, q.PhoneIndex)
	}
	if len(q.Departments) > 0 {
		where = append(where, "c.department IN ("+placeholders(len(q.Departments))+")")
		for _, d := range q.Departments {
			args = append(args, d)
		}
	}
	if q.Status != "" {
		if q.Kind == staff.VerificationQueue || !slices.Contains(staff.QueueStatuses(), q.Status) {
			return "", nil, fmt.Errorf("%w: state %q is not in this queue", workflow.ErrInvalidInput, q.Status)
		}
		where, args = append(where, "c.status = ?"), append(args, string(q.Status))
	}
	if q.ItemCode != "" {
		where, args = append(where, "c.item_code = ?"), append(args, q.ItemCode)
	}
	if q.TrustFirst != nil {
		where, args = append(where, "c.trust_first = ?"), append(args, *q.TrustFirst)
	}
	if q.ApplicantType != "" {
		where, args = append(where, s.db.applicantTypeExpr()+" = ?"), append(args, string(q.ApplicantType))
	}
	if len(q.Cards) > 0 {
		where = append(where, "c.card IN ("+placeholders(len(q.Cards))+")")
		for _, c := range q.Cards {
			args = append(args, string(c))
		}
	}
	if len(q.DeadlineIn) > 0 {
		var spans []string
		for _, sp := range q.DeadlineIn {
			spans, args = append(spans, "(c.deadline >= ? AND c.deadline < ?)"), append(args, s.db.ts(sp.From), s.db.ts(sp.To))
		}
		where = append(where, "("+strings.Join(spans, " OR ")+")")
	}
	switch q.Claimed {
	case staff.ClaimedAny:
	case staff.ClaimedMine:
		where, args = append(where, "cl.staff_id = ?"), append(args, q.StaffID)
	case staff.ClaimedFree:
		where = append(where, "cl.case_id IS NULL")
	case staff.ClaimedOthers:
		where, args = append(where, "cl.case_id IS NOT NULL AND cl.staff_id <> ?"), append(args, q.StaffID)
	default:
		return "", nil, fmt.Errorf("%w: unknown claim filter %q", workflow.ErrInvalidInput, q.Claimed)
	}
	from := ` FROM cases c LEFT JOIN case_claims cl ON cl.case_id = c.id AND cl.expires_at > ?
		WHERE ` + strings.Join(where, " AND ")
	return from, args, nil
}

// Queue returns a page of a queue in urgency order, with keyset paging: the
// cursor is the ordering key of the last case of the previous page, so a
// page costs the same however deep it is.
func (s *StaffStore) Queue(ctx context.Context, q staff.QueueQuery) (staff.QueuePage, error) {
	return s.queue(ctx, q, true)
}

// queue is Queue, counting the total only when asked to.
func (s *StaffStore) queue(ctx context.Context, q staff.QueueQuery, total bool) (staff.QueuePage, error) {
	op := "queue"
	if q.Kind == "" {
		q.Kind = staff.WorkQueue
	}
	if q.Limit < 1 {
		q.Limit = 20
	}
	from, args, err := s.queueSQL(q)
	if err != nil {
		return staff.QueuePage{}, fmt.Errorf("%s: %w", op, err)
	}
	var page staff.QueuePage
	if total {
		if err := s.db.gorm.WithContext(ctx).Raw(`SELECT count(*)`+from, args...).Row().Scan(&page.Total); err != nil {
			return staff.QueuePage{}, translate(op, err)
		}
	}
	due := workDue
	if q.Kind == staff.VerificationQueue {
		due = verifyDue
	}
	where := ""
	if q.Cursor != "" {
		k, err := decodeCursor(q.Cursor)
		if err != nil {
			return staff.QueuePage{}, fmt.Errorf("%s: %w", op, err)
		}
		where = fmt.Sprintf(" AND (%s, %s, c.id) > (?%s, ?%s, ?%s)", rankExpr, due, s.db.cast("integer"), s.db.cast("timestamptz"), s.db.cast("text"))
		args = append(args, k.Rank, s.db.ts(k.Due), k.ID)
	}
	query := `SELECT ` + prefixColumns(caseColumns, "c.") + `, cl.staff_id, cl.department, cl.claimed_at, cl.expires_at` +
		from + where + fmt.Sprintf(` ORDER BY %s, %s, c.id LIMIT ?`, rankExpr, due)
	rows, err := s.db.gorm.WithContext(ctx).Raw(query, append(args, q.Limit+1)...).Rows()
	if err != nil {
		return staff.QueuePage{}, translate(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanQueueEntry(rows)
		if err != nil {
			return staff.QueuePage{}, translate(op, err)
		}
		page.Items = append(page.Items, e)
	}
	if err := rows.Err(); err != nil {
		return staff.QueuePage{}, translate(op, err)
	}
	if len(page.Items) > q.Limit && q.Limit > 0 {
		page.Items = page.Items[:q.Limit]
		page.NextCursor = encodeCursor(keyOf(q.Kind, page.Items[q.Limit-1].Case))
	}
	return page, nil
}

func scanQueueEntry(rows interface{ Scan(...any) error }) (staff.QueueEntry, error) {
	var (
		claimed, expi sqlTime
		staffID, dept *string
	)
	r, err := scanCase(rowWith{row: rows, last: []any{&staffID, &dept, &claimed, &expi}})
	if err != nil {
		return staff.QueueEntry{}, err
	}
	c, err := toCaseDomain(r)
	if err != nil {
		return staff.QueueEntry{}, err
	}
	e := staff.QueueEntry{Case: c}
	if staffID != nil {
		e.Claim = &staff.Claim{CaseID: c.ID, StaffID: *staffID, Department: *dept, ClaimedAt: claimed.T, ExpiresAt: expi.T}
	}
	return e, nil
}

// prefixColumns qualifies a comma-separated column list with a table alias.
func prefixColumns(cols, alias string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// claimNextRounds bounds how often ClaimNext reads a fresh page of
// candidates when others keep winning the race for them.
const claimNextRounds = 8

// ClaimNext claims the most urgent unclaimed case the query selects for
// staffID: it reads a few candidates in urgency order and claims the first
// it wins, moving on when another member of staff was faster. When the
// first candidate was just taken, the rest are tried from a random one on,
// so that clerks racing for the head of a busy queue spread out instead of
// colliding on every candidate. workflow.ErrNotFound when no case is free.
func (s *StaffStore) ClaimNext(ctx context.Context, q staff.QueueQuery, staffID string, lease time.Duration) (staff.QueueEntry, error) {
	q.Claimed, q.Cursor, q.StaffID = staff.ClaimedFree, "", staffID
	if q.Limit < 1 || q.Limit > 16 {
		q.Limit = 8
	}
	for range claimNextRounds {
		page, err := s.queue(ctx, q, false)
		if err != nil {
			return staff.QueueEntry{}, err
		}
		if len(page.Items) == 0 {
			return staff.QueueEntry{}, fmt.Errorf("claim next case: %w", workflow.ErrNotFound)
		}
		order := page.Items
		if n := len(order); n > 2 {
			// The most urgent first; the rest from a random one on.
			k := 1 + rand.IntN(n-1)
			order = append(append([]staff.QueueEntry{order[0]}, order[k:]...), order[1:k]...)
		}
		for _, e := range order {
			cl, err := s.Claim(ctx, e.Case.ID, e.Case.Department, staffID, q.Now, lease)
			if errors.Is(err, workflow.ErrConflict) {
				continue
			}
			if err != nil {
				return staff.QueueEntry{}, err
			}
			e.Claim = &cl
			return e, nil
		}
	}
	return staff.QueueEntry{}, fmt.Errorf("claim next case: every candidate was taken first: %w", workflow.ErrConflict)
}
