package exchange

import (
	"errors"
	"net/http"
	"time"
)

// Guard authenticates requests in front of a party's handlers, as the
// exchange gateway does: a request that fails Verify gets 401 and the
// AuthError's code and message. The sandboxes put it in front of their routes.
type Guard struct {
	secrets map[string]string
	nonces  *NonceCache
	now     func() time.Time
	skew    time.Duration
}

// NewGuard returns a Guard for the apps in secrets (app ID to secret), with
// the clock now (time.Now if nil) and the accepted skew (DefaultSkew if not
// positive). Nonces are remembered for twice the skew.
func NewGuard(secrets map[string]string, now func() time.Time, skew time.Duration) *Guard {
	if now == nil {
		now = time.Now
	}
	if skew <= 0 {
		skew = DefaultSkew
	}
	s := make(map[string]string, len(secrets))
	for k, v := range secrets {
		s[k] = v
	}
	return &Guard{secrets: s, nonces: NewNonceCache(2*skew, now), now: now, skew: skew}
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Verify(r, g.secrets, g.nonces.Seen, g.now(), g.skew); err != nil {
			var ae *AuthError
			if !errors.As(err, &ae) {
				ae = ErrMissingAuth
			}
			status := http.StatusUnauthorized
			if ae == ErrBodyTooLarge {
				status = http.StatusRequestEntityTooLarge
			}
			WriteError(w, status, ae.Code, ae.Message)
			return
		}
		next.ServeHTTP(w, r)
	})
}
