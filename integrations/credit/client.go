package credit

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"zerovisit/integrations/exchange"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// Party is the library's name in errors, metrics and the circuit breaker.
const Party = "credit"

// Credentials are the product's app ID and secret on the exchange.
type Credentials = exchange.Credentials

// Errors of the library, matched with errors.Is. A call that could not
// reach it matches httpx.ErrUnavailable.
var (
	// ErrConflict: the case number already recorded a false commitment of
	// another subject.
	ErrConflict = exchange.ErrConflict
	// ErrRefused: the library refused our credentials or signature.
	ErrRefused = exchange.ErrRefused
)

// Service is what the product asks of the credit library; Client and
// Cached implement it.
type Service interface {
	Status(ctx context.Context, subjectID string) (Standing, error)
	RecordFalseCommitment(ctx context.Context, e workflow.RecordFalseCommitment, subjectID string) error
}

var _ Service = (*Client)(nil)

// maxCaseNumber bounds a case number's length.
const maxCaseNumber = 64

// Client calls the credit library. It is safe for concurrent use; share
// one per process.
type Client struct {
	ex  *exchange.Client
	now func() time.Time
}

// NewClient returns a client of the library at baseURL, sending through hc
// with opts for timeouts, retries and the breaker.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	ex, err := exchange.NewClient(Party, baseURL, hc, creds, opts)
	if err != nil {
		return nil, err
	}
	return &Client{ex: ex, now: time.Now}, nil
}

// State returns the state of the library's circuit breaker.
func (c *Client) State() string { return c.ex.State() }

// Status returns the standing of a subject (resident ID number or USCC):
// its lists, its false commitments that still count and its latest
// completed credit repair. On an error, the trust-first guard takes
// workflow.CreditUnknown (StatusOf).
func (c *Client) Status(ctx context.Context, subjectID string) (Standing, error) {
	sub, err := exchange.ParseSubject(subjectID, c.now())
	if err != nil {
		return Standing{}, fmt.Errorf("credit: status: subject id: %w", err)
	}
	var s Standing
	if err := c.ex.Query(ctx, "status", PathStatus, StatusRequest{SubjectID: sub.ID}, &s); err != nil {
		return Standing{}, err
	}
	if s.SubjectID != sub.ID || (s.Status != workflow.CreditNormal && s.Status != workflow.CreditRed && s.Status != workflow.CreditBlack) ||
		s.FalseCommitments < 0 || (s.Repair != nil && s.Repair.CompletedAt.IsZero()) {
		return Standing{}, errBadStatus
	}
	return s, nil
}

// RecordFalseCommitment carries out a RecordFalseCommitment effect for the
// subject (the applicant's ID number, which the effect does not carry). It
// is idempotent by the case number (sent as the Idempotency-Key, so it is
// retried): a redelivery is acknowledged without a second record. Invalid
// input fails before anything is sent, wrapped with workflow.ErrPermanent.
func (c *Client) RecordFalseCommitment(ctx context.Context, e workflow.RecordFalseCommitment, subjectID string) error {
	sub, err := exchange.ParseSubject(subjectID, c.now())
	if err != nil {
		return fmt.Errorf("credit: record false commitment: subject id: %w: %w", workflow.ErrPermanent, err)
	}
	n := strings.TrimSpace(e.Number)
	if n == "" || len(n) > maxCaseNumber || strings.TrimSpace(e.Reason) == "" || e.At.IsZero() {
		return fmt.Errorf("credit: record false commitment: case number, reason and time are required: %w: %w", workflow.ErrPermanent, workflow.ErrInvalidInput)
	}
	rec := FalseCommitment{
		CaseNumber: n, SubjectID: sub.ID, ItemCode: e.ItemCode, Department: e.Department,
		Code: e.Code, Reason: e.Reason, OccurredAt: e.At.UTC(),
	}
	if !e.ExcludedUntil.IsZero() {
		rec.ExpiresAt = e.ExcludedUntil.UTC()
	}
	return c.ex.Post(ctx, "record false commitment", PathFalseCommitments, rec, nil, "credit-false-commitment:"+n)
}
