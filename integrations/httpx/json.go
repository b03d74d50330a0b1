package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// GetJSON sends a GET (retried as Do retries) and decodes the JSON answer
// into out, unless out is nil. The whole body is read within the attempt,
// so a failure while reading it is retried too.
func (c *Client) GetJSON(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%s: new request: %w", c.party, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.send(req, true, true)
	if err != nil {
		return err
	}
	return c.decode(resp, out)
}

// PostJSON sends in as a JSON POST and decodes the answer into out, unless
// out is nil. With an idempotencyKey the request carries it in the
// Idempotency-Key header and is retried; without one it is sent once.
func (c *Client) PostJSON(ctx context.Context, url string, in, out any, idempotencyKey string) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", c.party, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: new request: %w", c.party, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if idempotencyKey != "" {
		req.Header.Set(HeaderIdempotencyKey, idempotencyKey)
	}
	resp, err := c.send(req, idempotencyKey != "", true)
	if err != nil {
		return err
	}
	return c.decode(resp, out)
}

func (c *Client) decode(resp *http.Response, out any) error {
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s: decode response: %w", c.party, err)
	}
	return nil
}
