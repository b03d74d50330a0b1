package elicense

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/integrations/exchange"
	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// Party is the library's name in errors, metrics and the circuit breaker.
const Party = "elicense"

// Credentials are the product's app ID and secret on the exchange.
type Credentials = exchange.Credentials

// Errors of the library, matched with errors.Is. A call that could not
// reach the library matches httpx.ErrUnavailable.
var (
	// ErrNotFound: no such licence (or no licence issued for that case).
	ErrNotFound = exchange.ErrNotFound
	// ErrConflict: the case number already issued a licence of another
	// holder or type.
	ErrConflict = exchange.ErrConflict
	// ErrRefused: the library refused our credentials or signature.
	ErrRefused = exchange.ErrRefused
	// ErrFileHash: a downloaded file does not match the hashes in its metadata.
	ErrFileHash = errors.New("elicense: licence file does not match its hash")
)

// Client calls the e-license library. It is safe for concurrent use; share
// one per process, since it holds the library's circuit breaker.
type Client struct {
	ex  *exchange.Client
	now func() time.Time
}

// NewClient returns a client of the library at baseURL, sending through hc
// (its transport, such as httpx.LoopbackOnly, is kept under the signing
// one) with opts for timeouts, retries and the breaker.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	ex, err := exchange.NewClient(Party, baseURL, hc, creds, opts)
	if err != nil {
		return nil, err
	}
	return &Client{ex: ex, now: time.Now}, nil
}

// State returns the state of the library's circuit breaker.
func (c *Client) State() string { return c.ex.State() }

// Licences returns the holder's licences of licenceType ("" for every
// type), revoked and expired ones included. holderID is a resident ID
// number or a USCC, checked before anything is sent.
func (c *Client) Licences(ctx context.Context, holderID, licenceType string) ([]Licence, error) {
	holder, err := exchange.ParseSubject(holderID, c.now())
	if err != nil {
		return nil, fmt.Errorf("elicense: licences: holder id: %w", err)
	}
	licenceType = strings.ToLower(strings.TrimSpace(licenceType))
	if licenceType != "" && !isTypeCode(licenceType) {
		return nil, fmt.Errorf("elicense: licences: licence type must be 1-%d letters or digits: %w", ident.MaxLicenceTypeLen, workflow.ErrInvalidInput)
	}
	var out LicenceList
	if err := c.ex.Query(ctx, "licences", PathQuery, QueryRequest{HolderID: holder.ID, LicenceType: licenceType}, &out); err != nil {
		return nil, err
	}
	return out.Licences, nil
}

// Licence returns one licence's metadata.
func (c *Client) Licence(ctx context.Context, licenceID string) (Licence, error) {
	id, err := ident.ParseLicenceID(licenceID)
	if err != nil {
		return Licence{}, fmt.Errorf("elicense: licence: %w", err)
	}
	var l Licence
	if err := c.ex.Get(ctx, "licence", LicencePath(id.ID), &l); err != nil {
		return Licence{}, err
	}
	return l, nil
}

// File downloads a licence's file and checks it against both hashes in the
// licence's metadata (fetched first); a mismatch is ErrFileHash.
func (c *Client) File(ctx context.Context, licenceID string) ([]byte, error) {
	l, err := c.Licence(ctx, licenceID)
	if err != nil {
		return nil, err
	}
	var f FileData
	if err := c.ex.Get(ctx, "file", FilePath(l.ID), &f); err != nil {
		return nil, err
	}
	if err := checkFile(l, f.Content); err != nil {
		return nil, err
	}
	return f.Content, nil
}

// checkFile compares content with l's SHA-256 and SM3 digests.
func checkFile(l Licence, content []byte) error {
	s256 := sha256.Sum256(content)
	s3 := sm3.Sum(content)
	ok256 := subtle.ConstantTimeCompare([]byte(hex.EncodeToString(s256[:])), []byte(strings.ToLower(l.FileSHA256))) == 1
	ok3 := subtle.ConstantTimeCompare([]byte(hex.EncodeToString(s3[:])), []byte(strings.ToLower(l.FileSM3))) == 1
	if !ok256 || !ok3 {
		return ErrFileHash
	}
	return nil
}

// PublicKey returns the SM2 public key the library holds for issuer (a USCC).
func (c *Client) PublicKey(ctx context.Context, issuer string) (*ecdsa.PublicKey, error) {
	code, err := ident.ParseUSCC(issuer)
	if err != nil {
		return nil, fmt.Errorf("elicense: public key: issuer: %w", err)
	}
	var d PublicKeyData
	if err := c.ex.Get(ctx, "public key", PublicKeyPath(code.Code), &d); err != nil {
		return nil, err
	}
	return ParsePublicKey(d.PublicKey)
}

// Verify checks l's signature with its issuer's public key from the library.
func (c *Client) Verify(ctx context.Context, l Licence) error {
	pub, err := c.PublicKey(ctx, l.IssuerCode)
	if err != nil {
		return err
	}
	return VerifyLicence(pub, l)
}

// Issue issues a licence. It is idempotent by req.CaseNumber (sent as the
// Idempotency-Key, so it is retried): an outbox redelivery gets back the
// licence the first delivery issued. Invalid input fails before anything is
// sent, wrapped with workflow.ErrPermanent.
func (c *Client) Issue(ctx context.Context, req IssueRequest) (Licence, error) {
	req, err := req.Validate(c.now())
	if err != nil {
		return Licence{}, fmt.Errorf("elicense: issue: %w: %w", workflow.ErrPermanent, err)
	}
	var l Licence
	if err := c.ex.Post(ctx, "issue", PathIssue, req, &l, "elicense-issue:"+req.CaseNumber); err != nil {
		return Licence{}, err
	}
	return l, nil
}

// IssueForCase carries out an IssueLicence effect (see ForCase).
func (c *Client) IssueForCase(ctx context.Context, e workflow.IssueLicence, holder Holder, issuer Issuer) (Licence, error) {
	return c.Issue(ctx, ForCase(e, holder, issuer))
}

// Revoke revokes a licence. Revoking a revoked licence succeeds again.
func (c *Client) Revoke(ctx context.Context, licenceID, reason string) error {
	id, err := ident.ParseLicenceID(licenceID)
	if err != nil {
		return fmt.Errorf("elicense: revoke: %w: %w", workflow.ErrPermanent, err)
	}
	return c.revoke(ctx, RevokeRequest{LicenceID: id.ID, Reason: reason}, "elicense-revoke:"+id.ID)
}

// RevokeForCase carries out a RevokeLicence effect: it revokes the licence
// the case issued. ErrNotFound if the case issued none.
func (c *Client) RevokeForCase(ctx context.Context, e workflow.RevokeLicence) error {
	n := strings.TrimSpace(e.Number)
	if n == "" || len(n) > maxCaseNumber {
		return fmt.Errorf("elicense: revoke: case number must be 1-%d characters: %w: %w", maxCaseNumber, workflow.ErrPermanent, workflow.ErrInvalidInput)
	}
	return c.revoke(ctx, RevokeRequest{CaseNumber: n, Reason: e.Reason}, "elicense-revoke-case:"+n)
}

func (c *Client) revoke(ctx context.Context, req RevokeRequest, key string) error {
	if req.Reason = strings.TrimSpace(req.Reason); req.Reason == "" {
		return fmt.Errorf("elicense: revoke: reason is required: %w: %w", workflow.ErrPermanent, workflow.ErrInvalidInput)
	}
	return c.ex.Post(ctx, "revoke", PathRevoke, req, nil, key)
}
