package models

import (
	"context"
	"encoding/json"
	"fmt"

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

// Application returns the application of a case, or workflow.ErrNotFound.
func (s *Citizens) Application(ctx context.Context, caseID string) (Application, error) {
	var (
		a                Application
		ch, data         string
		created, updated sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT case_id, principal_id, person_id, channel, version, data, created_at, updated_at
		FROM citizen_applications WHERE case_id = ?`, caseID).Row().
		Scan(&a.CaseID, &a.PrincipalID, &a.PersonID, &ch, &a.Version, &data, &created, &updated)
	if err != nil {
		return Application{}, translate("application of case "+caseID, err)
	}
	if err := json.Unmarshal([]byte(data), &a); err != nil {
		return Application{}, fmt.Errorf("decode application of case %s: %w", caseID, err)
	}
	a.Channel, a.CreatedAt, a.UpdatedAt = workflow.Channel(ch), created.T, updated.T
	return a, nil
}

// UpdateApplication applies edit to the stored application and saves it
// under an optimistic version check, re-reading and re-applying edit when
// another request saved first. An error from edit is returned as it is.
func (s *Citizens) UpdateApplication(ctx context.Context, caseID string, edit func(*Application) error) (Application, error) {
	for range 8 {
		a, err := s.Application(ctx, caseID)
		if err != nil {
			return Application{}, err
		}
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
	}
	return Application{}, fmt.Errorf("update application of case %s: %w", caseID, workflow.ErrConflict)
}

// RecordUpload keeps the evidence of an upload: which file (by SHA-256 key
// and SM3 digest) was handed in for which material, by whom and when.
func (s *Citizens) RecordUpload(ctx context.Context, caseID, material string, u Upload) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO citizen_uploads (id, case_id, material, blob_key, sm3, size, content_type, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, caseID, material, u.Key, u.SM3, u.Size, u.ContentType, u.By, s.db.ts(u.At)).Error
	return translate("record upload", err)
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
