package drive

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
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
	// stats and retry are set under load (load.go).
	stats *loadStats
	retry *loadRetry
}

// newDemoClient returns a party without credentials.
func (d *demo) newClient() *demoClient {
	return &demoClient{hc: d.hc, base: d.base, requests: &d.requests, stats: d.stats, retry: d.retry,
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
// out (nil: ignore the body). Under load it resends, as a phone would,
// what no server answered or what a server could not take just then.
func (c *demoClient) send(ctx context.Context, want int, method, path, contentType string, body []byte, out any, hdr ...string) error {
	for attempt := 0; ; attempt++ {
		status, b, err := c.once(ctx, method, path, contentType, body, hdr)
		if c.retry != nil && c.retry.again(ctx, c, attempt, status, err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo request %s %s: %w", method, path, err)
		}
		if status != want {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			return &demoAPIError{Method: method, Path: path, Status: status, Want: want, Code: e.Error.Code, Message: e.Error.Message}
		}
		if out != nil && len(b) > 0 {
			if err := json.Unmarshal(b, out); err != nil {
				return fmt.Errorf("demo request %s %s: decode answer: %w", method, path, err)
			}
		}
		return nil
	}
}

// once makes one attempt and returns the status and body of the answer.
func (c *demoClient) once(ctx context.Context, method, path, contentType string, body []byte, hdr []string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
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
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.observe(method, path, 0, time.Since(start), err)
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	c.observe(method, path, resp.StatusCode, time.Since(start), err)
	if err != nil {
		return 0, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, b, nil
}

func (c *demoClient) observe(method, path string, status int, took time.Duration, err error) {
	if c.stats != nil {
		c.stats.observe(method, path, status, took, err)
	}
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
	_, err := c.uploadID(ctx, caseID, material, content)
	return err
}

// uploadID uploads a material's file and returns the upload's id.
func (c *demoClient) uploadID(ctx context.Context, caseID, material string, content []byte) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("material", material)
	fw, err := w.CreateFormFile("file", material+".png")
	if err != nil {
		return "", err
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	var up struct {
		ID string `json:"id"`
	}
	err = c.send(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/cases/"+caseID+"/uploads", w.FormDataContentType(), buf.Bytes(), &up)
	return up.ID, err
}

// poll asks cond until it holds, it fails, or within passes: after 50 ms
// at first, then less often, up to every half second.
func poll(ctx context.Context, within time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	wait := 50 * time.Millisecond
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
		case <-time.After(wait):
		}
		wait = min(wait*3/2, 500*time.Millisecond)
	}
}

// randomHex is n random bytes in hex, for the names of the accounts a run
// opens.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
