package models

import (
	"context"
	"database/sql"

	"zerovisit/workflow/desk"
)

const courierColumns = `id, name_sealed, phone_sealed, phone_index, password_hash, company, provider, active, created_at`

// CreateCourier stores a courier account; workflow.ErrDuplicate for a phone in use.
func (s *CourierStore) CreateCourier(ctx context.Context, c desk.Courier) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO couriers (`+courierColumns+`) VALUES (`+placeholders(9)+`)`,
		c.ID, c.Name, c.Phone, c.PhoneIndex, c.PasswordHash, c.Company, c.Provider, c.Active, s.db.ts(c.CreatedAt)).Error
	return translate("create courier", err)
}

func (s *CourierStore) oneCourier(ctx context.Context, op, where string, arg any) (desk.Courier, error) {
	var (
		c       desk.Courier
		created sqlTime
	)
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT `+courierColumns+` FROM couriers WHERE `+where+` = ?`, arg).Row().
		Scan(&c.ID, &c.Name, &c.Phone, &c.PhoneIndex, &c.PasswordHash, &c.Company, &c.Provider, &c.Active, &created)
	c.CreatedAt = created.T
	return c, translate(op, err)
}

// Courier returns an account by id.
func (s *CourierStore) Courier(ctx context.Context, id string) (desk.Courier, error) {
	return s.oneCourier(ctx, "get courier "+id, "id", id)
}

// CourierByPhone returns an account by the blind index of its phone.
func (s *CourierStore) CourierByPhone(ctx context.Context, phoneIndex string) (desk.Courier, error) {
	return s.oneCourier(ctx, "get courier by phone", "phone_index", phoneIndex)
}

// SetCourierActive enables or disables an account.
func (s *CourierStore) SetCourierActive(ctx context.Context, id string, active bool) error {
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE couriers SET active = ? WHERE id = ?`, active, id)
	if res.Error != nil {
		return translate("set courier "+id+" active", res.Error)
	}
	if res.RowsAffected == 0 {
		return translate("set courier "+id+" active", sql.ErrNoRows)
	}
	return nil
}
