package citizen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"zerovisit/workflow"
)

// Store keeps principals, their channel accounts, agencies and address
// books (models.Citizens). Errors wrap the workflow's sentinels:
// ErrNotFound, ErrDuplicate, ErrConflict; BindIdentity also
// ErrIdentityBound and ErrIdentityElsewhere.
type Store interface {
	// Get returns a principal.
	Get(ctx context.Context, id string) (Citizen, error)
	// Caller returns an account with its citizen.
	Caller(ctx context.Context, accountID string) (Account, Citizen, error)
	// Accounts returns every account of a citizen, oldest first.
	Accounts(ctx context.Context, citizenID string) ([]Account, error)
	// Login returns the account of a channel user, creating it (with a
	// new, unverified citizen) on first login; a known union id joins
	// its citizen.
	Login(ctx context.Context, channel workflow.Channel, appID, subject, unionID string) (Account, error)
	// BindIdentity records a checked real name on the account's citizen;
	// an identity another citizen holds joins that citizen only when
	// linkTo names it. It returns the citizen the account now belongs to.
	BindIdentity(ctx context.Context, accountID, name, idNumber, linkTo string) (Citizen, error)
	// FindPerson returns the verified person with a resident ID number.
	FindPerson(ctx context.Context, idNumber string) (Citizen, error)
	// AssurePerson records that the account's holder proved to be the
	// person, taking the identity over from a holder the proof's method
	// outranks (ErrIdentityElsewhere otherwise; ErrIdentityBound when the
	// account is bound to another identity; ErrProofUsed for evidence that
	// proved before).
	AssurePerson(ctx context.Context, accountID, name, idNumber string, p Proof) (Assured, error)
	// Takeovers lists identity takeovers newest first.
	Takeovers(ctx context.Context, before time.Time, beforeID string, limit int) ([]Takeover, error)
	// SetPhone records a citizen's phone number.
	SetPhone(ctx context.Context, citizenID, phone string) error

	// BindBusiness records that a person acts for the business with a
	// credit code in a role (renewing an agency bound before), creating
	// the business on first use, and returns the business.
	BindBusiness(ctx context.Context, personID, uscc, name string, role AgencyRole, grantedBy string, validUntil time.Time) (Citizen, error)
	// RevokeAgency ends a person's right to act for a business.
	RevokeAgency(ctx context.Context, businessID, personID string) error
	// Agencies returns the businesses a person may act for now.
	Agencies(ctx context.Context, personID string) ([]Agency, error)
	// Agency returns the person's active agency for a business
	// (ErrForbidden when there is none).
	Agency(ctx context.Context, businessID, personID string) (Agency, error)

	// AddAddress stores an address and returns it with its id.
	AddAddress(ctx context.Context, citizenID string, a Address) (Address, error)
	// Addresses returns a citizen's address book, oldest first.
	Addresses(ctx context.Context, citizenID string) ([]Address, error)
	// DeleteAddress hides one of the citizen's addresses from the book.
	DeleteAddress(ctx context.Context, citizenID, id string) error
}

// Cases reads the case engine's cases (*workflow.Service).
type Cases interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
}

// Cache keeps short-lived values shared across replicas (kv.Cache): the
// link codes.
type Cache interface {
	// Get returns the value under key and true, or false when there is none.
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Set stores val under key for ttl.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Delete removes the keys.
	Delete(ctx context.Context, keys ...string) error
}

// LinkCodes keeps link codes (a Cache) and claims each for one
// redemption at a time (*kv.Memory, *kv.Redis).
type LinkCodes interface {
	Cache
	// Claim records key for ttl and reports whether this call was the
	// first to do so while no earlier claim was live.
	Claim(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
	// Release forgets a claim so that a retry may claim again.
	Release(ctx context.Context, key string) error
}

// Config is what a Service needs. Store, Cases and Links are required; a
// party left out is a channel or library not connected.
type Config struct {
	Store Store
	Cases Cases
	// Links keeps the codes that join a second channel's account to a
	// citizen, and redeems each once.
	Links LinkCodes
	// Logins are the mini programs' login by channel.
	Logins map[workflow.Channel]LoginChannel
	// Phones are the channels that share a user's phone number.
	Phones map[workflow.Channel]PhoneChannel
	// People is the population and legal-entity libraries.
	People Libraries
	// Faces are the channels' face checks (人脸核身, 实人认证).
	Faces map[workflow.Channel]FaceCheck
	// Sessions ends the sessions of accounts a takeover detached.
	Sessions Sessions
	// Licences is the e-license library.
	Licences LicenceLibrary
	Now      func() time.Time
	Log      *slog.Logger
}

// Service holds the rules of citizens as people and businesses: login,
// real-name and phone binding, link codes, businesses and their agents,
// address books and the pre-fill of materials the government holds. It is
// safe for concurrent use.
type Service struct {
	cfg Config
}

// New returns a service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Cases == nil || cfg.Links == nil {
		return nil, errors.New("citizen: store, cases and link cache are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}, nil
}

// Caller is an authenticated citizen: the account they signed in with and
// the citizen (person) it belongs to.
type Caller struct {
	Account Account
	Citizen Citizen
}

// Caller resolves a token's account to its citizen. It is looked up on
// every request, so that an account that joined another citizen through
// real-name binding acts as that citizen at once. An unknown account is
// workflow.ErrUnauthorized.
func (s *Service) Caller(ctx context.Context, accountID string) (Caller, error) {
	a, c, err := s.cfg.Store.Caller(ctx, accountID)
	if errors.Is(err, workflow.ErrNotFound) {
		return Caller{}, fmt.Errorf("%w: account %s", workflow.ErrUnauthorized, accountID)
	}
	if err != nil {
		return Caller{}, err
	}
	return Caller{Account: a, Citizen: c}, nil
}

// ErrRealNameRequired refuses a caller who has not bound their real name.
var ErrRealNameRequired = workflow.Refuse(workflow.ErrForbidden, "real_name_required", "请先完成实名认证")

// RequireVerified refuses a caller who has not bound their real name.
func RequireVerified(c Caller) error {
	if !c.Citizen.Verified() {
		return ErrRealNameRequired
	}
	return nil
}

// invalidField is an invalid-input refusal naming the field at fault.
func invalidField(code, message, field string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrInvalidInput, code, message).WithDetail(map[string]string{"field": field})
}
