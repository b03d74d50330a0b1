package models

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"zerovisit/workflow"
)

// outboxColumns lists the outbox columns an OutboxEntry is read from.
const outboxColumns = `id, case_id, kind, payload, state, attempts, next_at, last_error, created_at, updated_at`

// maxLastError bounds the stored error text of a failed attempt.
const maxLastError = 2000

func scanOutbox(s rowScanner) (workflow.OutboxEntry, error) {
	var (
		e                        workflow.OutboxEntry
		payload, state, kind     string
		nextAt, created, updated sqlTime
	)
	err := s.Scan(&e.ID, &e.CaseID, &kind, &payload, &state, &e.Attempts, &nextAt, &e.LastError, &created, &updated)
	e.Kind, e.Payload, e.State = workflow.EffectKind(kind), json.RawMessage(payload), workflow.OutboxState(state)
	e.NextAt, e.CreatedAt, e.UpdatedAt = nextAt.T, created.T, updated.T
	return e, err
}

// Claim leases up to limit pending entries due at now until now+lease, and
// counts the attempt. Leased entries are invisible to other claimers until
// the lease runs out, so dispatchers on several replicas never hold one
// entry at once; an entry whose dispatcher died is claimed again later.
func (r *Repo) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]workflow.OutboxEntry, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("claim outbox entries: %w: limit and lease must be positive", workflow.ErrInvalidInput)
	}
	db := r.db
	until, at := db.ts(now.Add(lease)), db.ts(now)
	var (
		q    string
		args []any
	)
	if db.isPostgres() {
		// SKIP LOCKED: concurrent claimers pass over rows another is leasing
		// instead of waiting for it; MATERIALIZED pins the locked set.
		q = `WITH due AS MATERIALIZED (
			SELECT id FROM outbox
			WHERE state = 'pending' AND next_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
			ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
		UPDATE outbox o SET leased_until = ?, attempts = o.attempts + 1, updated_at = ?
		FROM due WHERE o.id = due.id
		RETURNING o.id, o.case_id, o.kind, o.payload, o.state, o.attempts, o.next_at, o.last_error, o.created_at, o.updated_at`
		args = []any{at, at, limit, until, at}
	} else {
		// The single connection serialises claimers. Without statistics
		// SQLite prefers outbox_state_idx and sorts every pending row;
		// INDEXED BY keeps it on the due index, already in claim order.
		q = `UPDATE outbox SET leased_until = ?, attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_due_idx
			WHERE state = 'pending' AND next_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
			ORDER BY next_at, id LIMIT ?)
		RETURNING ` + outboxColumns
		args = []any{until, at, at, at, limit}
	}
	rows, err := db.gorm.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, translate("claim outbox entries", err)
	}
	defer rows.Close()
	var out []workflow.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, translate("claim outbox entries", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, translate("claim outbox entries", err)
	}
	// RETURNING promises no order.
	slices.SortFunc(out, func(a, b workflow.OutboxEntry) int {
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// transition moves entry id from state from, and says what stopped it when
// nothing moved: ErrNotFound, nil when the entry is already in state
// alreadyOK (a repeated call), ErrConflict otherwise.
func (r *Repo) transition(ctx context.Context, op string, id int64, from workflow.OutboxState,
	alreadyOK workflow.OutboxState, set string, args ...any) error {
	db := r.db.gorm.WithContext(ctx)
	res := db.Exec(`UPDATE outbox SET `+set+` WHERE id = ? AND state = ?`, append(args, id, string(from))...)
	if res.Error != nil {
		return translate(op, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var state string
	if err := db.Raw(`SELECT state FROM outbox WHERE id = ?`, id).Row().Scan(&state); err != nil {
		return translate(op, err)
	}
	if alreadyOK != "" && workflow.OutboxState(state) == alreadyOK {
		return nil
	}
	return fmt.Errorf("%s: %w: entry is %s, not %s", op, workflow.ErrConflict, state, from)
}

// Complete marks a claimed entry done. Completing a done entry again is a no-op.
func (r *Repo) Complete(ctx context.Context, id int64, now time.Time) error {
	return r.transition(ctx, fmt.Sprintf("complete outbox entry %d", id), id, workflow.OutboxPending, workflow.OutboxDone,
		`state = 'done', leased_until = NULL, updated_at = ?`, r.db.ts(now))
}

// Retry records a failed attempt and makes the entry due again at next.
func (r *Repo) Retry(ctx context.Context, id int64, next time.Time, errMsg string) error {
	return r.transition(ctx, fmt.Sprintf("retry outbox entry %d", id), id, workflow.OutboxPending, "",
		`next_at = ?, last_error = ?, leased_until = NULL, updated_at = ?`,
		r.db.ts(next), clip(errMsg, maxLastError), r.db.ts(r.now()))
}

// Bury parks an entry as dead after its last failed attempt. Burying a dead
// entry again is a no-op.
func (r *Repo) Bury(ctx context.Context, id int64, now time.Time, errMsg string) error {
	return r.transition(ctx, fmt.Sprintf("bury outbox entry %d", id), id, workflow.OutboxPending, workflow.OutboxDead,
		`state = 'dead', last_error = ?, leased_until = NULL, updated_at = ?`, clip(errMsg, maxLastError), r.db.ts(now))
}

// Redrive makes a dead entry pending again, due at now, with a fresh
// attempt budget (attempts back to 0; last_error is kept for the record).
func (r *Repo) Redrive(ctx context.Context, id int64, now time.Time) error {
	return r.transition(ctx, fmt.Sprintf("redrive outbox entry %d", id), id, workflow.OutboxDead, "",
		`state = 'pending', attempts = 0, next_at = ?, leased_until = NULL, updated_at = ?`, r.db.ts(now), r.db.ts(now))
}

// List returns entries in a state, newest first, with ids below beforeID
// (0 = from the newest); limit is capped at 1000.
func (r *Repo) List(ctx context.Context, state workflow.OutboxState, beforeID int64, limit int) ([]workflow.OutboxEntry, error) {
	limit = min(max(limit, 1), 1000)
	db := r.db.gorm.WithContext(ctx)
	var q *gorm.DB
	if beforeID > 0 {
		q = db.Raw(`SELECT `+outboxColumns+` FROM outbox WHERE state = ? AND id < ? ORDER BY id DESC LIMIT ?`, string(state), beforeID, limit)
	} else {
		q = db.Raw(`SELECT `+outboxColumns+` FROM outbox WHERE state = ? ORDER BY id DESC LIMIT ?`, string(state), limit)
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, translate("list outbox entries", err)
	}
	defer rows.Close()
	var out []workflow.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, translate("list outbox entries", err)
		}
		out = append(out, e)
	}
	return out, translate("list outbox entries", rows.Err())
}

// outboxPurgeBatch is how many done entries one statement of PurgeDone
// deletes, so that a long backlog never holds a long lock.
const outboxPurgeBatch = 1000

// PurgeDone deletes done entries last changed before before, oldest first,
// in batches, and returns how many went. Pending entries are work still to
// do and dead ones wait for an operator: neither is ever purged. An entry's
// id stays its idempotency key at the receiving party; ids are never reused.
func (r *Repo) PurgeDone(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res := r.db.gorm.WithContext(ctx).Exec(`DELETE FROM outbox WHERE id IN (
			SELECT id FROM outbox WHERE state = 'done' AND updated_at < ? ORDER BY id LIMIT ?)`,
			r.db.ts(before), outboxPurgeBatch)
		if res.Error != nil {
			return total, translate("purge done outbox entries", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < outboxPurgeBatch || ctx.Err() != nil {
			return total, nil
		}
	}
}

// OutboxCounts counts entries per state, for metrics; every state is present.
func (r *Repo) OutboxCounts(ctx context.Context) (map[workflow.OutboxState]int64, error) {
	out := map[workflow.OutboxState]int64{workflow.OutboxPending: 0, workflow.OutboxDone: 0, workflow.OutboxDead: 0}
	rows, err := r.db.gorm.WithContext(ctx).Raw(`SELECT state, count(*) FROM outbox GROUP BY state`).Rows()
	if err != nil {
		return nil, translate("count outbox entries", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			state string
			n     int64
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, translate("count outbox entries", err)
		}
		out[workflow.OutboxState(state)] = n
	}
	return out, translate("count outbox entries", rows.Err())
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
