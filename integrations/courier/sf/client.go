package sf

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow/parcel"
)

// Name is the provider's name, as legs record it.
const Name = "sf"

// Credentials identify us to the platform.
type Credentials struct {
	PartnerID string
	Checkword string
	// MonthlyCard is the government's monthly account, charged when the
	// postage is waived.
	MonthlyCard string
}

// Client calls the platform. It is safe for concurrent use.
type Client struct {
	url   string
	http  *httpx.Client
	creds Credentials
	now   func() time.Time
}

var _ parcel.Provider = (*Client)(nil)

// NewClient returns a client of the platform at baseURL (its service path
// is appended), sending through hc with opts.
func NewClient(baseURL string, hc *http.Client, creds Credentials, opts httpx.Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sf: base url %q must be an http or https url", baseURL)
	}
	if creds.PartnerID == "" || creds.Checkword == "" {
		return nil, errors.New("sf: partner id and checkword are required")
	}
	return &Client{
		url: strings.TrimSuffix(baseURL, "/") + ServicePath, http: httpx.NewClient("sf", hc, opts),
		creds: creds, now: time.Now,
	}, nil
}

// Name returns "sf".
func (c *Client) Name() string { return Name }

// Error is a business refusal of the platform.
type Error struct {
	Service string
	Code    string
	Message string
}

// Error names the refused call and the code.
func (e *Error) Error() string {
	return fmt.Sprintf("sf: %s refused: %s %s", e.Service, e.Code, e.Message)
}

// Unwrap makes every refusal a parcel.ErrRefused.
func (e *Error) Unwrap() error { return parcel.ErrRefused }

// call sends one service request and decodes its msgData into out. Every
// service is safe to repeat (ordering is idempotent by order id), so the
// request is retried on transport failures.
func (c *Client) call(ctx context.Context, service string, msg, out any) error {
	data, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("sf: %s: encode request: %w", service, err)
	}
	ts := strconv.FormatInt(c.now().UnixMilli(), 10)
	form := url.Values{
		"partnerID":   {c.creds.PartnerID},
		"requestID":   {newRequestID()},
		"serviceCode": {service},
		"timestamp":   {ts},
		"msgDigest":   {Digest(string(data), ts, c.creds.Checkword)},
		"msgData":     {string(data)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("sf: %s: new request: %w", service, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := c.http.Do(req, true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("sf: %s: %w: read answer: %w", service, httpx.ErrUnavailable, err)
	}
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("sf: %s: decode answer: %w", service, err)
	}
	if env.APIResultCode != APIOK {
		return &Error{Service: service, Code: env.APIResultCode, Message: env.APIErrorMsg}
	}
	var res Result
	if err := json.Unmarshal([]byte(env.APIResultData), &res); err != nil {
		return fmt.Errorf("sf: %s: decode result data: %w", service, err)
	}
	if !res.Success {
		return &Error{Service: service, Code: res.ErrorCode, Message: res.ErrorMsg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(res.MsgData, out); err != nil {
		return fmt.Errorf("sf: %s: decode msgData: %w", service, err)
	}
	return nil
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
