package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
)

// CourierStore keeps the courier desk's legs, their tracks, door photos
// and courier accounts, on either dialect.
type CourierStore struct {
	db *DB
}

var _ desk.Store = (*CourierStore)(nil)

// NewCourierStore returns the store over db.
func NewCourierStore(db *DB) *CourierStore { return &CourierStore{db: db} }

// legColumns lists the courier_legs columns in the order legArgs gives them.
const legColumns = `id, source_key, kind, case_id, provider, waybill, status, courier_id,
	version, synced_version, created_at, updated_at, moved_at, data`

// normLeg puts every time of a leg in the stored form.
func normLeg(l desk.Leg) desk.Leg {
	l.CreatedAt, l.UpdatedAt, l.MovedAt = normTime(l.CreatedAt), normTime(l.UpdatedAt), normTime(l.MovedAt)
	l.PickedUpAt, l.EndedAt = normTime(l.PickedUpAt), normTime(l.EndedAt)
	if l.Door != nil {
		d := *l.Door
		d.At = normTime(d.At)
		l.Door = &d
	}
	return l
}

// legArgs converts a leg to the values of legColumns.
func (s *CourierStore) legArgs(l desk.Leg) ([]any, error) {
	l = normLeg(l)
	data, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("encode leg %s: %w", l.ID, err)
	}
	return []any{l.ID, l.SourceKey, string(l.Kind), l.CaseID, l.Provider, l.Waybill, string(l.Status), l.CourierID,
		l.Version, l.SyncedVersion, s.db.ts(l.CreatedAt), s.db.ts(l.UpdatedAt), s.db.ts(l.MovedAt), string(data)}, nil
}

// legRow is a row of legColumns as scanned.
type legRow struct {
	id, source, kind, caseID, prov string
	waybill, status, courierID     string
	version, synced                int64
	created, updated, moved        sqlTime
	data                           string
}

// dest are the scan destinations of legColumns.
func (r *legRow) dest() []any {
	return []any{&r.id, &r.source, &r.kind, &r.caseID, &r.prov, &r.waybill, &r.status, &r.courierID,
		&r.version, &r.synced, &r.created, &r.updated, &r.moved, &r.data}
}

// leg is the document, with the columns laid over it (they are what
// queries see, so they are authoritative).
func (r *legRow) leg() (desk.Leg, error) {
	var l desk.Leg
	if err := json.Unmarshal([]byte(r.data), &l); err != nil {
		return desk.Leg{}, fmt.Errorf("decode leg %s: %w", r.id, err)
	}
	l.ID, l.SourceKey, l.Kind, l.CaseID, l.Provider = r.id, r.source, desk.Kind(r.kind), r.caseID, r.prov
	l.Waybill, l.Status, l.CourierID = r.waybill, desk.Status(r.status), r.courierID
	l.Version, l.SyncedVersion = r.version, r.synced
	l.CreatedAt, l.UpdatedAt, l.MovedAt = r.created.T, r.updated.T, r.moved.T
	return l, nil
}

// scanLeg reads a row of legColumns.
func scanLeg(row rowScanner) (desk.Leg, error) {
	var r legRow
	if err := row.Scan(r.dest()...); err != nil {
		return desk.Leg{}, err
	}
	return r.leg()
}

// CreateLeg stores a new leg; workflow.ErrDuplicate when its source key exists.
func (s *CourierStore) CreateLeg(ctx context.Context, l desk.Leg) error {
	args, err := s.legArgs(l)
	if err != nil {
		return err
	}
	err = s.db.gorm.WithContext(ctx).Exec(`INSERT INTO courier_legs (`+legColumns+`) VALUES (`+placeholders(len(args))+`)`, args...).Error
	return translate("create leg "+l.ID, err)
}

func (s *CourierStore) queryLegs(ctx context.Context, op, query string, args ...any) ([]desk.Leg, error) {
	rows, err := s.db.gorm.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []desk.Leg
	for rows.Next() {
		l, err := scanLeg(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, l)
	}
	return out, translate(op, rows.Err())
}

func (s *CourierStore) oneLeg(ctx context.Context, op, query string, args ...any) (desk.Leg, error) {
	legs, err := s.queryLegs(ctx, op, query, args...)
	if err != nil {
		return desk.Leg{}, err
	}
	if len(legs) == 0 {
		return desk.Leg{}, fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	return legs[0], nil
}

// Leg returns a leg by id.
func (s *CourierStore) Leg(ctx context.Context, id string) (desk.Leg, error) {
	return s.oneLeg(ctx, "get leg "+id, `SELECT `+legColumns+` FROM courier_legs WHERE id = ?`, id)
}

// LegBySource returns the leg a source created.
func (s *CourierStore) LegBySource(ctx context.Context, key string) (desk.Leg, error) {
	return s.oneLeg(ctx, "get leg of "+key, `SELECT `+legColumns+` FROM courier_legs WHERE source_key = ?`, key)
}

// LegsByWaybill returns the legs under a waybill, newest first.
func (s *CourierStore) LegsByWaybill(ctx context.Context, waybill string) ([]desk.Leg, error) {
	if waybill == "" {
		return nil, nil
	}
	return s.queryLegs(ctx, "legs by waybill", `SELECT `+legColumns+` FROM courier_legs
		WHERE waybill = ? ORDER BY created_at DESC, id DESC`, waybill)
}

// CaseLegs returns the legs of a case, oldest first.
func (s *CourierStore) CaseLegs(ctx context.Context, caseID string) ([]desk.Leg, error) {
	return s.queryLegs(ctx, "legs of case "+caseID, `SELECT `+legColumns+` FROM courier_legs
		WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// updateLeg changes a leg if it is still at l.Version-1. The synced
// version is left alone: MarkSynced moves it, never back.
func (s *CourierStore) updateLeg(tx *gorm.DB, l desk.Leg) error {
	a, err := s.legArgs(l)
	if err != nil {
		return err
	}
	res := tx.Exec(`UPDATE courier_legs SET source_key = ?, kind = ?, case_id = ?, provider = ?, waybill = ?, status = ?,
		courier_id = ?, version = ?, created_at = ?, updated_at = ?, moved_at = ?, data = ?
		WHERE id = ? AND version = ?`, a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[10], a[11], a[12], a[13], l.ID, l.Version-1)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var stored int64
	if err := tx.Raw(`SELECT version FROM courier_legs WHERE id = ?`, l.ID).Row().Scan(&stored); err != nil {
		return err
	}
	return errVersionConflict(stored, l.Version-1)
}

// UpdateLeg stores l if the stored leg is at l.Version-1.
func (s *CourierStore) UpdateLeg(ctx context.Context, l desk.Leg) error {
	return translate("update leg "+l.ID, s.updateLeg(s.db.gorm.WithContext(ctx), l))
}

// Move stores a track, the leg it changed and a leg it created, in one
// transaction. On PostgreSQL a move that changes the leg is one statement
// (movePostgres).
func (s *CourierStore) Move(ctx context.Context, t desk.Track, changed, created *desk.Leg) error {
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if changed != nil && s.db.isPostgres() {
			return s.movePostgres(tx, t, *changed, created)
		}
		return s.moveSQLite(tx, t, changed, created)
	})
	return translate("move leg "+t.LegID, err)
}

// moveSQLite stores a move in tx statement by statement (also on
// PostgreSQL when no leg changed).
func (s *CourierStore) moveSQLite(tx *gorm.DB, t desk.Track, changed *desk.Leg, created *desk.Leg) error {
	if err := s.insertTrack(tx, t); err != nil {
		return err
	}
	if changed != nil {
		if err := s.updateLeg(tx, *changed); err != nil {
			return err
		}
	}
	if created != nil {
		args, err := s.legArgs(*created)
		if err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO courier_legs (`+legColumns+`) VALUES (`+placeholders(len(args))+`)`, args...).Error
	}
	return nil
}

// MoveAndSync stores the move of a changed leg and ch, the change that
// brings its case in step, in one transaction (on PostgreSQL one
// statement), the leg recorded as synced at its version. When the case
// moved on since ch was planned, the move is stored alone and synced is
// false. The case's head comes from the head cache (a scan's lookup put
// it there), or is read.
func (s *CourierStore) MoveAndSync(ctx context.Context, t desk.Track, changed desk.Leg, created *desk.Leg, ch workflow.Change) (bool, error) {
	op := "move leg " + t.LegID + " with its case"
	cr, err := toChangeRows(ch)
	if err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if cr.prevVersion() < 1 || cr.c.ID != changed.CaseID {
		return false, fmt.Errorf("%s: %w: a change of the leg's case, after its creation", op, workflow.ErrInvalidInput)
	}
	var synced bool
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, ok := s.db.heads.get(cr.c.ID)
		if !ok || h.version != cr.prevVersion() {
			if h, err = readHead(tx, cr.c.ID); err != nil {
				return err
			}
		}
		if h.version != cr.prevVersion() {
			return s.moveAlone(tx, t, changed, created)
		}
		cr.chain(s.db.audit, h.hash)
		if s.db.isPostgres() {
			synced, err = s.movePostgresWith(tx, t, changed, created, &cr, h)
			return err
		}
		synced, err = s.moveSyncSQLite(tx, t, changed, created, &cr, h)
		return err
	})
	if err != nil {
		return false, translate(op, err)
	}
	if synced {
		s.db.heads.put(cr.c.ID, head{version: cr.c.Version, hash: cr.c.LastHash})
	}
	return synced, nil
}

// moveAlone stores a move in tx without its case.
func (s *CourierStore) moveAlone(tx *gorm.DB, t desk.Track, changed desk.Leg, created *desk.Leg) error {
	if s.db.isPostgres() {
		return s.movePostgres(tx, t, changed, created)
	}
	return s.moveSQLite(tx, t, &changed, created)
}

// moveSyncSQLite is MoveAndSync's transaction on SQLite.
func (s *CourierStore) moveSyncSQLite(tx *gorm.DB, t desk.Track, changed desk.Leg, created *desk.Leg, cr *changeRows, h head) (bool, error) {
	if err := s.moveSQLite(tx, t, &changed, created); err != nil {
		return false, err
	}
	if ok, err := sqliteCaseUpdate(tx, s.db, cr, h.hash); err != nil || !ok {
		return false, err
	}
	if err := sqliteChangeRows(tx, s.db, cr); err != nil {
		return false, err
	}
	return true, tx.Exec(`UPDATE courier_legs SET synced_version = ? WHERE id = ?`, changed.Version, changed.ID).Error
}

// openStates lists the states of legs still under way, for SQL.
func openStates() string {
	var q []string
	for _, st := range []desk.Status{desk.StatusDelivered, desk.StatusRefused, desk.StatusUndeliverable, desk.StatusLost, desk.StatusCancelled} {
		q = append(q, "'"+string(st)+"'")
	}
	return "status NOT IN (" + strings.Join(q, ", ") + ")"
}

// CourierLegs pages through the legs a courier sees: open ones that are
// theirs or nobody's, and theirs that changed since since.
func (s *CourierStore) CourierLegs(ctx context.Context, courierID, provider string, since time.Time, after string, limit int) ([]desk.Leg, error) {
	return s.queryLegs(ctx, "legs of courier", `SELECT `+legColumns+` FROM courier_legs
		WHERE id > ? AND status <> 'ordering'
		AND ((`+openStates()+` AND (courier_id = ? OR (courier_id = '' AND (? = '' OR provider = ?))))
			OR (courier_id = ? AND updated_at >= ?))
		ORDER BY id LIMIT ?`, after, courierID, provider, provider, courierID, s.db.ts(since), limit)
}

// UnsyncedLegs returns up to limit legs whose case has not caught up, least recently changed first.
func (s *CourierStore) UnsyncedLegs(ctx context.Context, limit int) ([]desk.Leg, error) {
	return s.queryLegs(ctx, "unsynced legs", `SELECT `+legColumns+` FROM courier_legs
		WHERE synced_version < version ORDER BY updated_at LIMIT ?`, limit)
}

// MarkSynced records that the case has caught up with version of the leg;
// it never moves the synced version back.
func (s *CourierStore) MarkSynced(ctx context.Context, id string, version int64) error {
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE courier_legs SET synced_version = ? WHERE id = ? AND synced_version < ?`,
		version, id, version).Error
	return translate("mark leg "+id+" synced", err)
}

// LegsIn returns up to limit legs in one of the states, by id after after.
func (s *CourierStore) LegsIn(ctx context.Context, states []desk.Status, after string, limit int) ([]desk.Leg, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := []any{after}
	for _, st := range states {
		args = append(args, string(st))
	}
	args = append(args, limit)
	return s.queryLegs(ctx, "legs in states", `SELECT `+legColumns+` FROM courier_legs
		WHERE id > ? AND status IN (`+placeholders(len(states))+`) ORDER BY id LIMIT ?`, args...)
}

// StillLegs returns up to limit open legs past pickup that have not moved since before.
func (s *CourierStore) StillLegs(ctx context.Context, before time.Time, limit int) ([]desk.Leg, error) {
	return s.queryLegs(ctx, "still legs", `SELECT `+legColumns+` FROM courier_legs
		WHERE status IN ('picked_up', 'in_transit', 'out_for_delivery') AND moved_at < ?
		ORDER BY moved_at LIMIT ?`, s.db.ts(before), limit)
}
