package citizen

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/workflow"
)

// Errors the party ports report, matched with errors.Is.
var (
	// ErrInvalidCode means a login or phone-number code the channel gave
	// the mini program was wrong, expired or already used.
	ErrInvalidCode = errors.New("citizen: invalid or used channel code")
	// ErrNoRecord means a library holds no such resident or company.
	ErrNoRecord = fmt.Errorf("%w: no such record in the library", workflow.ErrNotFound)
)

// LoginChannel is a mini program's login on its channel (WeChat's
// jscode2session, Alipay's oauth token).
type LoginChannel interface {
	// AppID is the mini program's app id on the channel.
	AppID() string
	// Login exchanges a login code for the channel's user (ErrInvalidCode
	// for a code that is wrong, expired or used).
	Login(ctx context.Context, code string) (ChannelUser, error)
}

// ChannelUser is who a channel says signed in.
type ChannelUser struct {
	// UserID is the channel's stable id of the user: the WeChat openid,
	// the Alipay user_id (empty for Alipay apps that get an open_id only).
	UserID string
	// OpenID is the Alipay open_id, used when there is no UserID.
	OpenID string
	// UnionID is the WeChat unionid, when the mini program is bound to an
	// open platform account.
	UnionID string
}

// subject is the account's subject: the user id, or the open id marked
// as such.
func (u ChannelUser) subject() string {
	if u.UserID != "" {
		return u.UserID
	}
	return "open:" + u.OpenID
}

// PhoneChannel is a channel that shares the user's phone number (WeChat's
// getPhoneNumber button).
type PhoneChannel interface {
	// PhoneNumber exchanges the button's code for the number
	// (ErrInvalidCode for a code that is wrong, expired or used).
	PhoneNumber(ctx context.Context, code string) (string, error)
}

// Libraries is the population and legal-entity libraries.
type Libraries interface {
	// VerifyRealName reports whether a name and a resident ID number
	// belong to one resident; a number the library does not know is
	// ErrNoRecord.
	VerifyRealName(ctx context.Context, name, idNumber string) (bool, error)
	// Resident returns the named fields (Field*) of a resident and
	// nothing more; ErrNoRecord for an unknown resident.
	Resident(ctx context.Context, idNumber string, fields []string) (Resident, error)
	// Company returns a company's registration; ErrNoRecord when unknown.
	Company(ctx context.Context, uscc string) (Company, error)
	// IsRepresentative reports whether the person with a name and full
	// resident ID number is the company's legal representative, without
	// the library disclosing the number; ErrNoRecord for an unknown company.
	IsRepresentative(ctx context.Context, uscc, name, idNumber string) (bool, error)
}

// Fields of a resident the population library discloses; they are also
// the arguments of base-data material sources in the catalogue.
const (
	FieldName      = "name"      // 姓名
	FieldAddress   = "address"   // 现住址
	FieldHousehold = "household" // 户籍登记
)

// Resident is what the population library disclosed about a resident: the
// fields asked for, the others empty.
type Resident struct {
	Name    string
	Address string
	// Household is the household registration (户籍), nil when not held.
	Household *Household
}

// Household is a resident's household registration.
type Household struct {
	Address   string
	Kind      string
	Authority string
}

// has reports whether the resident's field is held.
func (r Resident) has(field string) bool {
	switch field {
	case FieldName:
		return r.Name != ""
	case FieldAddress:
		return r.Address != ""
	case FieldHousehold:
		return r.Household != nil
	}
	return false
}

// Company is a legal entity's registration as the legal-entity library
// holds it.
type Company struct {
	USCC string
	Name string
	// InBusiness is true while the company exists (存续): not deregistered,
	// its licence not revoked.
	InBusiness bool
	// Representative is the legal representative (法定代表人); the library
	// discloses the ID number masked only.
	Representative Representative
}

// Representative is a company's legal representative.
type Representative struct {
	Name           string
	IDNumberMasked string
}

// LicenceLibrary is the e-license library.
type LicenceLibrary interface {
	// Lookup finds a holder's usable licences of a type for pre-filling.
	// A library that cannot be asked is not an error: the result has no
	// licences and a Reason.
	Lookup(ctx context.Context, holderID, licenceType string) (LicenceLookup, error)
}

// LicenceLookup is what pre-filling found in the e-license library.
type LicenceLookup struct {
	// LicenceIDs are the holder's usable licences, best first.
	LicenceIDs []string
	// Reason, set when there are none, tells the applicant (in Chinese)
	// why an upload is needed.
	Reason string
}
