package department

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// Cases is what Handle needs of the workflow; *workflow.Service has it.
type Cases interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
	Do(ctx context.Context, caseID string, ev workflow.Event, idem *workflow.IdempotencyRequest) (workflow.Case, error)
}

// FindByNumber returns the id of the case with a number, or an error
// matching workflow.ErrNotFound.
type FindByNumber func(ctx context.Context, number string) (caseID string, err error)

// Handle applies a verified decision to its case as an event by the
// department (actor kind "department", id the department code):
// approve → workflow.Approve, reject → workflow.Reject, supplement →
// workflow.RequestSupplement. The event is applied at most once per
// decision id: the same decision sent again answers as the first time, and
// another decision under the same id fails with
// workflow.ErrIdempotencyMismatch.
//
// A department decides only its own cases (workflow.ErrForbidden
// otherwise). find resolves a callback that names the case by number only;
// it may be nil when departments always send the case id. The workflow's
// own errors (ErrInvalidTransition when the case is past deciding,
// ErrInvalidInput for a rejection without legal basis, …) pass through
// wrapped.
func Handle(ctx context.Context, cb Callback, cases Cases, find FindByNumber) (workflow.Case, error) {
	op := fmt.Sprintf("handle decision %s of %s", cb.DecisionID, cb.Department)
	ev, err := event(cb)
	if err != nil {
		return workflow.Case{}, wrapOp(op, err)
	}
	id := cb.CaseID
	if id == "" {
		if find == nil {
			return workflow.Case{}, wrapOp(op, fmt.Errorf("%w: the case is named by number only", workflow.ErrInvalidInput))
		}
		if id, err = find(ctx, cb.CaseNumber); err != nil {
			return workflow.Case{}, wrapOp(op, fmt.Errorf("find case %s: %w", cb.CaseNumber, err))
		}
	}
	c, err := cases.Get(ctx, id)
	if err != nil {
		return workflow.Case{}, wrapOp(op, err)
	}
	switch {
	case cb.CaseNumber != "" && cb.CaseNumber != c.Number:
		return workflow.Case{}, wrapOp(op, fmt.Errorf("%w: case %s has number %s, not %s", workflow.ErrInvalidInput, id, c.Number, cb.CaseNumber))
	case c.Department != cb.Department:
		return workflow.Case{}, wrapOp(op, fmt.Errorf("%w: case %s belongs to another department", workflow.ErrForbidden, id))
	case cb.Version > c.Version:
		return workflow.Case{}, wrapOp(op, fmt.Errorf("%w: decided on version %d, the case is at %d", workflow.ErrInvalidInput, cb.Version, c.Version))
	}
	idem, err := idempotency(cb)
	if err != nil {
		return workflow.Case{}, wrapOp(op, err)
	}
	after, err := cases.Do(ctx, c.ID, ev, idem)
	if err != nil {
		return workflow.Case{}, wrapOp(op, err)
	}
	return after, nil
}

// event maps a decision to the workflow event. At is left zero: the
// service stamps its own clock, not the department's.
func event(cb Callback) (workflow.Event, error) {
	meta := workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorDepartment, ID: cb.Department}}
	switch cb.Decision {
	case DecisionApprove:
		return workflow.Approve{Meta: meta, Opinion: cb.Reason}, nil
	case DecisionReject:
		return workflow.Reject{Meta: meta, Reason: cb.Reason, LegalBasis: cb.LegalBasis}, nil
	case DecisionSupplement:
		items := make([]workflow.SupplementItem, 0, len(cb.Items))
		for _, it := range cb.Items {
			items = append(items, workflow.SupplementItem{Material: it.Material, Reason: it.Reason})
		}
		if len(items) == 0 && cb.Reason != "" {
			items = append(items, workflow.SupplementItem{Reason: cb.Reason})
		}
		return workflow.RequestSupplement{Meta: meta, Items: items, Note: cb.Reason}, nil
	}
	return nil, fmt.Errorf("%w: unknown decision %q", workflow.ErrInvalidInput, cb.Decision)
}

// idempotency keys the change by the department and its decision id; the
// hash of the decision (less its time, which a resending system may
// restamp) tells a repeat from a different decision.
func idempotency(cb Callback) (*workflow.IdempotencyRequest, error) {
	if cb.DecisionID == "" {
		return nil, fmt.Errorf("%w: no decision id", workflow.ErrInvalidInput)
	}
	cb.DecidedAt = time.Time{}
	b, err := json.Marshal(cb)
	if err != nil {
		return nil, fmt.Errorf("hash decision: %w", err)
	}
	sum := sha256.Sum256(b)
	return &workflow.IdempotencyRequest{
		Scope: "department:" + cb.Department, Key: "decision:" + cb.DecisionID,
		RequestHash: hex.EncodeToString(sum[:]),
	}, nil
}
