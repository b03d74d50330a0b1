// Package citizen is the citizens' side of the product: people and
// businesses (principals), their channel accounts, real-name binding,
// agencies (who may act for a business) and address books.
package citizen

import (
	"fmt"
	"time"

	"zerovisit/workflow"
)

// Kind says whether a citizen row is a person or a business.
type Kind string

// Principal kinds.
const (
	KindPerson   Kind = "person"
	KindBusiness Kind = "business"
)

// Citizen is a principal: a person, verified once real-name binding
// succeeded, or a business. IDNumber (resident ID number or unified social
// credit code), Name and Phone are clear text in memory only; the table
// holds them sealed.
type Citizen struct {
	ID         string
	Kind       Kind
	Name       string
	IDNumber   string
	Phone      string
	VerifiedAt time.Time
	// Assurance is how sure the product is that this is the person (a
	// business stays at AssuranceAccount: its representatives carry
	// theirs); AssuredBy and AssuredAt say how and when it was reached.
	Assurance workflow.Assurance
	AssuredBy workflow.AssuranceMethod
	AssuredAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Verified reports whether the person's real name was checked (a business
// is verified when its first representative was).
func (c Citizen) Verified() bool { return !c.VerifiedAt.IsZero() }

// Level is the person's assurance, channel_account when none is recorded.
func (c Citizen) Level() workflow.Assurance {
	if c.Assurance.Valid() {
		return c.Assurance
	}
	return workflow.AssuranceAccount
}

// Account is a login channel account of a citizen.
type Account struct {
	ID        string
	CitizenID string
	Channel   workflow.Channel
	AppID     string
	// Subject is the channel's id of the user: the WeChat openid, or the
	// Alipay user_id (open_id for apps that only get that).
	Subject     string
	UnionID     string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// AgencyRole is how a person may act for a business.
type AgencyRole string

// Agency roles.
const (
	RoleLegalRepresentative AgencyRole = "legal_representative" // 法定代表人（负责人）
	RoleAgent               AgencyRole = "agent"                // 经办人（授权代理人）
)

// Agency is a person's right to act for a business.
type Agency struct {
	Business Citizen
	PersonID string
	Role     AgencyRole
	// GrantedBy is the legal representative who authorised an agent.
	GrantedBy  string
	ValidUntil time.Time
	CreatedAt  time.Time
}

// Active reports whether the agency may be used at t.
func (a Agency) Active(t time.Time) bool { return a.ValidUntil.IsZero() || t.Before(a.ValidUntil) }

// Address is an entry of a citizen's address book. Every field but Label is
// sealed at rest.
type Address struct {
	ID        string
	CitizenID string
	Label     string
	Recipient string
	Phone     string
	// Region is province, city and district; Detail the street address.
	Region    string
	Detail    string
	CreatedAt time.Time
}

// Full is the address as a courier writes it.
func (a Address) Full() string { return a.Region + a.Detail }

// ErrIdentityBound means the citizen is already bound to another identity.
var ErrIdentityBound = fmt.Errorf("%w: the account is already bound to another identity", workflow.ErrConflict)

// ErrIdentityElsewhere means the identity is already bound to another
// citizen, and the caller did not prove control of that citizen's account.
// A name and an ID number alone are no proof of being that person.
var ErrIdentityElsewhere = fmt.Errorf("%w: the identity belongs to another account", workflow.ErrForbidden)
