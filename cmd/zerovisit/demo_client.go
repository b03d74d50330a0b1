package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"sync/atomic"
	"time"
)

// demoClient is one party of the demo talking to the server over HTTP as
// its front end would: the mini program, the console or the courier page.
// Each party comes from its own device address (X-Forwarded-For), so the
// per-address limits see three phones and a desk, not one caller.
type demoClient struct {
	hc       *http.Client
	base     string
	ip       string
	token    string
	requests *atomic.Int64
}

// newDemoClient returns a party without credentials.
func (d *demo) newClient() *demoClient {
	return &demoClient{hc: d.hc, base: d.base, requests: &d.requests,
		ip: fmt.Sprintf("10.%d.%d.%d", rand.IntN(250), rand.IntN(250), 1+rand.IntN(250))}
}

// demoAPIError is an answer other than the one a step expects, with the
// service's structured error when it sent one.
type demoAPIError struct {
	Method, Path string
	Status, Want int
	Code         string
	Message      string
}

func (e *demoAPIError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s %s answered %d %s (%s), want %d", e.Method, e.Path, e.Status, e.Code, e.Message, e.Want)
	}
	return fmt.Sprintf("%s %s answered %d, want %d", e.Method, e.Path, e.Status, e.Want)
}

// send makes one request and decodes a JSON answer of status want into
// out (nil: ignore the body).
func (c *demoClient) send(ctx context.Context, want int, method, path, contentType string, body []byte, out any, hdr ...string) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("demo request %s %s: %w", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c.requests.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("demo request %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("demo request %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return &demoAPIError{Method: method, Path: path, Status: resp.StatusCode, Want: want, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("demo request %s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// call sends v as JSON (nil: no body).
func (c *demoClient) call(ctx context.Context, want int, method, path string, v, out any, hdr ...string) error {
	if v == nil {
		return c.send(ctx, want, method, path, "", nil, out, hdr...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("demo request %s %s: %w", method, path, err)
	}
	return c.send(ctx, want, method, path, "application/json", b, out, hdr...)
}

// upload sends a file for a material of a case, as the mini program does.
func (c *demoClient) upload(ctx context.Context, caseID, material string, content []byte) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("material", material)
	fw, err := w.CreateFormFile("file", material+".png")
	if err != nil {
		return err
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return c.send(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+caseID+"/uploads", w.FormDataContentType(), buf.Bytes(), nil)
}

// poll asks cond every 50 ms until it holds, it fails, or within passes.
func poll(ctx context.Context, within time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: not within %s", what, within)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
