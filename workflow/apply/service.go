package apply

import (
	"context"
	"errors"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// DefaultMaxUploadBytes bounds an uploaded file when Config does not say.
const DefaultMaxUploadBytes = 10 << 20

// Config is what a Service needs.
type Config struct {
	Store     Store
	Index     Index
	Cases     Cases
	Catalogue workflow.Catalogue
	Credit    Credit
	Licences  Licences
	// Evaluations tells which completed cases are evaluated (none when nil).
	Evaluations Evaluations
	Blobs       files.Store
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

// application loads a case's application.
func (s *Service) application(ctx context.Context, caseID string) (Application, error) {
	app, err := s.cfg.Store.Application(ctx, caseID)
	if errors.Is(err, workflow.ErrNotFound) {
		return Application{}, errApplicationNotFound
	}
	return app, err
}

// actor is the applicant acting on their case (the person, or the
// business they act for).
func actor(cs workflow.Case) workflow.Actor {
	return workflow.Actor{Kind: workflow.ActorCitizen, ID: cs.ApplicantID}
}
