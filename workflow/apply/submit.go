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
// when the key is new). The credit library is asked for the applicant's
// standing; the case says whether it was trusted first (告知承诺) or takes
// the ordinary path, and why.
func (s *Service) Submit(ctx context.Context, cs workflow.Case, person citizen.Citizen, idem *workflow.IdempotencyRequest) (workflow.Case, error) {
	app, err := s.application(ctx, cs.ID)
	if err != nil {
		return workflow.Case{}, err
	}
	if idem == nil {
		return workflow.Case{}, workflow.Refuse(workflow.ErrMalformed, "idempotency_key_required", "提交申请须携带 Idempotency-Key 请求头")
	}
	ev, err := s.submission(ctx, cs, app, person)
	if err != nil && cs.Status == workflow.StatusDraft {
		return workflow.Case{}, err
	}
	return s.cfg.Cases.Do(ctx, cs.ID, ev, idem)
}

// submission builds the workflow's Submit from the application.
func (s *Service) submission(ctx context.Context, cs workflow.Case, app Application, person citizen.Citizen) (workflow.Submit, error) {
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
	principal := person
	if principal.ID != cs.ApplicantID {
		if principal, err = s.cfg.Store.Get(ctx, cs.ApplicantID); err != nil {
			return ev, err
		}
	}
	ev.Credit = s.standing(ctx, principal.IDNumber)
	return ev, nil
}

// standing is the credit status the trust-first guard weighs: unknown when
// the library could not say (the case then takes the ordinary path).
func (s *Service) standing(ctx context.Context, subjectID string) workflow.CreditStatus {
	if s.cfg.Credit == nil {
		return workflow.CreditUnknown
	}
	st, err := s.cfg.Credit.Status(ctx, subjectID)
	if err != nil || !st.Valid() {
		return workflow.CreditUnknown
	}
	return st
}
