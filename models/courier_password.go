package models

import (
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// BcryptPasswords hashes courier passwords with bcrypt at Cost (bcrypt's
// default when zero). Courier accounts have always been bcrypt; staff
// accounts use PasswordHasher (argon2id).
type BcryptPasswords struct {
	Cost int
}

// Hash returns the bcrypt hash of password.
func (b BcryptPasswords) Hash(password string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(h), err
}

// Verify reports whether password matches hash; an empty hash is checked
// against a dummy one, so it takes as long and matches nothing.
func (BcryptPasswords) Verify(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyCourierHash(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

var dummyCourierHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("zerovisit-no-such-courier"), bcrypt.DefaultCost)
	return h
})
