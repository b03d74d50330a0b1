package models

import (
	"context"
	"fmt"
	"strings"
)

// On PostgreSQL a change is one statement: data-modifying CTEs write the
// case, the event, the outbox rows and the idempotency row, all keyed off
// the case CTE's RETURNING, so when the case write matches nothing, nothing
// else is written. One statement is one transaction and one round trip.

// stmt accumulates SQL text and its parameters.
type stmt struct {
	sql  strings.Builder
	args []any
}

// p appends placeholders for vs, comma-separated, with an optional cast.
func (s *stmt) p(cast string, vs ...any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "?" + cast
		s.args = append(s.args, v)
	}
	return strings.Join(parts, ", ")
}

// pgTail appends the CTEs that hang off the case CTE "c" and the final
// SELECT that reports how many cases were written.
func (r *Repo) pgTail(s *stmt, cr *changeRows) {
	r.db.pgChangeCTEs(s, cr)
	s.sql.WriteString(`
SELECT count(*) FROM c`)
}

// pgChangeCTEs appends the CTEs that hang off the case CTE "c": the
// events, the outbox rows and the idempotency row.
func (db *DB) pgChangeCTEs(s *stmt, cr *changeRows) {
	evs := cr.events()
	rows := make([]string, len(evs))
	for i, e := range evs {
		ev := db.eventArgs(e)
		rows[i] = fmt.Sprintf("(%s::bigint, %s, %s::timestamptz, %s, %s::json, %s)",
			s.p("", ev[1]), s.p("::text", ev[2:5]...), s.p("", ev[5]), s.p("::text", ev[6:9]...), s.p("", ev[9]),
			s.p("::text", ev[10:]...))
	}
	fmt.Fprintf(&s.sql, `, e AS (
	INSERT INTO case_events (%s)
	SELECT c.id, v.* FROM c, (VALUES %s) AS v)`, eventColumns, strings.Join(rows, ", "))
	if len(cr.effects) > 0 {
		at := db.ts(cr.ev.At)
		// Placeholders bind in text order: the times come before the VALUES.
		times := s.p("::timestamptz", at, at, at)
		vals := make([]string, len(cr.effects))
		for i, e := range cr.effects {
			vals[i] = fmt.Sprintf("(%d, %s)", i, s.p("::text", e.Kind, e.Payload))
		}
		fmt.Fprintf(&s.sql, `, o AS (
	INSERT INTO outbox (case_id, kind, payload, state, next_at, created_at, updated_at)
	SELECT c.id, v.kind, v.payload::jsonb, 'pending', %s
	FROM c, (VALUES %s) AS v(ord, kind, payload) ORDER BY v.ord)`, times, strings.Join(vals, ", "))
	}
	if h := cr.hold; h != nil {
		fmt.Fprintf(&s.sql, `, h AS (
	INSERT INTO case_claims (case_id, staff_id, department, claimed_at, expires_at)
	SELECT c.id, %s, %s FROM c), l AS (
	INSERT INTO case_staff_log (case_id, seq, action, staff_id, at, data, prev_hash, hash)
	SELECT c.id, 1, %s, %s::timestamptz, %s::json, '', %s FROM c)`,
			s.p("::text", h.staffID, h.department), s.p("::timestamptz", db.ts(h.at), db.ts(h.until)),
			s.p("::text", string(h.log.Action), h.log.StaffID), s.p("", db.ts(h.log.At)), s.p("", string(h.log.Data)), s.p("::text", h.log.Hash))
	}
	if k := cr.idem; k != nil {
		fmt.Fprintf(&s.sql, `, i AS (
	INSERT INTO idempotency_keys (scope, "key", request_hash, status, response, created_at)
	SELECT %s, %s::integer, %s::bytea, %s::timestamptz FROM c)`,
			s.p("::text", k.Scope, k.Key, k.RequestHash), s.p("", k.Status), s.p("", k.Response), s.p("", db.ts(k.CreatedAt)))
	}
}

func (r *Repo) createPostgres(ctx context.Context, cr changeRows) error {
	if cr.draftLimit > 0 {
		return r.createDraftPostgres(ctx, cr)
	}
	var s stmt
	fmt.Fprintf(&s.sql, `WITH c AS (
	INSERT INTO cases (%s) VALUES (%s) RETURNING id)`, caseColumns, s.p("", r.db.caseArgs(cr.c)...))
	r.pgTail(&s, &cr)
	var n int64
	if err := r.db.gorm.WithContext(ctx).Raw(s.sql.String(), s.args...).Row().Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("inserted %d cases", n)
	}
	return nil
}

// createDraftPostgres writes a draft held to its applicant's limit of open
// drafts, in one statement: open_drafts_locked (migration 00007) takes a
// transaction-scoped advisory lock on the applicant, so the applicant's
// new drafts take turns across replicas, and counts the drafts on a
// snapshot taken after the lock; the insert is made only below the limit.
func (r *Repo) createDraftPostgres(ctx context.Context, cr changeRows) error {
	var s stmt
	fmt.Fprintf(&s.sql, `WITH c AS (
	INSERT INTO cases (%s) SELECT %s WHERE open_drafts_locked(%s, %s) < %s RETURNING id)`, caseColumns,
		s.p("", r.db.caseArgs(cr.c)...), s.p("::text", cr.c.ApplicantID), s.p("::integer", cr.draftLimit), s.p("", cr.draftLimit))
	r.pgTail(&s, &cr)
	var n int64
	if err := r.db.gorm.WithContext(ctx).Raw(s.sql.String(), s.args...).Row().Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return errDraftLimit
	}
	return nil
}

// applyPostgres writes the change as one statement whose UPDATE requires
// both the expected version and the head hash the event is chained to.
func (r *Repo) applyPostgres(ctx context.Context, cr *changeRows) error {
	db := r.db.gorm.WithContext(ctx)
	return r.applyChained(db, cr, func(h head) (bool, error) {
		var s stmt
		s.sql.WriteString("WITH ")
		r.db.pgCaseUpdate(&s, cr, h.hash, r.db.pgGuard)
		r.pgTail(&s, cr)
		var n int64
		err := db.Raw(s.sql.String(), s.args...).Row().Scan(&n)
		return n == 1, err
	})
}

// pgCaseUpdate appends the CTE "c" that writes the case of cr if the stored
// one is still at the version before it with head hash, and the condition
// cond appends to the WHERE clause (nil: none) holds.
func (db *DB) pgCaseUpdate(s *stmt, cr *changeRows, hash string, cond func(*stmt, *changeRows) string) {
	args := db.caseArgs(cr.c)
	set := fmt.Sprintf(`c AS (
	UPDATE cases SET number = %s, item_code = %s, department = %s, applicant_id = %s, status = %s,
		version = %s, trust_first = %s, false_commitment = %s, card = %s, deadline = %s,
		next_timer_at = %s, created_at = %s, updated_at = %s, last_hash = %s, data = %s, exclusion_ends_at = %s,
		commitment_letter = %s
	WHERE id = %s AND version = %s AND last_hash = %s`,
		s.p("", args[1]), s.p("", args[2]), s.p("", args[3]), s.p("", args[4]), s.p("", args[5]),
		s.p("", args[6]), s.p("", args[7]), s.p("", args[8]), s.p("", args[9]), s.p("::timestamptz", args[10]),
		s.p("::timestamptz", args[11]), s.p("", args[12]), s.p("", args[13]), s.p("", args[14]), s.p("", args[15]),
		s.p("::timestamptz", args[17]), s.p("::text", args[18]), s.p("", args[0]), s.p("", cr.prevVersion()), s.p("", hash))
	if cond != nil {
		// Placeholders bind in text order: cond's come after the others.
		set += cond(s, cr)
	}
	s.sql.WriteString(set + " RETURNING id)")
}

// pgGuard is the condition the change's guard adds to the case UPDATE. The
// claim row is locked for share, so a hand-over or reassignment committing
// meanwhile either waits for this change or is seen by it.
func (db *DB) pgGuard(s *stmt, cr *changeRows) string {
	g := cr.guard
	if g == nil {
		return ""
	}
	return fmt.Sprintf(` AND EXISTS (SELECT 1 FROM case_claims WHERE case_id = %s AND staff_id = %s AND expires_at > %s FOR SHARE)`,
		s.p("::text", cr.c.ID), s.p("::text", g.ClaimedBy), s.p("::timestamptz", db.ts(g.At)))
}
