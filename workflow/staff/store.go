package staff

import (
	"context"
	"errors"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// Store keeps staff accounts, case claims and their log, supervision
// alerts, walk-in applicants, the work queues and the statistics. The
// implementation is models.StaffStore. Errors wrap the workflow's
// sentinels: ErrNotFound, ErrDuplicate, ErrConflict; a refused claim is a
// *ClaimHeldError or ErrNotHolder.
type Store interface {
	// CreateStaff stores a new account; ErrDuplicate if the username is taken.
	CreateStaff(ctx context.Context, a Account) (Account, error)
	GetStaff(ctx context.Context, id string) (Account, error)
	StaffByUsername(ctx context.Context, username string) (Account, error)
	// ListStaff pages through accounts in id order after afterID;
	// department "" lists every department.
	ListStaff(ctx context.Context, department, afterID string, limit int) ([]Account, error)
	UpdateStaff(ctx context.Context, id string, u AccountUpdate, at time.Time) (Account, error)
	// LoginAttempt counts a login attempt as a failure before the
	// password is checked, and locks the account as p says, atomically;
	// allowed is false (and nothing counted) while the account is locked.
	LoginAttempt(ctx context.Context, id string, at time.Time, p LoginPolicy) (a Account, allowed bool, err error)
	// LoginSucceeded clears the count of an attempt whose password was right.
	LoginSucceeded(ctx context.Context, id string) error
	// StaffNames returns display names by id; unknown ids are left out.
	StaffNames(ctx context.Context, ids []string) (map[string]string, error)

	Queue(ctx context.Context, q QueueQuery) (QueuePage, error)
	// ClaimNext claims the first free case q selects; ErrNotFound when none.
	ClaimNext(ctx context.Context, q QueueQuery, staffID string, lease time.Duration) (QueueEntry, error)
	// Claim takes a case or renews the caller's claim.
	Claim(ctx context.Context, caseID, department, staffID string, at time.Time, lease time.Duration) (Claim, error)
	// ClaimOf returns the live claim on a case, if any.
	ClaimOf(ctx context.Context, caseID string, at time.Time) (Claim, bool, error)
	Release(ctx context.Context, caseID, staffID string, at time.Time) error
	HandOver(ctx context.Context, caseID, fromStaff, toStaff, reason string, at time.Time, lease time.Duration) (Claim, error)
	// Reassign gives the case to toStaff (or back to the queue when
	// toStaff is empty), whoever holds it.
	Reassign(ctx context.Context, caseID, department, toStaff, by, reason string, at time.Time, lease time.Duration) (Claim, error)
	StaffLog(ctx context.Context, caseID string) ([]LogEntry, error)
	// LogAccess records a read of the case's personal data in its staff log.
	LogAccess(ctx context.Context, caseID, staffID string, action Action, at time.Time, data any) error

	Alerts(ctx context.Context, departments []string, beforeID int64, limit int) ([]Alert, error)
	Workloads(ctx context.Context, departments []string, at time.Time) ([]Workload, error)
	Stats(ctx context.Context, q StatsQuery) (Stats, error)

	// FindOrCreateApplicant returns the walk-in applicant with w.IDIndex,
	// storing w when there is none yet; created says which.
	FindOrCreateApplicant(ctx context.Context, w Walkin) (Walkin, bool, error)
	// CounterApplicantByID returns a walk-in applicant, or ErrNotFound.
	CounterApplicantByID(ctx context.Context, id string) (Walkin, error)

	// RecordScan records a file staffID scanned at the counter at at if,
	// with it, the account's scans within q.Window stay within q, in one
	// atomic step; a file the account scanned already is recorded. When it
	// would pass the quota nothing is recorded and the usage is read.
	RecordScan(ctx context.Context, staffID string, obj files.Object, at time.Time, q files.Quota) (recorded bool, used files.Usage, err error)
	// ScanSizes returns the sizes of the recorded scans among keys.
	ScanSizes(ctx context.Context, keys []string) (map[string]int64, error)
	// LetterCase returns the id of the case whose counter signature is
	// the scanned letter key, or ErrNotFound.
	LetterCase(ctx context.Context, key string) (string, error)
}

// ErrWeakPassword means a new password is too short or too long.
var ErrWeakPassword = errors.New("password must be 10 to 256 bytes")

// Passwords hashes and checks staff passwords (models.PasswordHasher).
type Passwords interface {
	// Hash returns the stored form of a new password, or ErrWeakPassword.
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches encoded. An empty encoded
	// matches nothing but takes as long as a real check.
	Verify(ctx context.Context, encoded, password string) (bool, error)
}

// Sessions ends the signed-in sessions of an account: every token it
// holds stops working at once (session.StaffSessions).
type Sessions interface {
	EndSessions(ctx context.Context, staffID string) error
}

// Cases is the part of the case workflow the staff area drives
// (*workflow.Service).
type Cases interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
	History(ctx context.Context, id string) ([]workflow.EventRecord, error)
	Create(ctx context.Context, d workflow.Draft, idem *workflow.IdempotencyRequest) (workflow.Case, error)
	Do(ctx context.Context, id string, ev workflow.Event, idem *workflow.IdempotencyRequest) (workflow.Case, error)
	// DoOn applies ev to the case as the caller read it, the guard
	// checked as the change is written.
	DoOn(ctx context.Context, c workflow.Case, ev workflow.Event, idem *workflow.IdempotencyRequest, guard *workflow.Guard) (workflow.Case, error)
	// OpenSubmitted opens, submits and holds a case in one transaction.
	OpenSubmitted(ctx context.Context, idem *workflow.IdempotencyRequest, build func(context.Context) (workflow.Opening, error)) (workflow.Case, error)
}

// ClaimedCases reads a case together with its live claim at `at` (ok
// false when free), in one read; ErrNotFound when there is no such case.
// *models.Repo implements it.
type ClaimedCases interface {
	CaseAndClaim(ctx context.Context, id string, at time.Time) (c workflow.Case, cl Claim, ok bool, err error)
}

// Numbers hands out case numbers (办件编号).
type Numbers interface {
	NextCaseNumber(ctx context.Context, at time.Time, implCode string) (string, error)
}

// Credit tells the credit library's standing of a subject (resident ID
// number or unified social credit code) and what it holds of the
// subject's false commitments and credit repairs; CreditUnknown (and no
// history) when it cannot be asked.
type Credit interface {
	Standing(ctx context.Context, subjectID string) (workflow.CreditStatus, workflow.CreditHistory)
}

// Population checks a name against a resident ID number in the population
// library (人口库实名核验). A number the library does not know is an error
// wrapping workflow.ErrNotFound; a library that cannot be asked is an
// error wrapping workflow.ErrUnavailable.
type Population interface {
	VerifyRealName(ctx context.Context, name, idNumber string) (bool, error)
}

// Licences finds a holder's usable licences in the e-license library
// (电子证照库), of one type or of any type when licenceType is empty.
type Licences interface {
	Lookup(ctx context.Context, holderID, licenceType string) (LicenceLookup, error)
}

// LicenceLookup is what the e-license library holds for a holder: the
// usable licences, or Degraded with a Reason when it could not be asked,
// or a Reason why none is usable.
type LicenceLookup struct {
	Licences []Licence
	Degraded bool
	Reason   string
}

// Licence is a licence the library holds.
type Licence struct {
	ID   string
	Name string
}

// Citizens finds the mini-program citizen of a person by resident ID
// number (ErrNotFound when none), with the assurance it was bound at.
type Citizens interface {
	FindPerson(ctx context.Context, idNumber string) (citizenID string, level workflow.Assurance, err error)
}

// Holder is who an applicant is: the resident ID number (or unified social
// credit code) and the name.
type Holder struct {
	ID   string
	Name string
}

// Holders resolves an applicant who is not a walk-in to their verified
// identity.
type Holders interface {
	Holder(ctx context.Context, applicantID string) (Holder, error)
}

// Sealer protects personal data at rest (*pii.Sealer): Seal and Open bind
// the sealed text to a context, Index is a blind index for lookups.
type Sealer interface {
	Seal(plain, context string) (string, error)
	Open(sealed, context string) (string, error)
	Index(kind, value string) string
}
