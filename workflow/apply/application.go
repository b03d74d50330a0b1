// Package apply is the citizen's application behind a draft case: the
// materials the government already holds and those handed in, the signed
// commitment, the promised materials and the delivery choice; the rules
// of filling it in, of uploads and of submitting it; and what the
// applicant does on a case afterwards (corrections, promised materials,
// withdrawal, the result licences).
package apply

import (
	"context"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// Application is a case being filled in by a citizen before submission:
// the state of each material, the signed commitment, promised materials
// and the delivery choice. Submit turns it into the workflow's Submit.
type Application struct {
	CaseID      string              `json:"-"`
	PrincipalID string              `json:"-"`
	PersonID    string              `json:"-"`
	Channel     workflow.Channel    `json:"-"`
	Version     int64               `json:"-"`
	Materials   []Material          `json:"materials"`
	Signature   *workflow.Signature `json:"signature,omitempty"`
	// SignerID is the person who signed the commitment and
	// SignerAssurance their level then: a commitment another person
	// signed is trusted as far as the lower of the two levels.
	SignerID        string                      `json:"signer_id,omitempty"`
	SignerAssurance workflow.Assurance          `json:"signer_assurance,omitempty"`
	Promised        []workflow.PromisedMaterial `json:"promised,omitempty"`
	Delivery        *workflow.Delivery          `json:"delivery,omitempty"`
	CreatedAt       time.Time                   `json:"-"`
	UpdatedAt       time.Time                   `json:"-"`
}

// Material is one material of an application. Held means the government
// already holds it (Source and Ref say where); otherwise Note says why it
// is needed and Upload is the file handed in, if any.
type Material struct {
	Code   string              `json:"code"`
	Source workflow.SourceKind `json:"source,omitempty"`
	Ref    string              `json:"ref,omitempty"`
	Held   bool                `json:"held,omitempty"`
	Note   string              `json:"note,omitempty"`
	Upload *Upload             `json:"upload,omitempty"`
}

// Upload is a file handed in for a material, kept by content hash.
type Upload struct {
	ID          string    `json:"id"`
	Key         string    `json:"key"`
	SM3         string    `json:"sm3"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// UploadRecord is an upload with the case and material it was made for.
type UploadRecord struct {
	Upload
	CaseID   string
	Material string
}

// Material returns the application's material with code.
func (a *Application) Material(code string) *Material {
	for i := range a.Materials {
		if a.Materials[i].Code == code {
			return &a.Materials[i]
		}
	}
	return nil
}

// Missing lists the materials of the application still to be provided:
// neither held, nor uploaded, nor promised for later, nor optional.
func (a Application) Missing(it workflow.Item) []string {
	missing := []string{}
	for _, am := range a.Materials {
		if Needed(it, am, a.Promised) {
			missing = append(missing, am.Code)
		}
	}
	return missing
}

// Needed reports whether the applicant still has to provide am.
func Needed(it workflow.Item, am Material, promised []workflow.PromisedMaterial) bool {
	m, _ := it.Material(am.Code)
	for _, p := range promised {
		if p.Code == am.Code {
			return false
		}
	}
	return !am.Held && am.Upload == nil && !m.Optional
}

// CasePage is one page of a citizen's cases, newest first. Next is the
// key of the following page, empty on the last.
type CasePage struct {
	Cases []workflow.Case
	Next  string
}

// Store keeps applications and uploads and reads the citizens they are
// made by (models.Citizens). Errors wrap the workflow's sentinels.
type Store interface {
	Application(ctx context.Context, caseID string) (Application, error)
	// CreateApplication stores a new application; ErrDuplicate when the
	// case has one.
	CreateApplication(ctx context.Context, a Application) error
	// UpdateApplication applies edit to a, the application as just read,
	// and saves it under an optimistic version check; when another request
	// saved first it reads the application again and re-applies edit. An
	// error from edit is returned as it is.
	UpdateApplication(ctx context.Context, a Application, edit func(*Application) error) (Application, error)
	// RecordUpload records u for a material of a case if, with it, the
	// case's uploads and those of the account that made it (u.By) within
	// q.Window before u.At stay within q; the check and the write are one
	// step, so parallel uploads do not pass the quotas together. When they
	// would, nothing is recorded, recorded is false and used says what
	// the uploads already take.
	RecordUpload(ctx context.Context, caseID, material string, u Upload, q UploadQuota) (recorded bool, used UploadUsage, err error)
	GetUpload(ctx context.Context, id string) (UploadRecord, error)
	// AddressOf returns an entry of a citizen's address book.
	AddressOf(ctx context.Context, citizenID, id string) (citizen.Address, error)
	// Get returns a principal (person or business).
	Get(ctx context.Context, id string) (citizen.Citizen, error)
	// NewID returns a fresh random identifier.
	NewID() string
}

// Index is the part of the case store the applicant's cases are read
// from (*models.Repo).
type Index interface {
	// CasesOfApplicants pages on from the key after (a workflow.TimeKey of
	// the creation time and id of the last case of the previous page, ""
	// for the first); a key it cannot read is workflow.ErrBadCursor.
	CasesOfApplicants(ctx context.Context, applicants []string, status workflow.Status, after string, limit int) (CasePage, error)
	// CaseAndApplication reads a case with its application in one
	// statement (ok false when the case has none); workflow.ErrNotFound
	// when there is no such case.
	CaseAndApplication(ctx context.Context, id string) (c workflow.Case, a Application, ok bool, err error)
	// NumberDraft takes the next case number for a new draft of the
	// applicant at `at` for the item of implCode (its 实施编码, or "" for the
	// earlier form), unless the applicant already keeps limit drafts
	// open: then it takes none and ok is false.
	NumberDraft(ctx context.Context, at time.Time, implCode, applicantID string, limit int) (number string, ok bool, err error)
}

// Cases is the workflow the applicant's events go through (*workflow.Service).
type Cases interface {
	// CreateNew answers a retry from the stored answer to its key, and
	// otherwise opens the draft build makes.
	CreateNew(ctx context.Context, idem *workflow.IdempotencyRequest, build func(context.Context) (workflow.Draft, error)) (workflow.Case, error)
	// SubmitOn answers a retry from the stored answer to its key, and
	// otherwise submits the case just read with the event build makes.
	SubmitOn(ctx context.Context, c workflow.Case, idem *workflow.IdempotencyRequest, build func(context.Context) (workflow.Submit, error)) (workflow.Case, error)
	Do(ctx context.Context, id string, ev workflow.Event, idem *workflow.IdempotencyRequest) (workflow.Case, error)
	History(ctx context.Context, id string) ([]workflow.EventRecord, error)
}

// People says whose cases a caller may act on (*citizen.Service).
type People interface {
	OwnCase(ctx context.Context, c citizen.Caller, id string, read citizen.CaseRead) (workflow.Case, error)
}

// Credit is the credit library: the standing of a subject (resident ID
// number or credit code) that the trust-first guard weighs, and what it
// holds of the subject's false commitments and credit repairs.
type Credit interface {
	Status(ctx context.Context, subjectID string) (workflow.CreditStatus, workflow.CreditHistory, error)
}

// Licence is an e-licence of the library, as its holder sees it.
type Licence struct {
	ID         string
	Type       string
	Name       string
	HolderName string
	Issuer     string
	IssuedOn   workflow.Date
	// ExpiresOn is the last valid day, zero for 长期有效.
	ExpiresOn workflow.Date
	Status    string
	FileSM3   string
	// CaseNumber is the case that issued the licence, if it came from one.
	CaseNumber string
}

// Licences is the e-licence library.
type Licences interface {
	Licences(ctx context.Context, holderID, licenceType string) ([]Licence, error)
	// File returns a licence's file, checked against its digests.
	File(ctx context.Context, licenceID string) ([]byte, error)
}

// Evaluations says whether a case was evaluated (feedback.Evaluations).
type Evaluations interface {
	Evaluated(ctx context.Context, caseID string) bool
}
