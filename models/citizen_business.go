package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
)

// BindBusiness records that a person acts for the business with the
// credit code uscc (normalised and validated by the caller, who also
// checked the role with the legal-entity library or the representative's
// authorisation). The business is created on first use; binding again
// renews the agency. It returns the business.
func (s *Citizens) BindBusiness(ctx context.Context, personID, uscc, name string, role AgencyRole, grantedBy string, validUntil time.Time) (Citizen, error) {
	op := "bind business"
	if role != RoleLegalRepresentative && role != RoleAgent {
		return Citizen{}, fmt.Errorf("%s: %w: unknown role %q", op, workflow.ErrInvalidInput, role)
	}
	index := s.sealer.Index(indexUSCC, uscc)
	biz, err := s.byIndex(ctx, KindBusiness, index)
	if errors.Is(err, workflow.ErrNotFound) {
		biz, err = s.createBusiness(ctx, uscc, name, index)
		if errors.Is(err, workflow.ErrDuplicate) {
			biz, err = s.byIndex(ctx, KindBusiness, index)
		}
	}
	if err != nil {
		return Citizen{}, err
	}
	now := normTime(s.now())
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM citizen_agencies WHERE business_id = ? AND person_id = ?`, biz.ID, personID).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO citizen_agencies (business_id, person_id, role, granted_by, valid_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, biz.ID, personID, string(role), grantedBy, s.db.tsNull(validUntil), s.db.ts(now)).Error
	})
	if err != nil {
		return Citizen{}, translate(op, err)
	}
	return biz, nil
}

func (s *Citizens) createBusiness(ctx context.Context, uscc, name, index string) (Citizen, error) {
	id := s.newID()
	nameS, err1 := s.sealer.Seal(name, sealCtx("citizen", id, "name"))
	idS, err2 := s.sealer.Seal(uscc, sealCtx("citizen", id, "id_number"))
	if err := errors.Join(err1, err2); err != nil {
		return Citizen{}, fmt.Errorf("create business: %w", err)
	}
	now := normTime(s.now())
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO citizens (id, kind, name_sealed, id_sealed, id_index, verified_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, string(KindBusiness), nameS, idS, index, s.db.ts(now), s.db.ts(now), s.db.ts(now)).Error
	if err != nil {
		return Citizen{}, translate("create business", err)
	}
	return Citizen{ID: id, Kind: KindBusiness, Name: name, IDNumber: uscc, VerifiedAt: now, CreatedAt: now, UpdatedAt: now}, nil
}

// RevokeAgency ends a person's right to act for a business.
func (s *Citizens) RevokeAgency(ctx context.Context, businessID, personID string) error {
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizen_agencies SET revoked_at = ? WHERE business_id = ? AND person_id = ? AND revoked_at IS NULL`,
		s.db.ts(s.now()), businessID, personID)
	if res.Error != nil {
		return translate("revoke agency", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("revoke agency: %w", workflow.ErrNotFound)
	}
	return nil
}

// Agencies returns the businesses a person may act for now, oldest first.
func (s *Citizens) Agencies(ctx context.Context, personID string) ([]Agency, error) {
	op := "agencies"
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT business_id, role, granted_by, valid_until, created_at
		FROM citizen_agencies WHERE person_id = ? AND revoked_at IS NULL ORDER BY created_at, business_id`, personID).Rows()
	if err != nil {
		return nil, translate(op, err)
	}
	type row struct {
		business, role, grantedBy string
		until, created            sqlTime
	}
	var raw []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.business, &r.role, &r.grantedBy, &r.until, &r.created); err != nil {
			rows.Close()
			return nil, translate(op, err)
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(op, err)
	}
	now := s.now()
	var out []Agency
	for _, r := range raw {
		biz, err := s.Get(ctx, r.business)
		if err != nil {
			return nil, err
		}
		a := Agency{Business: biz, PersonID: personID, Role: AgencyRole(r.role), GrantedBy: r.grantedBy, ValidUntil: r.until.T, CreatedAt: r.created.T}
		if a.Active(now) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Agency returns the person's active agency for a business, or
// workflow.ErrForbidden when there is none.
func (s *Citizens) Agency(ctx context.Context, businessID, personID string) (Agency, error) {
	all, err := s.Agencies(ctx, personID)
	if err != nil {
		return Agency{}, err
	}
	for _, a := range all {
		if a.Business.ID == businessID {
			return a, nil
		}
	}
	return Agency{}, fmt.Errorf("agency: %w: the person does not act for the business", workflow.ErrForbidden)
}

// FindBusiness returns the business with a credit code, or workflow.ErrNotFound.
func (s *Citizens) FindBusiness(ctx context.Context, uscc string) (Citizen, error) {
	return s.byIndex(ctx, KindBusiness, s.sealer.Index(indexUSCC, uscc))
}
