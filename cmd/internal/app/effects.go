package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/integrations/department"
	"zerovisit/integrations/elicense"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// holder is who a licence or a credit record is written against.
type holder struct {
	// ID is the resident ID number or unified social credit code.
	ID   string
	Name string
}

// holderDirectory resolves an applicant account to its verified identity.
type holderDirectory interface {
	Holder(ctx context.Context, applicantID string) (holder, error)
}

// noHolders is the directory before real-name identities are connected:
// effects that need one wait in the outbox (and are re-driven) rather than
// being written against a guess.
type noHolders struct{}

func (noHolders) Holder(context.Context, string) (holder, error) {
	return holder{}, fmt.Errorf("%w: real-name identity directory", workflow.ErrNoIntegration)
}

// routeEffects registers the party that carries out each effect kind.
func (a *App) routeEffects() {
	if a.holders == nil {
		a.holders = noHolders{}
	}
	p, r := a.parties, a.effects
	r.Handle(workflow.KindReportProvince, func(ctx context.Context, e workflow.OutboxEntry, eff workflow.Effect) error {
		return a.reportProvince(ctx, e, eff.(workflow.ReportProvince))
	})
	r.Handle(workflow.KindPushDepartment, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		push := eff.(workflow.PushDepartment)
		c, err := a.svc.Get(ctx, push.CaseID)
		if err != nil {
			return err
		}
		err = p.departments.Push(ctx, push, department.SummaryOf(c))
		if errors.Is(err, department.ErrNoEndpoint) || errors.Is(err, department.ErrDisabled) {
			// Not every department runs a system of its own: the case is
			// worked in the console, so there is nothing to push.
			return nil
		}
		return err
	})
	r.Handle(workflow.KindIssueLicence, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		e := eff.(workflow.IssueLicence)
		dept, err := a.licenceDepartment(ctx, e)
		if err != nil {
			return err
		}
		h, err := a.holders.Holder(ctx, e.HolderID)
		if err != nil {
			return err
		}
		issuer, ok := p.issuers[dept]
		if !ok {
			return fmt.Errorf("issue licence for case %s: department %s has no issuer: %w", e.CaseID, dept, workflow.ErrPermanent)
		}
		_, err = p.elicense.IssueForCase(ctx, e, elicense.Holder{ID: h.ID, Name: h.Name}, issuer)
		return err
	})
	r.Handle(workflow.KindRevokeLicence, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		return p.elicense.RevokeForCase(ctx, eff.(workflow.RevokeLicence))
	})
	r.Handle(workflow.KindRecordFalseCommitment, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		e := eff.(workflow.RecordFalseCommitment)
		h, err := a.holders.Holder(ctx, e.ApplicantID)
		if err != nil {
			return err
		}
		return p.credit.RecordFalseCommitment(ctx, e, h.ID)
	})
}

// checkDepartments makes sure every department of the catalogue is listed,
// with a valid credit code to sign licences with, and that an item's
// implementation code (实施编码) starts with the credit code of the
// department that implements it.
func checkDepartments(cat workflow.Catalogue, depts []configs.Department) error {
	known := map[string]string{}
	for _, d := range depts {
		if _, err := ident.ParseUSCC(d.USCC); err != nil {
			return fmt.Errorf("department %s: uscc: %w", d.Code, err)
		}
		known[d.Code] = d.USCC
	}
	for _, it := range cat.Items() {
		uscc, ok := known[it.Department]
		if !ok {
			return fmt.Errorf("catalogue item %s: department %s is not in the departments list", it.Code, it.Department)
		}
		if it.ImplCode != "" && !strings.HasPrefix(it.ImplCode, uscc) {
			return fmt.Errorf("catalogue item %s: impl_code %s does not start with the credit code %s of department %s", it.Code, it.ImplCode, uscc, it.Department)
		}
	}
	return nil
}

// departmentCallback verifies a department system's callback and applies
// its decision to the case.
func (a *App) departmentCallback(r *http.Request, body []byte) (workflow.Case, error) {
	cb, err := a.parties.verifier.Verify(r, body)
	if err != nil {
		var refused *department.VerifyError
		if errors.As(err, &refused) {
			return workflow.Case{}, &handlers.APIError{Status: refused.HTTPStatus(), Code: refused.Code, Message: refused.Message}
		}
		return workflow.Case{}, fmt.Errorf("%w: verify department callback: %w", workflow.ErrUnavailable, err)
	}
	find := func(ctx context.Context, number string) (string, error) {
		c, err := a.repo.GetCaseByNumber(ctx, number)
		return c.ID, err
	}
	return department.Handle(r.Context(), cb, a.svc, find)
}

// licenceDepartment is the department a licence is issued for: the
// effect's own, or, for an effect stored before effects carried it, its
// case's.
func (a *App) licenceDepartment(ctx context.Context, e workflow.IssueLicence) (string, error) {
	if e.Department != "" {
		return e.Department, nil
	}
	c, err := a.svc.Get(ctx, e.CaseID)
	return c.Department, err
}
