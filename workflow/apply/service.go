package apply

import (
	"context"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/files"
)

// DefaultMaxUploadBytes bounds an uploaded file when Config does not say.
const DefaultMaxUploadBytes = 10 << 20

// Config is what a Service needs.
type Config struct {
	Store Store
	Index Index
	Cases Cases
	// People says whose cases a caller may act on.
	People    People
	Catalogue workflow.Catalogue
	Credit    Credit
	// Identities gives a case the blind index of its applicant's identity,
	// which sanctions follow (none when nil: the account alone).
	Identities workflow.Indexer
	Licences   Licences
	// Evaluations tells which completed cases are evaluated (none when nil).
	Evaluations Evaluations
	Blobs       files.Stager
	// Quota bounds what an account and a case may upload.
	Quota UploadQuota
	// Sniff names the content type of a file by its first 512 bytes.
	Sniff          func(head []byte) string
	MaxUploadBytes int64
	Now            func() time.Time
}

// Service fills in, submits and follows up the citizen's applications.
type Service struct{ cfg Config }

// New returns an application service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	cfg.Quota = cfg.Quota.Or(DefaultUploadQuota)
	return &Service{cfg: cfg}
}

// MaxUploadBytes bounds one uploaded file.
func (s *Service) MaxUploadBytes() int64 { return s.cfg.MaxUploadBytes }

// Item returns the catalogue's item with code.
func (s *Service) Item(code string) (workflow.Item, error) {
	it, err := s.cfg.Catalogue.Lookup(code)
	if err != nil {
		return workflow.Item{}, workflow.Refuse(workflow.ErrNotFound, "item_not_found", "办理事项不存在").Because(err)
	}
	return it, nil
}

// PersonOf returns who filled in a case's application (for a business,
// the agent); workflow.ErrNotFound for a case without one.
func (s *Service) PersonOf(ctx context.Context, caseID string) (string, error) {
	app, err := s.cfg.Store.Application(ctx, caseID)
	return app.PersonID, err
}

var errApplicationNotFound = workflow.Refuse(workflow.ErrNotFound, "application_not_found", "未找到该办件的申请表")

// Filing is a case its applicant acts on, read with its application in one
// statement: the check of who may act on the case and the operation on the
// application share the read.
type Filing struct {
	Case        workflow.Case
	Application Application
	// HasApplication is false for a case without one (opened at a counter).
	HasApplication bool
}

// Filing returns a case the caller may act on (their own, or one of a
// business they act for) with its application; citizen.ErrCaseNotFound
// for any other.
func (s *Service) Filing(ctx context.Context, who citizen.Caller, id string) (Filing, error) {
	var f Filing
	cs, err := s.cfg.People.OwnCase(ctx, who, id, func(ctx context.Context, id string) (workflow.Case, error) {
		c, app, ok, err := s.cfg.Index.CaseAndApplication(ctx, id)
		f.Application, f.HasApplication = app, ok
		return c, err
	})
	if err != nil {
		return Filing{}, err
	}
	f.Case = cs
	return f, nil
}

// application is the filing's application, or the refusal of a case
// without one.
func (f Filing) application() (Application, error) {
	if !f.HasApplication {
		return Application{}, errApplicationNotFound
	}
	return f.Application, nil
}

// actor is the applicant acting on their case (the person, or the
// business they act for).
func actor(cs workflow.Case) workflow.Actor {
	return workflow.Actor{Kind: workflow.ActorCitizen, ID: cs.ApplicantID}
}
