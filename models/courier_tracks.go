package models

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/files"
	"zerovisit/workflow/parcel"
)

const trackColumns = `leg_id, source, "key", request_hash, state, code, at, actor_kind, actor_id, note, applied, result, received_at`

// trackArgs converts a track to the values of trackColumns.
func (s *CourierStore) trackArgs(t desk.Track) []any {
	var result any
	if t.Result != nil {
		result = string(t.Result)
	}
	return []any{t.LegID, t.Source, t.Key, t.RequestHash, string(t.State), t.Code, s.db.ts(t.At), string(t.Actor.Kind), t.Actor.ID,
		t.Note, t.Applied, result, s.db.ts(t.ReceivedAt)}
}

func (s *CourierStore) insertTrack(tx *gorm.DB, t desk.Track) error {
	return tx.Exec(`INSERT INTO courier_tracks (`+trackColumns+`) VALUES (`+placeholders(13)+`)`, s.trackArgs(t)...).Error
}

// trackRow is a row of trackColumns as scanned.
type trackRow struct {
	t            desk.Track
	state, kind  string
	result       *string
	at, received sqlTime
}

// dest are the scan destinations of trackColumns.
func (r *trackRow) dest() []any {
	t := &r.t
	return []any{&t.LegID, &t.Source, &t.Key, &t.RequestHash, &r.state, &t.Code, &r.at, &r.kind, &t.Actor.ID,
		&t.Note, &t.Applied, &r.result, &r.received}
}

func (r *trackRow) track() desk.Track {
	t := r.t
	t.State, t.Actor.Kind, t.At, t.ReceivedAt = parcel.State(r.state), workflow.ActorKind(r.kind), r.at.T, r.received.T
	if r.result != nil {
		t.Result = []byte(*r.result)
	}
	return t
}

func scanTrack(row rowScanner) (desk.Track, error) {
	var r trackRow
	if err := row.Scan(r.dest()...); err != nil {
		return desk.Track{}, err
	}
	return r.track(), nil
}

// Track returns the track with a source and key.
func (s *CourierStore) Track(ctx context.Context, source, key string) (desk.Track, error) {
	op := fmt.Sprintf("get track %s/%s", source, key)
	t, err := scanTrack(s.db.gorm.WithContext(ctx).Raw(`SELECT `+trackColumns+` FROM courier_tracks
		WHERE source = ? AND "key" = ?`, source, key).Row())
	return t, translate(op, err)
}

// Tracks returns a leg's tracks, oldest first.
func (s *CourierStore) Tracks(ctx context.Context, legID string) ([]desk.Track, error) {
	op := "tracks of leg " + legID
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT `+trackColumns+` FROM courier_tracks WHERE leg_id = ? ORDER BY id`, legID).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []desk.Track
	for rows.Next() {
		t, err := scanTrack(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, t)
	}
	return out, translate(op, rows.Err())
}

// AddPhoto keeps a photo of a leg; a photo kept already is left as it is.
func (s *CourierStore) AddPhoto(ctx context.Context, p desk.Photo) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO courier_photos (leg_id, "key", sm3, size, content_type, courier_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (leg_id, "key") DO NOTHING`,
		p.LegID, p.Key, p.SM3, p.Size, p.ContentType, p.CourierID, s.db.ts(p.CreatedAt)).Error
	return translate("add photo to leg "+p.LegID, err)
}

const photoColumns = `leg_id, "key", sm3, size, content_type, courier_id, created_at`

func scanPhoto(row rowScanner) (desk.Photo, error) {
	var (
		p       desk.Photo
		created sqlTime
	)
	err := row.Scan(&p.LegID, &p.Key, &p.SM3, &p.Size, &p.ContentType, &p.CourierID, &created)
	p.CreatedAt = created.T
	return p, err
}

// Photo returns a photo of a leg by key.
func (s *CourierStore) Photo(ctx context.Context, legID, key string) (desk.Photo, error) {
	p, err := scanPhoto(s.db.gorm.WithContext(ctx).Raw(`SELECT `+photoColumns+`
		FROM courier_photos WHERE leg_id = ? AND "key" = ?`, legID, key).Row())
	return p, translate("get photo of leg "+legID, err)
}

// lookupScan reads, in one statement, the track with a source and key and
// the legs of every case with a leg under a waybill, each with its case
// and its photos with one of the keys given (photos is that column's SQL).
// The joins yield at least one row; columns of a missing track, leg or
// case read as zero values.
func lookupScan(photos string) string {
	return `SELECT t.source IS NOT NULL, l.id IS NOT NULL,
	COALESCE(t.leg_id, ''), COALESCE(t.source, ''), COALESCE(t."key", ''), COALESCE(t.request_hash, ''),
	COALESCE(t.state, ''), COALESCE(t.code, ''), t.at, COALESCE(t.actor_kind, ''), COALESCE(t.actor_id, ''),
	COALESCE(t.note, ''), COALESCE(t.applied, FALSE), t.result, t.received_at,
	COALESCE(l.id, ''), COALESCE(l.source_key, ''), COALESCE(l.kind, ''), COALESCE(l.case_id, ''),
	COALESCE(l.provider, ''), COALESCE(l.waybill, ''), COALESCE(l.status, ''), COALESCE(l.courier_id, ''),
	COALESCE(l.version, 0), COALESCE(l.synced_version, 0), l.created_at, l.updated_at, l.moved_at, COALESCE(l.data, '{}'),
	COALESCE(c.id, ''), COALESCE(c.number, ''), COALESCE(c.item_code, ''), COALESCE(c.department, ''),
	COALESCE(c.applicant_id, ''), COALESCE(c.status, ''), COALESCE(c.version, 0), COALESCE(c.trust_first, FALSE),
	COALESCE(c.false_commitment, FALSE), COALESCE(c.card, ''), c.deadline, c.next_timer_at, c.created_at, c.updated_at,
	COALESCE(c.last_hash, ''), COALESCE(CAST(c.data AS TEXT), ''), c.subject_index, c.exclusion_ends_at, c.commitment_letter, ` + photos + `
FROM (SELECT 1 AS one) AS o
LEFT JOIN courier_tracks t ON t.source = ? AND t."key" = ?
LEFT JOIN courier_legs l ON l.case_id IN (SELECT w.case_id FROM courier_legs w WHERE w.waybill = ? AND w.waybill <> '')
LEFT JOIN cases c ON c.id = l.case_id
ORDER BY l.created_at DESC, l.id DESC`
}

// photosOfLeg is the lookup's column of a leg's photos with one of n keys,
// as a JSON array of [key, sm3, size, content type, courier] (NULL or []
// for none).
func (s *CourierStore) photosOfLeg(n int) string {
	if n == 0 {
		return "NULL"
	}
	agg := `json_agg(json_build_array(p."key", p.sm3, p.size, p.content_type, p.courier_id))::text`
	if !s.db.isPostgres() {
		agg = `json_group_array(json_array(p."key", p.sm3, p.size, p.content_type, p.courier_id))`
	}
	return fmt.Sprintf(`(SELECT %s FROM courier_photos p WHERE p.leg_id = l.id AND p."key" IN (%s))`, agg, placeholders(n))
}

// LookupScan returns, in one read, the track with source and key (nil
// when there is none), the legs of every case that has a leg under
// waybill, newest first, their cases, and the photos of those legs with
// one of photoKeys.
func (s *CourierStore) LookupScan(ctx context.Context, source, key, waybill string, photoKeys []string) (desk.ScanLookup, error) {
	op := fmt.Sprintf("look up scan %s/%s of %s", source, key, waybill)
	args := make([]any, 0, len(photoKeys)+3)
	for _, k := range photoKeys {
		args = append(args, k)
	}
	rows, err := s.db.gorm.WithContext(ctx).Raw(lookupScan(s.photosOfLeg(len(photoKeys))), append(args, source, key, waybill)...).Rows()
	if err != nil {
		return desk.ScanLookup{}, translate(op, err)
	}
	defer rows.Close()
	var out desk.ScanLookup
	for rows.Next() {
		var (
			hasTrack, hasLeg bool
			tr               trackRow
			lr               legRow
			photos           *string
		)
		dest := append(append([]any{&hasTrack, &hasLeg}, tr.dest()...), lr.dest()...)
		cr, err := scanCase(rowWith{row: rows, first: dest, last: []any{&photos}})
		if err != nil {
			return desk.ScanLookup{}, translate(op, err)
		}
		if hasTrack && out.Track == nil {
			t := tr.track()
			out.Track = &t
		}
		if !hasLeg {
			continue
		}
		l, err := lr.leg()
		if err != nil {
			return desk.ScanLookup{}, translate(op, err)
		}
		out.Legs = append(out.Legs, l)
		if err := s.lookedUpCase(&out, cr); err != nil {
			return desk.ScanLookup{}, fmt.Errorf("%s: %w", op, err)
		}
		if err := addPhotos(&out, l.ID, photos); err != nil {
			return desk.ScanLookup{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	return out, translate(op, rows.Err())
}

// lookedUpCase adds a case the lookup read (once per case) and remembers
// its head, so a change of it written next need not read it.
func (s *CourierStore) lookedUpCase(out *desk.ScanLookup, cr caseRow) error {
	if _, seen := out.Cases[cr.ID]; seen || cr.ID == "" {
		return nil
	}
	c, err := toCaseDomain(cr)
	if err != nil {
		return err
	}
	if out.Cases == nil {
		out.Cases = map[string]workflow.Case{}
	}
	out.Cases[cr.ID] = c
	s.db.heads.put(cr.ID, head{version: cr.Version, hash: cr.LastHash})
	return nil
}

// addPhotos adds the photos of leg legID a lookup read, as JSON.
func addPhotos(out *desk.ScanLookup, legID string, photos *string) error {
	if photos == nil {
		return nil
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal([]byte(*photos), &rows); err != nil {
		return fmt.Errorf("decode photos of leg %s: %w", legID, err)
	}
	for _, r := range rows {
		p := desk.Photo{LegID: legID}
		if len(r) != 5 {
			return fmt.Errorf("decode photos of leg %s: %d fields, want 5", legID, len(r))
		}
		for i, dst := range []any{&p.Key, &p.SM3, &p.Size, &p.ContentType, &p.CourierID} {
			if err := json.Unmarshal(r[i], dst); err != nil {
				return fmt.Errorf("decode photos of leg %s: %w", legID, err)
			}
		}
		out.Photos = append(out.Photos, p)
	}
	return nil
}

// CountDoorFailure counts a failed door check of a leg in advance, in one
// statement, unless max are counted already, and gives a leg nobody holds
// to the courier: another courier cannot use up its checks, nor its photos.
func (s *CourierStore) CountDoorFailure(ctx context.Context, legID, courierID string, max int) (bool, error) {
	g := s.db.gorm.WithContext(ctx)
	res := g.Exec(`UPDATE courier_legs SET door_failures = door_failures + 1,
		courier_id = CASE WHEN courier_id = '' THEN ? ELSE courier_id END
		WHERE id = ? AND door_failures < ? AND (courier_id = '' OR courier_id = ?)`, courierID, legID, max, courierID)
	if res.Error != nil {
		return false, translate("count door failure of leg "+legID, res.Error)
	}
	if res.RowsAffected == 1 {
		return true, nil
	}
	var holder string
	if err := g.Raw(`SELECT courier_id FROM courier_legs WHERE id = ?`, legID).Row().Scan(&holder); err != nil {
		return false, translate("count door failure of leg "+legID, err)
	}
	if holder != "" && holder != courierID {
		return false, desk.ErrLegTaken
	}
	return false, nil
}

// UncountDoorFailure takes back a count of CountDoorFailure.
func (s *CourierStore) UncountDoorFailure(ctx context.Context, legID string) error {
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE courier_legs SET door_failures = door_failures - 1
		WHERE id = ? AND door_failures > 0`, legID).Error
	return translate("uncount door failure of leg "+legID, err)
}

// AddDoorRefusal adds a refused door check to its leg's tracks.
func (s *CourierStore) AddDoorRefusal(ctx context.Context, t desk.Track) error {
	return translate("record refused door check of leg "+t.LegID, s.insertTrack(s.db.gorm.WithContext(ctx), t))
}

// RecordPhoto records a photo of a leg of caseID within q, in one
// statement: on SQLite the single writer serialises it; on PostgreSQL it
// runs after transaction-scoped locks on the case's and the courier's
// photos (the case first), so its snapshot counts every photo recorded
// before. A photo kept already is recorded. When it would pass a quota
// nothing is recorded and the usage is read.
func (s *CourierStore) RecordPhoto(ctx context.Context, caseID string, p desk.Photo, q files.Quota) (bool, files.Usage, error) {
	op := "record photo of leg " + p.LegID
	since := s.db.ts(p.CreatedAt.Add(-q.Window))
	var recorded bool
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.db.isPostgres() {
			if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0)), pg_advisory_xact_lock(hashtextextended(?, 0))`,
				"photos-case:"+caseID, "photos-courier:"+p.CourierID).Error; err != nil {
				return err
			}
		}
		res := tx.Exec(`INSERT INTO courier_photos (`+photoColumns+`)
			SELECT ?, ?, ?, ?, ?, ?, ? WHERE
			(SELECT count(*) < ? AND coalesce(sum(p.size), 0) + ? <= ? FROM courier_photos p JOIN courier_legs l ON l.id = p.leg_id WHERE l.case_id = ?)
			AND (SELECT count(*) < ? AND coalesce(sum(size), 0) + ? <= ? FROM courier_photos WHERE courier_id = ? AND created_at > ?)
			ON CONFLICT (leg_id, "key") DO NOTHING`,
			p.LegID, p.Key, p.SM3, p.Size, p.ContentType, p.CourierID, s.db.ts(p.CreatedAt),
			q.CaseFiles, p.Size, q.CaseBytes, caseID, q.AccountFiles, p.Size, q.AccountBytes, p.CourierID, since)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			recorded = true
			return nil
		}
		var kept int
		if err := tx.Raw(`SELECT count(*) FROM courier_photos WHERE leg_id = ? AND "key" = ?`, p.LegID, p.Key).Row().Scan(&kept); err != nil {
			return err
		}
		recorded = kept > 0
		return nil
	})
	if err != nil || recorded {
		return recorded, files.Usage{}, translate(op, err)
	}
	var used files.Usage
	err = s.db.gorm.WithContext(ctx).Raw(`SELECT
		(SELECT count(*) FROM courier_photos p JOIN courier_legs l ON l.id = p.leg_id WHERE l.case_id = ?),
		(SELECT CAST(coalesce(sum(p.size), 0) AS BIGINT) FROM courier_photos p JOIN courier_legs l ON l.id = p.leg_id WHERE l.case_id = ?),
		(SELECT count(*) FROM courier_photos WHERE courier_id = ? AND created_at > ?),
		(SELECT CAST(coalesce(sum(size), 0) AS BIGINT) FROM courier_photos WHERE courier_id = ? AND created_at > ?)`,
		caseID, caseID, p.CourierID, since, p.CourierID, since).Row().Scan(&used.CaseFiles, &used.CaseBytes, &used.AccountFiles, &used.AccountBytes)
	return false, used, translate(op, err)
}
