package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"zerovisit/workflow"
)

// SubjectKind is who a token speaks for.
type SubjectKind string

// Subject kinds.
const (
	SubjectCitizen SubjectKind = "citizen"
	SubjectStaff   SubjectKind = "staff"
	SubjectCourier SubjectKind = "courier"
)

// Subject is the authenticated caller of a request.
type Subject struct {
	Kind SubjectKind `json:"kind"`
	ID   string      `json:"id"`
	// Roles and Department apply to staff.
	Roles      []string `json:"roles,omitempty"`
	Department string   `json:"department,omitempty"`
}

// Key is the subject's identity across kinds, e.g. "citizen:42"; bans and
// revocations are kept against it.
func (s Subject) Key() string { return string(s.Kind) + ":" + s.ID }

// HasRole reports whether the subject holds role.
func (s Subject) HasRole(role string) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// TokenPair is what a login or a refresh answers with.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// Revocations records the tokens that must no longer be accepted before they
// expire: durably, in the database, and cached in the shared store so every
// replica honours them at one round trip a request (models.Revocations).
// Checks fail closed: an error from RevocationState refuses the token.
type Revocations interface {
	// Revoke rejects the token id of subject until until.
	Revoke(ctx context.Context, id, subject string, until time.Time) error
	// Spend is Revoke, once: first reports whether this call revoked the
	// token, so that of concurrent uses of one refresh token one wins.
	Spend(ctx context.Context, id, subject string, until time.Time) (first bool, err error)
	// RevokeSubject rejects every token of subject issued before before.
	RevokeSubject(ctx context.Context, subject string, before time.Time) error
	// RevocationState reports whether the token id is revoked and the time
	// before which subject's tokens are rejected, in one round trip.
	RevocationState(ctx context.Context, id, subject string) (revoked bool, subjectBefore time.Time, err error)
	// Warm readies the checks of subject's tokens: a login calls it.
	Warm(ctx context.Context, subject string) error
}

// Tokens issues and checks short-lived access tokens and rotating refresh
// tokens (JWT, HMAC-SHA256). Logout, bans and refresh rotation revoke
// through the shared revocation store, so every replica honours them.
type Tokens struct {
	secret     []byte
	accessTTL  time.Duration
	refreshTTL time.Duration
	revoked    Revocations
	now        func() time.Time
}

// NewTokens builds the token service. secret must be at least 32 bytes.
func NewTokens(secret []byte, accessTTL, refreshTTL time.Duration, revoked Revocations, now func() time.Time) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("token secret must be at least 32 bytes")
	}
	return &Tokens{secret: secret, accessTTL: accessTTL, refreshTTL: refreshTTL, revoked: revoked, now: now}, nil
}

type claims struct {
	jwt.RegisteredClaims
	Use        string   `json:"use"` // access or refresh
	Kind       string   `json:"knd"`
	Roles      []string `json:"rol,omitempty"`
	Department string   `json:"dep,omitempty"`
	// IssuedMicro is the issue time in Unix microseconds: iat has whole
	// seconds only, too coarse to tell a token issued right after a
	// revocation of its subject from one issued just before.
	IssuedMicro int64 `json:"iat_us,omitempty"`
}

// issued is when the token was issued, to the microsecond where it says.
func (c claims) issued() time.Time {
	if c.IssuedMicro > 0 {
		return time.UnixMicro(c.IssuedMicro)
	}
	if c.IssuedAt == nil {
		return time.Time{}
	}
	return c.IssuedAt.Time
}

const issuer = "zerovisit"

// Login issues the tokens of a subject who just signed in, after readying
// the revocation checks of its requests (a failure there only makes its
// first check slower).
func (t *Tokens) Login(ctx context.Context, s Subject) (TokenPair, error) {
	_ = t.revoked.Warm(ctx, s.Key())
	return t.Issue(s)
}

// Issue returns a new access and refresh token for s.
func (t *Tokens) Issue(s Subject) (TokenPair, error) {
	access, err := t.sign(s, "access", t.accessTTL)
	if err != nil {
		return TokenPair{}, err
	}
	refresh, err := t.sign(s, "refresh", t.refreshTTL)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(t.accessTTL.Seconds())}, nil
}

func (t *Tokens) sign(s Subject, use string, ttl time.Duration) (string, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	now := t.now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: issuer, Subject: s.ID, ID: hex.EncodeToString(id),
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Use: use, Kind: string(s.Kind), Roles: s.Roles, Department: s.Department, IssuedMicro: now.UnixMicro(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

// parse checks signature, expiry and use, then revocation: of the token
// itself (logout, rotation) and of every token of the subject issued
// before a ban. A revocation store that cannot answer refuses the token.
func (t *Tokens) parse(ctx context.Context, raw, use string) (Subject, claims, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuer(issuer),
		jwt.WithTimeFunc(t.now), jwt.WithExpirationRequired())
	if err != nil || c.Use != use || c.ID == "" {
		return Subject{}, claims{}, fmt.Errorf("%w: invalid %s token", workflow.ErrUnauthorized, use)
	}
	s := Subject{Kind: SubjectKind(c.Kind), ID: c.Subject, Roles: c.Roles, Department: c.Department}
	revoked, bannedAt, err := t.revoked.RevocationState(ctx, c.ID, s.Key())
	if err != nil {
		return Subject{}, claims{}, fmt.Errorf("%w: check revocation: %w", workflow.ErrUnavailable, err)
	}
	if revoked {
		return Subject{}, claims{}, fmt.Errorf("%w: %s token revoked", workflow.ErrUnauthorized, use)
	}
	if !bannedAt.IsZero() && !c.issued().After(bannedAt) {
		return Subject{}, claims{}, fmt.Errorf("%w: subject's tokens revoked", workflow.ErrUnauthorized)
	}
	return s, c, nil
}

// Verify checks an access token and returns its subject.
func (t *Tokens) Verify(ctx context.Context, raw string) (Subject, error) {
	s, _, err := t.parse(ctx, raw, "access")
	return s, err
}

// Refresh exchanges a refresh token for a new pair of the same subject
// (Rotate, then Issue).
func (t *Tokens) Refresh(ctx context.Context, raw string) (TokenPair, Subject, error) {
	s, err := t.Rotate(ctx, raw)
	if err != nil {
		return TokenPair{}, Subject{}, err
	}
	pair, err := t.Issue(s)
	return pair, s, err
}

// Rotate spends a refresh token and returns its subject, for the caller to
// issue the next pair from what the subject is now: each refresh token
// works once. A refresh token presented again after its rotation was
// stolen or replayed, so every token of the subject is revoked.
func (t *Tokens) Rotate(ctx context.Context, raw string) (Subject, error) {
	s, c, err := t.parse(ctx, raw, "refresh")
	if err != nil {
		if errors.Is(err, workflow.ErrUnauthorized) && strings.Contains(err.Error(), "refresh token revoked") {
			if sub, ok := t.peek(raw); ok {
				_ = t.revoked.RevokeSubject(ctx, sub.Key(), t.now())
			}
		}
		return Subject{}, err
	}
	first, err := t.revoked.Spend(ctx, c.ID, s.Key(), c.ExpiresAt.Time)
	if err != nil {
		return Subject{}, fmt.Errorf("%w: rotate refresh token: %w", workflow.ErrUnavailable, err)
	}
	if !first {
		// Another use of the same token got there first: a replay too.
		_ = t.revoked.RevokeSubject(ctx, s.Key(), t.now())
		return Subject{}, fmt.Errorf("%w: refresh token revoked", workflow.ErrUnauthorized)
	}
	return s, nil
}

// peek reads the subject of a correctly signed token without the other checks.
func (t *Tokens) peek(raw string) (Subject, bool) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation())
	if err != nil {
		return Subject{}, false
	}
	return Subject{Kind: SubjectKind(c.Kind), ID: c.Subject}, true
}

// Logout revokes the access token and, if given, the refresh token.
func (t *Tokens) Logout(ctx context.Context, access, refresh string) error {
	for raw, use := range map[string]string{access: "access", refresh: "refresh"} {
		if raw == "" {
			continue
		}
		s, c, err := t.parse(ctx, raw, use)
		if err != nil {
			if errors.Is(err, workflow.ErrUnauthorized) {
				continue // already unusable
			}
			return err
		}
		if err := t.revoked.Revoke(ctx, c.ID, s.Key(), c.ExpiresAt.Time); err != nil {
			return fmt.Errorf("%w: revoke token: %w", workflow.ErrUnavailable, err)
		}
	}
	return nil
}

// Ban revokes every token the subject holds now; later logins work again
// unless the caller also blocks them.
func (t *Tokens) Ban(ctx context.Context, s Subject) error {
	if err := t.revoked.RevokeSubject(ctx, s.Key(), t.now()); err != nil {
		return fmt.Errorf("%w: ban %s: %w", workflow.ErrUnavailable, s.Key(), err)
	}
	return nil
}

// StaffSessions ends staff accounts' sessions by revoking their tokens
// (staff.Sessions).
type StaffSessions struct{ Tokens *Tokens }

// EndSessions revokes every token the account holds now.
func (s StaffSessions) EndSessions(ctx context.Context, staffID string) error {
	return s.Tokens.Ban(ctx, Subject{Kind: SubjectStaff, ID: staffID})
}

// CitizenSessions ends citizen accounts' sessions by revoking their tokens
// (citizen.Sessions).
type CitizenSessions struct{ Tokens *Tokens }

// EndSessions revokes every token the account holds now.
func (s CitizenSessions) EndSessions(ctx context.Context, accountID string) error {
	return s.Tokens.Ban(ctx, Subject{Kind: SubjectCitizen, ID: accountID})
}
