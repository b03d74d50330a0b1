package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"zerovisit/models/pii"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// The principal, its accounts, agencies and addresses are the domain's
// (package citizen); Citizens stores them.
type (
	PrincipalKind = citizen.Kind
	Citizen       = citizen.Citizen
	Account       = citizen.Account
	Address       = citizen.Address
	AgencyRole    = citizen.AgencyRole
	Agency        = citizen.Agency
)

// Principal kinds and agency roles.
const (
	KindPerson              = citizen.KindPerson
	KindBusiness            = citizen.KindBusiness
	RoleLegalRepresentative = citizen.RoleLegalRepresentative
	RoleAgent               = citizen.RoleAgent
)

// Refusals of identity binding.
var (
	ErrIdentityBound     = citizen.ErrIdentityBound
	ErrIdentityElsewhere = citizen.ErrIdentityElsewhere
)

// Blind-index kinds of the citizen tables.
const (
	indexResidentID = "resident_id"
	indexUSCC       = "uscc"
	indexPhone      = "phone"
)

// Citizens keeps citizens, their accounts, agencies, address books and
// applications, sealing personal data with the Sealer. It is safe for
// concurrent use.
type Citizens struct {
	db     *DB
	sealer *pii.Sealer
	now    func() time.Time
	newID  func() string
}

// NewCitizens returns the citizen store.
func NewCitizens(db *DB, sealer *pii.Sealer) *Citizens {
	return &Citizens{db: db, sealer: sealer, now: time.Now, newID: uuid.NewString}
}

func sealCtx(table, id, field string) string { return table + ":" + id + ":" + field }

const citizenColumns = `id, kind, name_sealed, id_sealed, phone_sealed, verified_at, created_at, updated_at,
	assurance, assured_by, assured_at`

func (s *Citizens) scanCitizen(row rowScanner) (Citizen, error) {
	var (
		c                        Citizen
		kind, name, idNo, phone  string
		level, method            string
		verified, created, updtd sqlTime
		assured                  sqlTime
	)
	if err := row.Scan(&c.ID, &kind, &name, &idNo, &phone, &verified, &created, &updtd, &level, &method, &assured); err != nil {
		return Citizen{}, err
	}
	c.Kind, c.VerifiedAt, c.CreatedAt, c.UpdatedAt = PrincipalKind(kind), verified.T, created.T, updtd.T
	c.Assurance, c.AssuredBy, c.AssuredAt = workflow.Assurance(level), workflow.AssuranceMethod(method), assured.T
	var err error
	if c.Name, err = s.sealer.Open(name, sealCtx("citizen", c.ID, "name")); err != nil {
		return Citizen{}, fmt.Errorf("open name of citizen %s: %w", c.ID, err)
	}
	if c.IDNumber, err = s.sealer.Open(idNo, sealCtx("citizen", c.ID, "id_number")); err != nil {
		return Citizen{}, fmt.Errorf("open id number of citizen %s: %w", c.ID, err)
	}
	if c.Phone, err = s.sealer.Open(phone, sealCtx("citizen", c.ID, "phone")); err != nil {
		return Citizen{}, fmt.Errorf("open phone of citizen %s: %w", c.ID, err)
	}
	return c, nil
}

// Get returns a citizen, or workflow.ErrNotFound.
func (s *Citizens) Get(ctx context.Context, id string) (Citizen, error) {
	c, err := s.scanCitizen(s.db.gorm.WithContext(ctx).Raw(`SELECT `+citizenColumns+` FROM citizens WHERE id = ?`, id).Row())
	if err != nil {
		return Citizen{}, translate("get citizen "+id, err)
	}
	return c, nil
}

const accountColumns = `id, citizen_id, channel, app_id, subject, union_id, created_at, last_login_at`

func scanAccount(row rowScanner) (Account, error) {
	var (
		a              Account
		ch             string
		created, login sqlTime
	)
	err := row.Scan(&a.ID, &a.CitizenID, &ch, &a.AppID, &a.Subject, &a.UnionID, &created, &login)
	a.Channel, a.CreatedAt, a.LastLoginAt = workflow.Channel(ch), created.T, login.T
	return a, err
}

// Account returns an account, or workflow.ErrNotFound.
func (s *Citizens) Account(ctx context.Context, id string) (Account, error) {
	a, err := scanAccount(s.db.gorm.WithContext(ctx).Raw(`SELECT `+accountColumns+` FROM citizen_accounts WHERE id = ?`, id).Row())
	if err != nil {
		return Account{}, translate("get account "+id, err)
	}
	return a, nil
}

// Caller returns an account with its citizen in one query: what every
// signed-in citizen request needs first. workflow.ErrNotFound when the
// account is unknown.
func (s *Citizens) Caller(ctx context.Context, accountID string) (Account, Citizen, error) {
	var (
		a              Account
		ch             string
		created, login sqlTime
	)
	row := s.db.gorm.WithContext(ctx).Raw(`SELECT a.id, a.citizen_id, a.channel, a.app_id, a.subject, a.union_id, a.created_at,
		a.last_login_at, c.id, c.kind, c.name_sealed, c.id_sealed, c.phone_sealed, c.verified_at, c.created_at, c.updated_at,
		c.assurance, c.assured_by, c.assured_at
		FROM citizen_accounts a JOIN citizens c ON c.id = a.citizen_id WHERE a.id = ?`, accountID).Row()
	c, err := s.scanCitizen(rowWith{row: row, first: []any{&a.ID, &a.CitizenID, &ch, &a.AppID, &a.Subject, &a.UnionID, &created, &login}})
	if err != nil {
		return Account{}, Citizen{}, translate("get account "+accountID, err)
	}
	a.Channel, a.CreatedAt, a.LastLoginAt = workflow.Channel(ch), created.T, login.T
	return a, c, nil
}

// rowWith scans a row whose first columns go to first and its last ones
// to last, around what the row's own scanner asks for.
type rowWith struct {
	row   rowScanner
	first []any
	last  []any
}

func (r rowWith) Scan(dest ...any) error {
	all := make([]any, 0, len(r.first)+len(dest)+len(r.last))
	all = append(append(append(all, r.first...), dest...), r.last...)
	return r.row.Scan(all...)
}

// Accounts returns every account of a citizen, oldest first.
func (s *Citizens) Accounts(ctx context.Context, citizenID string) ([]Account, error) {
	rows, err := s.db.gorm.WithContext(ctx).Raw(`SELECT `+accountColumns+` FROM citizen_accounts
		WHERE citizen_id = ? ORDER BY created_at, id`, citizenID).Rows()
	if err != nil {
		return nil, translate("accounts of citizen", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, translate("accounts of citizen", err)
		}
		out = append(out, a)
	}
	return out, translate("accounts of citizen", rows.Err())
}

// Login returns the account of a channel user, creating it (with a new,
// unverified citizen) on first login. A WeChat unionid already known from
// another mini program of the same open platform joins that citizen.
func (s *Citizens) Login(ctx context.Context, channel workflow.Channel, appID, subject, unionID string) (Account, error) {
	if subject == "" || appID == "" || !channel.Valid() {
		return Account{}, fmt.Errorf("login: %w: channel, app and subject are required", workflow.ErrInvalidInput)
	}
	for attempt := 0; ; attempt++ {
		a, err := s.findAccount(ctx, channel, appID, subject)
		if err == nil {
			now := normTime(s.now())
			err := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizen_accounts SET last_login_at = ?,
				union_id = CASE WHEN ? <> '' THEN ? ELSE union_id END WHERE id = ?`,
				s.db.ts(now), unionID, unionID, a.ID).Error
			a.LastLoginAt = now
			return a, translate("login", err)
		}
		if !errors.Is(err, workflow.ErrNotFound) {
			return Account{}, err
		}
		a, err = s.createAccount(ctx, channel, appID, subject, unionID)
		if err == nil || !errors.Is(err, workflow.ErrDuplicate) || attempt > 0 {
			return a, err
		}
		// Two first logins raced: the other one created the account.
	}
}

func (s *Citizens) findAccount(ctx context.Context, channel workflow.Channel, appID, subject string) (Account, error) {
	a, err := scanAccount(s.db.gorm.WithContext(ctx).Raw(`SELECT `+accountColumns+` FROM citizen_accounts
		WHERE channel = ? AND app_id = ? AND subject = ?`, string(channel), appID, subject).Row())
	return a, translate("find account", err)
}

func (s *Citizens) createAccount(ctx context.Context, channel workflow.Channel, appID, subject, unionID string) (Account, error) {
	now := normTime(s.now())
	a := Account{ID: s.newID(), Channel: channel, AppID: appID, Subject: subject, UnionID: unionID, CreatedAt: now, LastLoginAt: now}
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if unionID != "" {
			var citizen string
			err := tx.Raw(`SELECT citizen_id FROM citizen_accounts WHERE channel = ? AND union_id = ? ORDER BY created_at LIMIT 1`,
				string(channel), unionID).Row().Scan(&citizen)
			if err == nil {
				a.CitizenID = citizen
			}
		}
		if a.CitizenID == "" {
			a.CitizenID = s.newID()
			if err := tx.Exec(`INSERT INTO citizens (id, kind, created_at, updated_at) VALUES (?, ?, ?, ?)`,
				a.CitizenID, string(KindPerson), s.db.ts(now), s.db.ts(now)).Error; err != nil {
				return err
			}
		}
		return tx.Exec(`INSERT INTO citizen_accounts (`+accountColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.CitizenID, string(channel), appID, subject, unionID, s.db.ts(now), s.db.ts(now)).Error
	})
	if err != nil {
		return Account{}, translate("create account", err)
	}
	return a, nil
}

// BindIdentity records the verified real name of the account's citizen.
// idNumber must be the normalised, validated resident ID number and the
// caller must have checked name and number with the population library.
// When another citizen already holds that verified identity, the account
// (and every account of its citizen) joins that citizen — one person, one
// case history — but only if linkTo names it: the caller showed a link code
// that citizen's own account issued. Otherwise ErrIdentityElsewhere. It
// returns the citizen the account now belongs to.
func (s *Citizens) BindIdentity(ctx context.Context, accountID, name, idNumber, linkTo string) (Citizen, error) {
	op := "bind identity"
	index := s.sealer.Index(indexResidentID, idNumber)
	acct, err := s.Account(ctx, accountID)
	if err != nil {
		return Citizen{}, err
	}
	cur, err := s.Get(ctx, acct.CitizenID)
	if err != nil {
		return Citizen{}, err
	}
	if cur.Verified() {
		if cur.IDNumber != idNumber {
			return Citizen{}, fmt.Errorf("%s: %w", op, ErrIdentityBound)
		}
		return cur, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		target, err := s.byIndex(ctx, KindPerson, index)
		switch {
		case err == nil:
			if linkTo == "" || linkTo != target.ID {
				return Citizen{}, fmt.Errorf("%s: %w", op, ErrIdentityElsewhere)
			}
			if err := s.merge(ctx, cur.ID, target.ID); err != nil {
				return Citizen{}, err
			}
			return target, nil
		case !errors.Is(err, workflow.ErrNotFound):
			return Citizen{}, err
		}
		nameS, err1 := s.sealer.Seal(name, sealCtx("citizen", cur.ID, "name"))
		idS, err2 := s.sealer.Seal(idNumber, sealCtx("citizen", cur.ID, "id_number"))
		if err := errors.Join(err1, err2); err != nil {
			return Citizen{}, fmt.Errorf("%s: %w", op, err)
		}
		now := normTime(s.now())
		res := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizens SET name_sealed = ?, id_sealed = ?, id_index = ?,
			verified_at = ?, updated_at = ?, assurance = ?, assured_by = ?, assured_at = ?
			WHERE id = ? AND verified_at IS NULL`,
			nameS, idS, index, s.db.ts(now), s.db.ts(now), string(workflow.AssuranceRealName),
			string(workflow.MethodPopulationLibrary), s.db.ts(now), cur.ID)
		if err := translate(op, res.Error); err != nil {
			if errors.Is(err, workflow.ErrDuplicate) {
				continue // another account bound the same person first: join it
			}
			return Citizen{}, err
		}
		return s.Get(ctx, cur.ID)
	}
	return Citizen{}, fmt.Errorf("%s: %w", op, workflow.ErrConflict)
}

// byIndex finds a citizen of a kind by the blind index of its ID number.
func (s *Citizens) byIndex(ctx context.Context, kind PrincipalKind, index string) (Citizen, error) {
	c, err := s.scanCitizen(s.db.gorm.WithContext(ctx).Raw(`SELECT `+citizenColumns+` FROM citizens
		WHERE kind = ? AND id_index = ?`, string(kind), index).Row())
	return c, translate("find citizen", err)
}

// FindPerson returns the verified person with a resident ID number, or
// workflow.ErrNotFound.
func (s *Citizens) FindPerson(ctx context.Context, idNumber string) (Citizen, error) {
	return s.byIndex(ctx, KindPerson, s.sealer.Index(indexResidentID, idNumber))
}

// merge moves everything of an unverified citizen (accounts, addresses)
// to the verified citizen it turned out to be.
func (s *Citizens) merge(ctx context.Context, from, into string) error {
	if from == into {
		return nil
	}
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE citizen_accounts SET citizen_id = ? WHERE citizen_id = ?`, into, from).Error; err != nil {
			return err
		}
		// Addresses are sealed for their own id, not the citizen's, so they move as they are.
		return tx.Exec(`UPDATE citizen_addresses SET citizen_id = ? WHERE citizen_id = ?`, into, from).Error
	})
	return translate("merge citizens", err)
}

// SetPhone records the phone number the citizen shared through the channel.
func (s *Citizens) SetPhone(ctx context.Context, citizenID, phone string) error {
	sealed, err := s.sealer.Seal(phone, sealCtx("citizen", citizenID, "phone"))
	if err != nil {
		return fmt.Errorf("set phone: %w", err)
	}
	now := normTime(s.now())
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE citizens SET phone_sealed = ?, phone_index = ?, updated_at = ? WHERE id = ?`,
		sealed, s.sealer.Index(indexPhone, phone), s.db.ts(now), citizenID)
	if res.Error != nil {
		return translate("set phone", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set phone: citizen %s: %w", citizenID, workflow.ErrNotFound)
	}
	return nil
}

// Holder returns the verified identity (ID number or credit code, and name)
// licences and credit records are written against.
func (s *Citizens) Holder(ctx context.Context, principalID string) (idNumber, name string, err error) {
	c, err := s.Get(ctx, principalID)
	if err != nil {
		return "", "", err
	}
	if !c.Verified() || c.IDNumber == "" {
		return "", "", fmt.Errorf("holder %s: %w: not verified", principalID, workflow.ErrNotFound)
	}
	return c.IDNumber, c.Name, nil
}
