package province

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// tokenMargin is how long before its expiry a token is replaced, at most:
// a token that expires in flight costs a 401 and a second request.
const tokenMargin = time.Minute

// tokenCache holds the current access token. One caller at a time fetches
// a new one; the others wait for it (or for their context) and use it.
type tokenCache struct {
	mu     sync.Mutex
	value  string
	expiry time.Time // when to stop using it: the platform's expiry less a margin

	fetching chan struct{} // a one-slot semaphore
}

func newTokenCache() tokenCache { return tokenCache{fetching: make(chan struct{}, 1)} }

func (t *tokenCache) get(now time.Time) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.value, t.value != "" && now.Before(t.expiry)
}

func (t *tokenCache) set(value string, expiry time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.value, t.expiry = value, expiry
}

// drop forgets value if it is still the current token; a newer one that
// another caller fetched meanwhile stays.
func (t *tokenCache) drop(value string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.value == value {
		t.value, t.expiry = "", time.Time{}
	}
}

// token returns a valid access token, fetching one if needed.
func (c *Client) token(ctx context.Context) (string, error) {
	if tok, ok := c.tok.get(c.now()); ok {
		return tok, nil
	}
	select {
	case c.tok.fetching <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("wait for access token: %w", context.Cause(ctx))
	}
	defer func() { <-c.tok.fetching }()
	if tok, ok := c.tok.get(c.now()); ok { // fetched while we waited
		return tok, nil
	}
	return c.fetchToken(ctx)
}

// fetchToken asks the platform for a new token and caches it.
func (c *Client) fetchToken(ctx context.Context) (string, error) {
	const op = "fetch access token"
	body, err := json.Marshal(tokenRequest{AppID: c.creds.AppID, AppSecret: c.creds.Secret})
	if err != nil {
		return "", wrapOp(op, fmt.Errorf("encode request: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/auth/token", bytes.NewReader(body))
	if err != nil {
		return "", wrapOp(op, fmt.Errorf("new request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	issued := c.now()
	// Asking again for a token is harmless, so the request is retried.
	resp, err := c.hc.Do(req, true)
	if err != nil {
		return "", wrapOp(op, refusal(op, err))
	}
	var out tokenResponse
	if err := decode(op, resp, &out); err != nil {
		return "", wrapOp(op, err)
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return "", wrapOp(op, fmt.Errorf("answer has no token or no expiry"))
	}
	ttl := time.Duration(out.ExpiresIn) * time.Second
	c.tok.set(out.AccessToken, issued.Add(ttl-min(tokenMargin, ttl/10)))
	return out.AccessToken, nil
}
