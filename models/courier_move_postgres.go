package models

import (
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"zerovisit/workflow/desk"
)

// movePostgres writes, in tx, a move that changes leg l as one statement:
// data-modifying CTEs insert the track, update the leg if it is still at
// l.Version-1 and, only if it was, insert the leg the move created. A
// repeated track or a second leg of one source fails the statement (a
// duplicate); a stale leg updates nothing, and the error returned then
// rolls tx back, track and all. The statement also reads the stored
// version, for the conflict's message.
func (s *CourierStore) movePostgres(tx *gorm.DB, t desk.Track, l desk.Leg, created *desk.Leg) error {
	_, err := s.movePostgresWith(tx, t, l, created, nil, head{})
	return err
}

// movePostgresWith is movePostgres with, when sync is set, the change of
// the leg's case that brings it in step, chained to the case's head h, in
// the same statement: the case CTE writes only if the leg's did, and the
// leg is written as synced at its version. written reports whether the
// case was; when it was not (it moved on), the leg's synced version is
// put back in tx.
func (s *CourierStore) movePostgresWith(tx *gorm.DB, t desk.Track, l desk.Leg, created *desk.Leg, sync *changeRows, h head) (written bool, err error) {
	a, err := s.legArgs(l)
	if err != nil {
		return false, err
	}
	synced := l.SyncedVersion
	if sync != nil {
		synced = l.Version
	}
	var q stmt
	fmt.Fprintf(&q.sql, `WITH u AS (
	UPDATE courier_legs SET source_key = %s, kind = %s, case_id = %s, provider = %s, waybill = %s, status = %s,
		courier_id = %s, version = %s, synced_version = %s, created_at = %s, updated_at = %s, moved_at = %s, data = %s
	WHERE id = %s AND version = %s RETURNING id
), t AS (
	INSERT INTO courier_tracks (%s) VALUES (%s))`,
		q.p("", a[1]), q.p("", a[2]), q.p("", a[3]), q.p("", a[4]), q.p("", a[5]), q.p("", a[6]),
		q.p("", a[7]), q.p("", a[8]), q.p("", synced), q.p("", a[10]), q.p("", a[11]), q.p("", a[12]), q.p("", a[13]),
		q.p("", a[0]), q.p("", l.Version-1), trackColumns, q.p("", s.trackArgs(t)...))
	if created != nil {
		b, err := s.legArgs(*created)
		if err != nil {
			return false, err
		}
		// Placeholders of a SELECT list have no column to take a type
		// from: each is cast to its column's.
		fmt.Fprintf(&q.sql, `, n AS (
	INSERT INTO courier_legs (%s)
	SELECT %s, %s, %s, %s FROM u)`, legColumns,
			q.p("::text", b[:8]...), q.p("::bigint", b[8:10]...), q.p("::timestamptz", b[10:13]...), q.p("::jsonb", b[13]))
	}
	cases := "0"
	if sync != nil {
		q.sql.WriteString(", ")
		s.db.pgCaseUpdate(&q, sync, h.hash, func(*stmt, *changeRows) string { return " AND EXISTS (SELECT 1 FROM u)" })
		s.db.pgChangeCTEs(&q, sync)
		cases = "(SELECT count(*) FROM c)"
	}
	fmt.Fprintf(&q.sql, `
SELECT (SELECT count(*) FROM u), (SELECT version FROM courier_legs WHERE id = %s), %s`, q.p("", l.ID), cases)
	var (
		n, nc  int64
		stored sql.NullInt64
	)
	if err := tx.Raw(q.sql.String(), q.args...).Row().Scan(&n, &stored, &nc); err != nil {
		return false, err
	}
	switch {
	case n == 1 && sync != nil && nc == 0:
		// The case moved on: the leg is stored, not yet in step.
		return false, tx.Exec(`UPDATE courier_legs SET synced_version = ? WHERE id = ?`, l.SyncedVersion, l.ID).Error
	case n == 1:
		return nc == 1, nil
	case !stored.Valid:
		return false, sql.ErrNoRows
	}
	return false, errVersionConflict(stored.Int64, l.Version-1)
}
