package apply

import (
	"context"
	"errors"
	"slices"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

var errNotDraft = workflow.Refuse(workflow.ErrConflict, "not_a_draft", "办件已提交，不能再修改申请内容")

// edit applies fn to the application of a draft case and saves it.
func (s *Service) edit(ctx context.Context, f Filing, fn func(workflow.Item, *Application) error) (Application, error) {
	if f.Case.Status != workflow.StatusDraft {
		return Application{}, errNotDraft
	}
	it, err := s.cfg.Catalogue.Lookup(f.Case.ItemCode)
	if err != nil {
		return Application{}, err
	}
	app, err := f.application()
	if err != nil {
		return Application{}, err
	}
	var editErr error
	app, err = s.cfg.Store.UpdateApplication(ctx, app, func(a *Application) error {
		editErr = fn(it, a)
		return editErr
	})
	if editErr == nil && errors.Is(err, workflow.ErrNotFound) {
		return Application{}, errApplicationNotFound
	}
	return app, err
}

// edited describes the application an edit saved, or answers its error.
func (s *Service) edited(ctx context.Context, cs workflow.Case, app Application, err error, known ...bookEntry) (Draft, error) {
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, cs, app, known...)
}

func invalid(code, message string, detail any) *workflow.Refusal {
	r := workflow.Refuse(workflow.ErrInvalidInput, code, message)
	if detail != nil {
		r = r.WithDetail(detail)
	}
	return r
}

// Sign records the signature of the commitment letter (告知承诺书): the
// template version and the SM3 hash of the exact text shown, with the time
// and channel. A hash that does not match the current template's text is
// refused: the applicant was shown other wording.
func (s *Service) Sign(ctx context.Context, f Filing, signer citizen.Caller, templateVersion, textHash string) (Draft, error) {
	acct := signer.Account
	app, err := s.edit(ctx, f, func(it workflow.Item, a *Application) error {
		switch {
		case !it.TrustFirst:
			return invalid("commitment_not_offered", "该事项未实行告知承诺制", nil)
		case templateVersion == "" || len(templateVersion) > 64 || len(textHash) != 64:
			return invalid("invalid_commitment", "承诺书版本或摘要不正确", nil)
		case templateVersion == it.Commitment.TemplateVersion && textHash != it.Commitment.TextHash:
			return invalid("commitment_text_mismatch", "所签承诺书内容与现行版本不一致，请重新阅读后签署", nil)
		}
		a.Signature = &workflow.Signature{TemplateVersion: templateVersion, TextHash: textHash,
			SignedAt: s.cfg.Now(), Channel: acct.Channel}
		a.SignerID, a.SignerAssurance = signer.Citizen.ID, signer.Citizen.Level()
		return nil
	})
	return s.edited(ctx, f.Case, app, err)
}

// Promise records the non-core materials promised for later (容缺); the
// workflow checks the due dates against the item's time limit at
// submission. An empty list withdraws every promise.
func (s *Service) Promise(ctx context.Context, f Filing, items []workflow.PromisedMaterial) (Draft, error) {
	app, err := s.edit(ctx, f, func(it workflow.Item, a *Application) error {
		seen := map[string]bool{}
		for _, p := range items {
			if err := checkPromise(it, a, p, seen[p.Code]); err != nil {
				return err
			}
			seen[p.Code] = true
		}
		a.Promised = slices.Clone(items)
		return nil
	})
	return s.edited(ctx, f.Case, app, err)
}

func checkPromise(it workflow.Item, a *Application, p workflow.PromisedMaterial, again bool) error {
	m, ok := it.Material(p.Code)
	am := a.Material(p.Code)
	detail := map[string]string{"material": p.Code}
	switch {
	case !ok || am == nil:
		return invalid("unknown_material", "材料不属于该事项", detail)
	case m.Core:
		return invalid("core_material", m.Name+"为核心材料，不能容缺", detail)
	case am.Held || am.Upload != nil:
		return invalid("material_provided", m.Name+"已提供，无需承诺", detail)
	case p.Due.IsZero() || again:
		return invalid("invalid_promise", "请为每项容缺材料填写一个补齐日期", detail)
	}
	return nil
}

// Deliver records how the result is delivered; a courier delivery (or an
// item whose originals a courier collects) needs an address from the
// person's address book. The address read to check it is the one the
// answer shows.
func (s *Service) Deliver(ctx context.Context, f Filing, person citizen.Citizen, method workflow.DeliveryMethod, addressID string) (Draft, error) {
	var known []bookEntry
	app, err := s.edit(ctx, f, func(it workflow.Item, a *Application) error {
		switch {
		case !method.Valid() || !it.Offers(method):
			return invalid("delivery_not_offered", "该事项不支持所选送达方式", map[string]string{"field": "method"})
		case (method == workflow.DeliveryCourier || it.NeedsOriginalsPickup) && addressID == "":
			return invalid("address_required", "请选择收件地址", map[string]string{"field": "address_id"})
		}
		if addressID != "" {
			addr, err := s.cfg.Store.AddressOf(ctx, person.ID, addressID)
			if err != nil {
				if errors.Is(err, workflow.ErrNotFound) {
					return invalid("address_not_found", "收件地址不存在", map[string]string{"field": "address_id"})
				}
				return err
			}
			known = []bookEntry{{citizenID: person.ID, id: addressID, address: addr}}
		}
		a.Delivery = &workflow.Delivery{Method: method, AddressRef: addressID}
		return nil
	})
	return s.edited(ctx, f.Case, app, err, known...)
}
