package apply

import (
	"context"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// Submit submits a draft on behalf of person (the applicant, or the agent
// of a business). It takes an idempotency key: a retry gets the same
// answer and changes nothing, and a case already submitted is answered
// from the stored reply to its key (or refused as an invalid transition
// when the key is new). The stored reply comes before the credit library
// is asked for the applicant's standing, so a retry asks nothing; the case
// says whether it was trusted first (告知承诺) or takes the ordinary path,
// and why.
func (s *Service) Submit(ctx context.Context, f Filing, person citizen.Citizen, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	cs := f.Case
	app, err := f.application()
	if err != nil {
		return workflow.Case{}, err
	}
	if idem == nil {
		return workflow.Case{}, workflow.Refuse(workflow.ErrMalformed, "idempotency_key_required", "提交申请须携带 Idempotency-Key 请求头")
	}
	ev, err := s.submission(cs, app)
	// The signer's level: trust first and delivery to the door need the
	// person themselves.
	ev.Assurance = person.Level()
	if app.Signature != nil && app.SignerID != "" && app.SignerID != person.ID && !app.SignerAssurance.AtLeast(ev.Assurance) {
		// Signed by someone else less sure than the submitter (another
		// agent of the business): the commitment is as good as its signer.
		ev.Assurance = app.SignerAssurance
		if !ev.Assurance.Valid() {
			ev.Assurance = workflow.AssuranceAccount
		}
	}
	if err != nil && cs.Status == workflow.StatusDraft {
		return workflow.Case{}, err
	}
	incomplete := err != nil
	return s.cfg.Cases.SubmitOn(ctx, cs, idem, func(ctx context.Context) (workflow.Submit, error) {
		if incomplete {
			// A case past its draft goes to the workflow as it is, which
			// refuses the transition.
			return ev, nil
		}
		return s.withStanding(ctx, cs, ev, person)
	})
}

// submission builds the workflow's Submit from the application; the
// applicant's credit standing is added by withStanding.
func (s *Service) submission(cs workflow.Case, app Application) (workflow.Submit, error) {
	ev := workflow.Submit{Meta: workflow.Meta{Actor: actor(cs), At: s.cfg.Now()}, Signature: app.Signature, Promised: app.Promised}
	it, err := s.cfg.Catalogue.Lookup(cs.ItemCode)
	if err != nil {
		return ev, err
	}
	if missing := app.Missing(it); len(missing) > 0 {
		return ev, invalid("materials_missing", "还有材料未提供", map[string]any{"materials": missing})
	}
	if app.Delivery == nil {
		return ev, invalid("delivery_required", "请选择办理结果的送达方式", nil)
	}
	ev.Delivery = *app.Delivery
	for _, am := range app.Materials {
		switch {
		case am.Held:
			ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: am.Code, Source: am.Source, Ref: am.Ref})
		case am.Upload != nil:
			ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: am.Code, Source: workflow.SourceUpload,
				Ref: am.Upload.Key, Note: am.Note})
		}
	}
	return ev, nil
}

// withStanding adds the applicant's credit standing to a submission: the
// principal's (the business's, when person acts for one). A case no longer
// a draft goes to the workflow even without it, which refuses it.
func (s *Service) withStanding(ctx context.Context, cs workflow.Case, ev workflow.Submit, person citizen.Citizen) (workflow.Submit, error) {
	principal := person
	if principal.ID != cs.ApplicantID {
		var err error
		if principal, err = s.cfg.Store.Get(ctx, cs.ApplicantID); err != nil {
			if cs.Status == workflow.StatusDraft {
				return ev, err
			}
			return ev, nil
		}
	}
	ev.Credit, ev.History = s.standing(ctx, principal.IDNumber)
	return ev, nil
}

// standing is the credit status the trust-first guard weighs, and the
// library's record of false commitments and repairs: unknown when the
// library could not say (the case then takes the ordinary path).
func (s *Service) standing(ctx context.Context, subjectID string) (workflow.CreditStatus, workflow.CreditHistory) {
	if s.cfg.Credit == nil {
		return workflow.CreditUnknown, workflow.CreditHistory{}
	}
	st, h, err := s.cfg.Credit.Status(ctx, subjectID)
	if err != nil || !st.Valid() {
		return workflow.CreditUnknown, workflow.CreditHistory{}
	}
	return st, h
}
