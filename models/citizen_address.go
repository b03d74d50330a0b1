package models

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
)

// AddAddress stores an address for the citizen and returns it with its id,
// which cases use as their delivery AddressRef. The size of the book is
// the domain's to bound (citizen.MaxAddresses).
func (s *Citizens) AddAddress(ctx context.Context, citizenID string, a Address) (Address, error) {
	op := "add address"
	a.ID, a.CitizenID, a.CreatedAt = s.newID(), citizenID, normTime(s.now())
	sealed := make([]any, 0, 4)
	var errs []error
	for _, f := range []struct{ name, v string }{{"recipient", a.Recipient}, {"phone", a.Phone}, {"region", a.Region}, {"detail", a.Detail}} {
		v, err := s.sealer.Seal(f.v, sealCtx("address", a.ID, f.name))
		errs = append(errs, err)
		sealed = append(sealed, v)
	}
	if err := errors.Join(errs...); err != nil {
		return Address{}, fmt.Errorf("%s: %w", op, err)
	}
	args := append([]any{a.ID, citizenID, a.Label}, sealed...)
	args = append(args, s.db.ts(a.CreatedAt))
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO citizen_addresses (id, citizen_id, label, recipient_sealed, phone_sealed,
		region_sealed, detail_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, args...).Error
	if err != nil {
		return Address{}, translate(op, err)
	}
	return a, nil
}

func (s *Citizens) scanAddress(row rowScanner) (Address, bool, error) {
	var (
		a                       Address
		rec, phone, region, det string
		created, deleted        sqlTime
	)
	if err := row.Scan(&a.ID, &a.CitizenID, &a.Label, &rec, &phone, &region, &det, &created, &deleted); err != nil {
		return Address{}, false, err
	}
	a.CreatedAt = created.T
	var errs []error
	open := func(v, field string) string {
		out, err := s.sealer.Open(v, sealCtx("address", a.ID, field))
		errs = append(errs, err)
		return out
	}
	a.Recipient, a.Phone, a.Region, a.Detail = open(rec, "recipient"), open(phone, "phone"), open(region, "region"), open(det, "detail")
	if err := errors.Join(errs...); err != nil {
		return Address{}, false, fmt.Errorf("open address %s: %w", a.ID, err)
	}
	return a, !deleted.T.IsZero(), nil
}

const addressColumns = `id, citizen_id, label, recipient_sealed, phone_sealed, region_sealed, detail_sealed, created_at, deleted_at`

// Addresses returns the citizen's address book, oldest first.
func (s *Citizens) Addresses(ctx context.Context, citizenID string) ([]Address, error) {
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT `+addressColumns+` FROM citizen_addresses
		WHERE citizen_id = ? AND deleted_at IS NULL ORDER BY created_at, id`, citizenID).Rows()
	if err != nil {
		return nil, translate("addresses", err)
	}
	defer rows.Close()
	var out []Address
	for rows.Next() {
		a, _, err := s.scanAddress(rows)
		if err != nil {
			return nil, translate("addresses", err)
		}
		out = append(out, a)
	}
	return out, translate("addresses", rows.Err())
}

// AddressOf returns one of the citizen's own (not deleted) addresses;
// another citizen's address is workflow.ErrNotFound.
func (s *Citizens) AddressOf(ctx context.Context, citizenID, id string) (Address, error) {
	a, deleted, err := s.scanAddress(s.db.gorm.WithContext(ctx).Raw(`SELECT `+addressColumns+` FROM citizen_addresses WHERE id = ?`, id).Row())
	if err != nil {
		return Address{}, translate("address "+id, err)
	}
	if deleted || a.CitizenID != citizenID {
		return Address{}, fmt.Errorf("address %s: %w", id, workflow.ErrNotFound)
	}
	return a, nil
}

// DeleteAddress hides an address from the book; cases that refer to it
// still resolve it.
func (s *Citizens) DeleteAddress(ctx context.Context, citizenID, id string) error {
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizen_addresses SET deleted_at = ? WHERE id = ? AND citizen_id = ? AND deleted_at IS NULL`,
		s.db.ts(s.now()), id, citizenID)
	if res.Error != nil {
		return translate("delete address", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("delete address %s: %w", id, workflow.ErrNotFound)
	}
	return nil
}

// Address resolves a case's delivery AddressRef for the courier: the
// recipient's name, phone number and the full address, in clear, and the
// citizen whose book holds it (deleted ones too: a case keeps the address
// it was given). Callers must not log them.
func (s *Citizens) Address(ctx context.Context, ref string) (recipient, phone, address, owner string, err error) {
	a, _, err := s.scanAddress(s.db.gorm.WithContext(ctx).Raw(`SELECT `+addressColumns+` FROM citizen_addresses WHERE id = ?`, ref).Row())
	if err != nil {
		return "", "", "", "", translate("address "+ref, err)
	}
	return a.Recipient, a.Phone, a.Full(), a.CitizenID, nil
}
