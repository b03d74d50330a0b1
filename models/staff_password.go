package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"zerovisit/workflow/staff"
)

// PasswordParams are the argon2id costs of new password hashes. Each hash
// records its own, so raising them later leaves old hashes verifiable.
type PasswordParams struct {
	// MemoryKiB is the memory cost in KiB.
	MemoryKiB uint32
	// Time is the number of passes.
	Time uint32
	// Threads is the parallelism.
	Threads uint8
}

// DefaultPasswordParams follow RFC 9106's second recommended option
// (64 MiB, 3 passes), with 2 lanes for small servers.
var DefaultPasswordParams = PasswordParams{MemoryKiB: 64 * 1024, Time: 3, Threads: 2}

// Bounds on the costs a stored hash may ask for, so that a corrupt row
// cannot make one login take the server's memory.
const (
	maxPasswordMemoryKiB = 1 << 20 // 1 GiB
	maxPasswordTime      = 16
	passwordSaltBytes    = 16
	passwordKeyBytes     = 32
	// MinPasswordLength is the shortest password an account may have.
	MinPasswordLength = 10
	// maxPasswordBytes bounds what is hashed: argon2 takes any length, a
	// login form does not need to.
	maxPasswordBytes = 256
)

// ErrWeakPassword means a new password is too short or too long.
var ErrWeakPassword = staff.ErrWeakPassword

// PasswordHasher hashes and checks staff passwords with argon2id. At most
// `concurrency` hashes run at once, so a burst of logins queues instead of
// taking memory × burst. It is safe for concurrent use.
type PasswordHasher struct {
	params PasswordParams
	sem    chan struct{}
	dummy  string
}

// NewPasswordHasher returns a hasher of new passwords with params, running
// at most concurrency hashes at a time (at least 1).
func NewPasswordHasher(params PasswordParams, concurrency int) (*PasswordHasher, error) {
	if params.MemoryKiB < 8*uint32(params.Threads) || params.MemoryKiB > maxPasswordMemoryKiB ||
		params.Time < 1 || params.Time > maxPasswordTime || params.Threads < 1 {
		return nil, fmt.Errorf("password hasher: unusable argon2id parameters %+v", params)
	}
	h := &PasswordHasher{params: params, sem: make(chan struct{}, max(1, concurrency))}
	dummy, err := h.Hash(context.Background(), "dummy password for unknown accounts")
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// Hash returns the PHC string of a new password:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>.
func (h *PasswordHasher) Hash(ctx context.Context, password string) (string, error) {
	if len(password) < MinPasswordLength || len(password) > maxPasswordBytes {
		return "", ErrWeakPassword
	}
	salt := make([]byte, passwordSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, passwordKeyBytes)
	<-h.sem
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string encoded. An
// empty encoded (an unknown account) is checked against a dummy hash, so
// that it takes as long as a real check and answers false.
func (h *PasswordHasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	known := encoded != ""
	if !known {
		encoded = h.dummy
	}
	p, salt, want, err := parsePasswordHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > maxPasswordBytes {
		password = password[:maxPasswordBytes]
	}
	if err := h.acquire(ctx); err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	<-h.sem
	return known && subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (h *PasswordHasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parsePasswordHash reads a PHC argon2id string within the cost bounds.
func parsePasswordHash(encoded string) (PasswordParams, []byte, []byte, error) {
	bad := func(why string) (PasswordParams, []byte, []byte, error) {
		return PasswordParams{}, nil, nil, fmt.Errorf("parse password hash: %s", why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return bad("unsupported version")
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return bad("unreadable parameters")
	}
	if p.MemoryKiB < 8 || p.MemoryKiB > maxPasswordMemoryKiB || p.Time < 1 || p.Time > maxPasswordTime || p.Threads < 1 {
		return bad("parameters out of bounds")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return bad("bad salt")
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return bad("bad key")
	}
	return p, salt, key, nil
}
