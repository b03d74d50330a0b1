package apply

import (
	"context"
	"errors"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/ident"
)

// maxOpenDrafts bounds the drafts one applicant keeps open: enough for any
// real errand, and a stop to a script filling the store.
const maxOpenDrafts = 20

// NewDraft is a citizen's request to open a draft of an item.
type NewDraft struct {
	Item workflow.Item
	// Account and Person are who asks; Principal who applies (the person,
	// or a business they act for).
	Account   citizen.Account
	Person    citizen.Citizen
	Principal citizen.Citizen
	// Idem makes a retry answer with the same draft.
	Idem *workflow.IdempotencyRequest
	// Prefill works out which materials the government already holds; it
	// is asked once, when the application is first stored.
	Prefill func(ctx context.Context) []Material
}

// Draft is an application as the mini program fills it in.
type Draft struct {
	Case        workflow.Case
	Item        workflow.Item
	Application Application
	// Missing lists the materials still to provide before submitting.
	Missing []string
	// Address is the masked delivery address.
	Address string
	Ready   bool
}

// CreateDraft opens a draft case with a fresh case number and stores its
// application. A retry with the same idempotency key answers with the
// same draft and is not held to the limit of open drafts.
func (s *Service) CreateDraft(ctx context.Context, d NewDraft) (Draft, error) {
	if err := s.checkOpenDrafts(ctx, d); err != nil {
		return Draft{}, err
	}
	now := s.cfg.Now()
	number, err := s.cfg.Index.NextCaseNumber(ctx, now)
	if err != nil {
		return Draft{}, err
	}
	wd := workflow.Draft{ID: s.cfg.Store.NewID(), Number: number, ItemCode: d.Item.Code, ApplicantID: d.Principal.ID,
		Channel: d.Account.Channel, Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: d.Principal.ID}, At: now,
		ApplicantType: workflow.ApplicantPerson}
	if d.Principal.Kind == citizen.KindBusiness {
		wd.ApplicantType = workflow.ApplicantBusiness
	}
	cs, err := s.cfg.Cases.Create(ctx, wd, d.Idem)
	if err != nil {
		return Draft{}, err
	}
	app, err := s.cfg.Store.Application(ctx, cs.ID)
	if errors.Is(err, workflow.ErrNotFound) {
		app = Application{CaseID: cs.ID, PrincipalID: d.Principal.ID, PersonID: d.Person.ID, Channel: d.Account.Channel,
			Materials: d.Prefill(ctx)}
		if err = s.cfg.Store.CreateApplication(ctx, app); errors.Is(err, workflow.ErrDuplicate) {
			app, err = s.cfg.Store.Application(ctx, cs.ID)
		}
	}
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, cs, app)
}

// checkOpenDrafts refuses a new draft past the limit of open ones; a
// retried request replays its first answer and is not refused by limits
// the first one passed.
func (s *Service) checkOpenDrafts(ctx context.Context, d NewDraft) error {
	if d.Idem != nil {
		if _, err := s.cfg.Index.Idempotency(ctx, d.Idem.Scope, d.Idem.Key); err == nil {
			return nil
		}
	}
	open, err := s.cfg.Index.CasesOfApplicants(ctx, []string{d.Principal.ID}, workflow.StatusDraft, "", maxOpenDrafts)
	if err != nil {
		return err
	}
	if len(open.Cases) >= maxOpenDrafts {
		return workflow.Refuse(workflow.ErrConflict, "too_many_drafts", "未提交的草稿过多，请先提交或撤回已有的草稿").
			WithDetail(map[string]int{"limit": maxOpenDrafts})
	}
	return nil
}

// Application returns a case's application.
func (s *Service) Application(ctx context.Context, cs workflow.Case) (Draft, error) {
	app, err := s.application(ctx, cs.ID)
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, cs, app)
}

// draft describes an application: what is missing, where the result goes
// and whether it can be submitted.
func (s *Service) draft(ctx context.Context, cs workflow.Case, app Application) (Draft, error) {
	it, err := s.cfg.Catalogue.Lookup(cs.ItemCode)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Case: cs, Item: it, Application: app, Missing: app.Missing(it)}
	if app.Delivery != nil && app.Delivery.AddressRef != "" {
		if a, err := s.cfg.Store.AddressOf(ctx, app.PersonID, app.Delivery.AddressRef); err == nil {
			d.Address = maskAddress(a)
		}
	}
	d.Ready = len(d.Missing) == 0 && app.Delivery != nil && cs.Status == workflow.StatusDraft
	return d, nil
}

// maskAddress shows the region and hides the street address.
func maskAddress(a citizen.Address) string {
	return a.Region + "****（" + ident.MaskName(a.Recipient) + " " + ident.MaskPhone(a.Phone) + "）"
}
