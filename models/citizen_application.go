package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"zerovisit/workflow"
	"zerovisit/workflow/apply"
)

// The application, its materials and uploads are the domain's (package
// apply); Citizens stores them.
type (
	Application         = apply.Application
	ApplicationMaterial = apply.Material
	Upload              = apply.Upload
	UploadRecord        = apply.UploadRecord
)

// CreateApplication stores a new application (version 1).
func (s *Citizens) CreateApplication(ctx context.Context, a Application) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("create application: %w", err)
	}
	now := normTime(s.now())
	err = s.db.gorm.WithContext(ctx).Exec(`INSERT INTO citizen_applications (case_id, principal_id, person_id, channel, version, data, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?)`, a.CaseID, a.PrincipalID, a.PersonID, string(a.Channel), string(data), s.db.ts(now), s.db.ts(now)).Error
	return translate("create application", err)
}

// applicationColumns lists the citizen_applications columns scanApplication reads.
const applicationColumns = `case_id, principal_id, person_id, channel, version, data, created_at, updated_at`

// applicationRow is a row of citizen_applications; the strings are null in
// a LEFT JOIN that found none.
type applicationRow struct {
	caseID, principalID, personID, channel, data sql.NullString
	version                                      sql.NullInt64
	created, updated                             sqlTime
}

func (r *applicationRow) dest() []any {
	return []any{&r.caseID, &r.principalID, &r.personID, &r.channel, &r.version, &r.data, &r.created, &r.updated}
}

// application decodes the row; ok is false when there was none.
func (r *applicationRow) application() (a Application, ok bool, err error) {
	if !r.caseID.Valid {
		return Application{}, false, nil
	}
	if err := json.Unmarshal([]byte(r.data.String), &a); err != nil {
		return Application{}, false, fmt.Errorf("decode application of case %s: %w", r.caseID.String, err)
	}
	a.CaseID, a.PrincipalID, a.PersonID, a.Version = r.caseID.String, r.principalID.String, r.personID.String, r.version.Int64
	a.Channel, a.CreatedAt, a.UpdatedAt = workflow.Channel(r.channel.String), r.created.T, r.updated.T
	return a, true, nil
}

// Application returns the application of a case, or workflow.ErrNotFound.
func (s *Citizens) Application(ctx context.Context, caseID string) (Application, error) {
	var row applicationRow
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT `+applicationColumns+`
		FROM citizen_applications WHERE case_id = ?`, caseID).Row().Scan(row.dest()...)
	if err != nil {
		return Application{}, translate("application of case "+caseID, err)
	}
	a, _, err := row.application()
	return a, err
}

// CaseAndApplication reads a case with its application in one statement
// (ok false when the case has none), for what the applicant does on it;
// workflow.ErrNotFound when there is no such case.
func (r *Repo) CaseAndApplication(ctx context.Context, id string) (workflow.Case, Application, bool, error) {
	op := "get case " + id + " with its application"
	var app applicationRow
	row := r.db.gorm.WithContext(ctx).Raw(`SELECT `+prefixColumns(caseColumns, "c.")+`, a.case_id, a.principal_id, a.person_id, a.channel,
			a.version, a.data, a.created_at, a.updated_at
		FROM cases c LEFT JOIN citizen_applications a ON a.case_id = c.id
		WHERE c.id = ?`, id).Row()
	cr, err := scanCase(rowWith{row: row, last: app.dest()})
	if err != nil {
		return workflow.Case{}, Application{}, false, translate(op, err)
	}
	r.heads.put(cr.ID, head{version: cr.Version, hash: cr.LastHash})
	c, err := toCaseDomain(cr)
	if err != nil {
		return workflow.Case{}, Application{}, false, fmt.Errorf("%s: %w", op, err)
	}
	a, ok, err := app.application()
	if err != nil {
		return workflow.Case{}, Application{}, false, fmt.Errorf("%s: %w", op, err)
	}
	return c, a, ok, nil
}

// UpdateApplication applies edit to a, the application as the caller read
// it, and saves it under an optimistic version check; when another request
// saved first it reads the application again and re-applies edit. An error
// from edit is returned as it is.
func (s *Citizens) UpdateApplication(ctx context.Context, a Application, edit func(*Application) error) (Application, error) {
	caseID := a.CaseID
	for range 8 {
		// edit works on a copy: the caller's materials stay as read.
		a.Materials = slices.Clone(a.Materials)
		if err := edit(&a); err != nil {
			return Application{}, err
		}
		data, err := json.Marshal(a)
		if err != nil {
			return Application{}, fmt.Errorf("update application: %w", err)
		}
		now := normTime(s.now())
		res := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizen_applications SET data = ?, version = version + 1, updated_at = ?
			WHERE case_id = ? AND version = ?`, string(data), s.db.ts(now), caseID, a.Version)
		if res.Error != nil {
			return Application{}, translate("update application", res.Error)
		}
		if res.RowsAffected == 1 {
			a.Version++
			a.UpdatedAt = now
			return a, nil
		}
		if a, err = s.Application(ctx, caseID); err != nil {
			return Application{}, err
		}
	}
	return Application{}, fmt.Errorf("update application of case %s: %w", caseID, workflow.ErrConflict)
}

// RecordUpload records u if, with it, the case's uploads and those of
// the account that made it (u.By) within q.Window stay within q, in one
// statement. On SQLite the single writer serialises it; on PostgreSQL
// upload_room_locked (migration 00007) locks the case's and the
// account's uploads and counts them on a snapshot taken after the locks.
// When it would pass a quota nothing is recorded and the usage is read.
func (s *Citizens) RecordUpload(ctx context.Context, caseID, material string, u Upload, q apply.UploadQuota) (bool, apply.UploadUsage, error) {
	const op = "record upload"
	db := s.db.gorm.WithContext(ctx)
	since := s.db.ts(u.At.Add(-q.Window))
	room := `(SELECT count(*) < ? AND coalesce(sum(size), 0) + ? <= ? FROM citizen_uploads WHERE case_id = ?)
		AND (SELECT count(*) < ? AND coalesce(sum(size), 0) + ? <= ? FROM citizen_uploads WHERE uploaded_by = ? AND created_at > ?)`
	args := []any{q.CaseFiles, u.Size, q.CaseBytes, caseID, q.AccountFiles, u.Size, q.AccountBytes, u.By, since}
	if s.db.isPostgres() {
		room = `upload_room_locked(?::text, ?::text, ?::timestamptz, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint)`
		args = []any{caseID, u.By, since, u.Size, q.CaseFiles, q.CaseBytes, q.AccountFiles, q.AccountBytes}
	}
	res := db.Exec(`INSERT INTO citizen_uploads (id, case_id, material, blob_key, sm3, size, content_type, uploaded_by, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE `+room,
		append([]any{u.ID, caseID, material, u.Key, u.SM3, u.Size, u.ContentType, u.By, s.db.ts(u.At)}, args...)...)
	if res.Error != nil {
		return false, apply.UploadUsage{}, translate(op, res.Error)
	}
	if res.RowsAffected == 1 {
		return true, apply.UploadUsage{}, nil
	}
	var used apply.UploadUsage
	err := db.Raw(`SELECT (SELECT count(*) FROM citizen_uploads WHERE case_id = ?), (SELECT CAST(coalesce(sum(size), 0) AS BIGINT) FROM citizen_uploads WHERE case_id = ?),
		(SELECT count(*) FROM citizen_uploads WHERE uploaded_by = ? AND created_at > ?),
		(SELECT CAST(coalesce(sum(size), 0) AS BIGINT) FROM citizen_uploads WHERE uploaded_by = ? AND created_at > ?)`,
		caseID, caseID, u.By, since, u.By, since).Row().Scan(&used.CaseFiles, &used.CaseBytes, &used.AccountFiles, &used.AccountBytes)
	return false, used, translate(op, err)
}

// NewID returns a fresh random identifier.
func (s *Citizens) NewID() string { return s.newID() }

// GetUpload returns an upload by id, or workflow.ErrNotFound.
func (s *Citizens) GetUpload(ctx context.Context, id string) (UploadRecord, error) {
	var (
		r  UploadRecord
		at sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT id, case_id, material, blob_key, sm3, size, content_type, uploaded_by, created_at
		FROM citizen_uploads WHERE id = ?`, id).Row().Scan(&r.ID, &r.CaseID, &r.Material, &r.Key, &r.SM3, &r.Size, &r.ContentType, &r.By, &at)
	if err != nil {
		return UploadRecord{}, translate("upload "+id, err)
	}
	r.At = at.T
	return r, nil
}
