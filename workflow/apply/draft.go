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
	var opened workflow.Draft
	cs, err := s.cfg.Cases.CreateNew(ctx, d.Idem, func(ctx context.Context) (workflow.Draft, error) {
		var err error
		opened, err = s.newDraft(ctx, d)
		return opened, err
	})
	if err != nil {
		return Draft{}, err
	}
	app, err := s.draftApplication(ctx, cs, d, cs.ID == opened.ID)
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, cs, app)
}

// newDraft is the workflow's draft of a new request, with a fresh case
// number; refused past the limit of open drafts.
func (s *Service) newDraft(ctx context.Context, d NewDraft) (workflow.Draft, error) {
	now := s.cfg.Now()
	number, ok, err := s.cfg.Index.NumberDraft(ctx, now, d.Item.ImplCode, d.Principal.ID, maxOpenDrafts)
	switch {
	case err != nil:
		return workflow.Draft{}, err
	case !ok:
		return workflow.Draft{}, workflow.ErrTooManyDrafts.WithDetail(map[string]int{"limit": maxOpenDrafts})
	}
	wd := workflow.Draft{ID: s.cfg.Store.NewID(), Number: number, ItemCode: d.Item.Code, ApplicantID: d.Principal.ID,
		Channel: d.Account.Channel, Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: d.Principal.ID}, At: now,
		ApplicantType: workflow.ApplicantPerson, OpenLimit: maxOpenDrafts}
	if d.Principal.Kind == citizen.KindBusiness {
		wd.ApplicantType = workflow.ApplicantBusiness
	}
	wd.SubjectIndex = workflow.SubjectIndexOf(s.cfg.Identities, wd.ApplicantType, d.Principal.IDNumber)
	return wd, nil
}

// draftApplication stores the application of a case just opened (opened),
// or finds that of a case a retry was answered with, storing it when the
// first request did not get that far. The pre-fill is worked out only for
// an application being stored.
func (s *Service) draftApplication(ctx context.Context, cs workflow.Case, d NewDraft, opened bool) (Application, error) {
	if !opened {
		app, err := s.cfg.Store.Application(ctx, cs.ID)
		if !errors.Is(err, workflow.ErrNotFound) {
			return app, err
		}
	}
	app := Application{CaseID: cs.ID, PrincipalID: d.Principal.ID, PersonID: d.Person.ID, Channel: d.Account.Channel,
		Materials: d.Prefill(ctx)}
	err := s.cfg.Store.CreateApplication(ctx, app)
	if errors.Is(err, workflow.ErrDuplicate) {
		return s.cfg.Store.Application(ctx, cs.ID)
	}
	return app, err
}

// Application returns the application of a case.
func (s *Service) Application(ctx context.Context, f Filing) (Draft, error) {
	app, err := f.application()
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, f.Case, app)
}

// bookEntry is an address of the book just read for a citizen, which
// spares reading it again.
type bookEntry struct {
	citizenID, id string
	address       citizen.Address
}

// draft describes an application: what is missing, where the result goes
// and whether it can be submitted. known are addresses just read.
func (s *Service) draft(ctx context.Context, cs workflow.Case, app Application, known ...bookEntry) (Draft, error) {
	it, err := s.cfg.Catalogue.Lookup(cs.ItemCode)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Case: cs, Item: it, Application: app, Missing: app.Missing(it)}
	if app.Delivery != nil && app.Delivery.AddressRef != "" {
		if a, err := s.addressOf(ctx, app.PersonID, app.Delivery.AddressRef, known); err == nil {
			d.Address = maskAddress(a)
		}
	}
	d.Ready = len(d.Missing) == 0 && app.Delivery != nil && cs.Status == workflow.StatusDraft
	return d, nil
}

// addressOf is an entry of a citizen's address book, from known when it
// was just read.
func (s *Service) addressOf(ctx context.Context, citizenID, id string, known []bookEntry) (citizen.Address, error) {
	for _, k := range known {
		if k.citizenID == citizenID && k.id == id {
			return k.address, nil
		}
	}
	return s.cfg.Store.AddressOf(ctx, citizenID, id)
}

// maskAddress shows the region and hides the street address.
func maskAddress(a citizen.Address) string {
	return a.Region + "****（" + ident.MaskName(a.Recipient) + " " + ident.MaskPhone(a.Phone) + "）"
}
