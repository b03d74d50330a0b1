package kuaidi100

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow/parcel"
)

// Name is the provider's name, as legs record it.
const Name = "kuaidi100"

// Credentials identify us to the service.
type Credentials struct {
	Customer string
	Key      string
	// Salt signs the pushes of our subscriptions.
	Salt string
	// Company is the carrier orders go to ("ems" if empty).
	Company string
}

// Client calls the service. It is safe for concurrent use.
type Client struct {
	base  string
	http  *httpx.Client
	creds Credentials
}

var _ parcel.Provider = (*Client)(nil)

// NewClient returns a client of the service at baseURL.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("kuaidi100: base url %q must be an http or https url", baseURL)
	}
	if creds.Customer == "" || creds.Key == "" || len(creds.Salt) < 8 {
		return nil, errors.New("kuaidi100: customer, key and a salt of at least 8 characters are required")
	}
	if creds.Company == "" {
		creds.Company = "ems"
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), http: httpx.NewClient("kuaidi100", hc, opts), creds: creds}, nil
}

// Name returns "kuaidi100".
func (c *Client) Name() string { return Name }

// Error is a refusal of the service.
type Error struct {
	Path    string
	Code    string
	Message string
}

// Error names the refused call and the code.
func (e *Error) Error() string {
	return fmt.Sprintf("kuaidi100: %s refused: %s %s", e.Path, e.Code, e.Message)
}

// Unwrap makes every refusal a parcel.ErrRefused.
func (e *Error) Unwrap() error { return parcel.ErrRefused }

// call posts param to path and decodes the answer into out (which must
// embed Answer, or be nil). Every call is safe to repeat: orders are
// idempotent by order id, subscriptions by number.
func (c *Client) call(ctx context.Context, path string, param, out any) error {
	p, err := json.Marshal(param)
	if err != nil {
		return fmt.Errorf("kuaidi100: %s: encode param: %w", path, err)
	}
	form := url.Values{"customer": {c.creds.Customer}, "param": {string(p)}, "sign": {Sign(string(p), c.creds.Key, c.creds.Customer)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("kuaidi100: %s: new request: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req, true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("kuaidi100: %s: %w: read answer: %w", path, httpx.ErrUnavailable, err)
	}
	var ans Answer
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("kuaidi100: %s: decode answer: %w", path, err)
	}
	if !ans.Result && ans.ReturnCode != CodeOK {
		return &Error{Path: path, Code: ans.ReturnCode, Message: ans.Message}
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("kuaidi100: %s: decode answer: %w", path, err)
		}
	}
	return nil
}
