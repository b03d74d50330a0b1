package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/parcel"
)

const trackColumns = `leg_id, source, "key", request_hash, state, code, at, actor_kind, actor_id, note, applied, result, received_at`

func (s *CourierStore) insertTrack(tx *gorm.DB, t desk.Track) error {
	var result any
	if t.Result != nil {
		result = string(t.Result)
	}
	return tx.Exec(`INSERT INTO courier_tracks (`+trackColumns+`) VALUES (`+placeholders(13)+`)`,
		t.LegID, t.Source, t.Key, t.RequestHash, string(t.State), t.Code, s.db.ts(t.At), string(t.Actor.Kind), t.Actor.ID,
		t.Note, t.Applied, result, s.db.ts(t.ReceivedAt)).Error
}

func scanTrack(row rowScanner) (desk.Track, error) {
	var (
		t            desk.Track
		state, kind  string
		result       *string
		at, received sqlTime
	)
	if err := row.Scan(&t.LegID, &t.Source, &t.Key, &t.RequestHash, &state, &t.Code, &at, &kind, &t.Actor.ID,
		&t.Note, &t.Applied, &result, &received); err != nil {
		return desk.Track{}, err
	}
	t.State, t.Actor.Kind, t.At, t.ReceivedAt = parcel.State(state), workflow.ActorKind(kind), at.T, received.T
	if result != nil {
		t.Result = []byte(*result)
	}
	return t, nil
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

// Photo returns a photo of a leg by key.
func (s *CourierStore) Photo(ctx context.Context, legID, key string) (desk.Photo, error) {
	var (
		p       desk.Photo
		created sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT leg_id, "key", sm3, size, content_type, courier_id, created_at
		FROM courier_photos WHERE leg_id = ? AND "key" = ?`, legID, key).Row().
		Scan(&p.LegID, &p.Key, &p.SM3, &p.Size, &p.ContentType, &p.CourierID, &created)
	p.CreatedAt = created.T
	return p, translate("get photo of leg "+legID, err)
}
