package models

import (
	"context"

	"zerovisit/workflow/staff"
)

// FindOrCreateApplicant returns the applicant with a.IDIndex, storing a
// when there is none yet; created says which. Two counters registering the
// same person at once get the same applicant.
func (s *StaffStore) FindOrCreateApplicant(ctx context.Context, a staff.Walkin) (staff.Walkin, bool, error) {
	op := "register counter applicant"
	db := s.db.gorm.WithContext(ctx)
	var phone *string
	if a.PhoneIndex != "" {
		phone = &a.PhoneIndex
	}
	res := db.Exec(`INSERT INTO counter_applicants (id, id_index, id_sealed, name_sealed, phone_sealed, phone_index, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_index) DO NOTHING`,
		a.ID, a.IDIndex, a.IDSealed, a.NameSealed, a.PhoneSealed, phone, s.db.ts(a.CreatedAt))
	if res.Error != nil {
		return staff.Walkin{}, false, translate(op, res.Error)
	}
	created := res.RowsAffected == 1
	var (
		got staff.Walkin
		at  sqlTime
	)
	err := db.Raw(`SELECT id, id_index, id_sealed, name_sealed, phone_sealed, created_at FROM counter_applicants WHERE id_index = ?`, a.IDIndex).
		Row().Scan(&got.ID, &got.IDIndex, &got.IDSealed, &got.NameSealed, &got.PhoneSealed, &at)
	if err != nil {
		return staff.Walkin{}, false, translate(op, err)
	}
	got.CreatedAt = at.T
	return got, created, nil
}

// CounterApplicantByID returns a walk-in applicant by id, or workflow.ErrNotFound.
func (s *StaffStore) CounterApplicantByID(ctx context.Context, id string) (staff.Walkin, error) {
	var (
		a  staff.Walkin
		at sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT id, id_index, id_sealed, name_sealed, phone_sealed, created_at FROM counter_applicants WHERE id = ?`, id).
		Row().Scan(&a.ID, &a.IDIndex, &a.IDSealed, &a.NameSealed, &a.PhoneSealed, &at)
	if err != nil {
		return staff.Walkin{}, translate("counter applicant "+id, err)
	}
	a.CreatedAt = at.T
	return a, nil
}
