package basedata

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/integrations/exchange"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// Party is the libraries' name in errors, metrics and the circuit breaker.
const Party = "basedata"

// Credentials are the product's app ID and secret on the exchange.
type Credentials = exchange.Credentials

// Errors of the libraries, matched with errors.Is. A call that could not
// reach them matches httpx.ErrUnavailable.
var (
	// ErrNoRecord: the library holds no such resident or company.
	ErrNoRecord = exchange.ErrNotFound
	// ErrRefused: the exchange refused our credentials or signature.
	ErrRefused = exchange.ErrRefused
)

// maxName bounds a name's length in characters.
const maxName = 64

// Client calls the population and legal-entity libraries. It is safe for
// concurrent use; share one per process.
type Client struct {
	ex  *exchange.Client
	now func() time.Time
}

// NewClient returns a client of the libraries at baseURL, sending through
// hc with opts for timeouts, retries and the breaker.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	ex, err := exchange.NewClient(Party, baseURL, hc, creds, opts)
	if err != nil {
		return nil, err
	}
	return &Client{ex: ex, now: time.Now}, nil
}

// State returns the state of the libraries' circuit breaker.
func (c *Client) State() string { return c.ex.State() }

// VerifyRealName reports whether name and idNumber belong to one resident
// (实名核验). A number the library does not know is (false, ErrNoRecord).
func (c *Client) VerifyRealName(ctx context.Context, name, idNumber string) (bool, error) {
	id, err := ident.ParseResidentID(idNumber, c.now())
	if err != nil {
		return false, fmt.Errorf("basedata: verify real name: %w", err)
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxName {
		return false, fmt.Errorf("basedata: verify real name: name must be 1-%d characters: %w", maxName, workflow.ErrInvalidInput)
	}
	var res VerifyResult
	if err := c.ex.Query(ctx, "verify real name", PathVerify, VerifyRequest{Name: name, IDNumber: id.Number}, &res); err != nil {
		return false, err
	}
	switch res.Result {
	case ResultMatch:
		return true, nil
	case ResultMismatch:
		return false, nil
	case ResultNoRecord:
		return false, fmt.Errorf("basedata: verify real name: %w", ErrNoRecord)
	}
	return false, fmt.Errorf("basedata: verify real name: unexpected result %q", res.Result)
}

// Resident returns the named fields (Field*) of a resident and nothing
// more: fields not asked for are dropped even if the library sends them.
func (c *Client) Resident(ctx context.Context, idNumber string, fields []string) (Resident, error) {
	id, err := ident.ParseResidentID(idNumber, c.now())
	if err != nil {
		return Resident{}, fmt.Errorf("basedata: resident: %w", err)
	}
	fields, err = checkFields(fields)
	if err != nil {
		return Resident{}, fmt.Errorf("basedata: resident: %w", err)
	}
	var r Resident
	if err := c.ex.Query(ctx, "resident", PathResident, ResidentRequest{IDNumber: id.Number, Fields: fields}, &r); err != nil {
		return Resident{}, err
	}
	if r.IDNumber != id.Number {
		return Resident{}, fmt.Errorf("basedata: resident: answer is about another resident")
	}
	return r.keepOnly(fields), nil
}

// Company returns a company's registration. The legal representative's ID
// number comes masked (and is masked again here, should the library not).
func (c *Client) Company(ctx context.Context, uscc string) (Company, error) {
	code, err := ident.ParseUSCC(uscc)
	if err != nil {
		return Company{}, fmt.Errorf("basedata: company: %w", err)
	}
	var co Company
	if err := c.ex.Query(ctx, "company", PathCompany, CompanyRequest{USCC: code.Code}, &co); err != nil {
		return Company{}, err
	}
	if co.USCC != code.Code {
		return Company{}, fmt.Errorf("basedata: company: answer is about another company")
	}
	co.LegalRepresentative.IDNumberMasked = ident.MaskResidentID(co.LegalRepresentative.IDNumberMasked)
	return co, nil
}

// VerifyRepresentative reports whether name and the full resident ID
// number idNumber are those of the legal representative (法定代表人) of the
// company uscc. The library answers yes or no only and discloses nothing
// of the representative. A company it does not know is (false, ErrNoRecord).
func (c *Client) VerifyRepresentative(ctx context.Context, uscc, name, idNumber string) (bool, error) {
	code, err := ident.ParseUSCC(uscc)
	if err != nil {
		return false, fmt.Errorf("basedata: verify representative: %w", err)
	}
	id, err := ident.ParseResidentID(idNumber, c.now())
	if err != nil {
		return false, fmt.Errorf("basedata: verify representative: %w", err)
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxName {
		return false, fmt.Errorf("basedata: verify representative: name must be 1-%d characters: %w", maxName, workflow.ErrInvalidInput)
	}
	var res VerifyResult
	req := RepresentativeRequest{USCC: code.Code, Name: name, IDNumber: id.Number}
	if err := c.ex.Query(ctx, "verify representative", PathRepresentative, req, &res); err != nil {
		return false, err
	}
	switch res.Result {
	case ResultMatch:
		return true, nil
	case ResultMismatch:
		return false, nil
	}
	return false, fmt.Errorf("basedata: verify representative: unexpected result %q", res.Result)
}
