package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/miniprogram"
	"github.com/silenceper/wechat/v2/miniprogram/business"
	miniconfig "github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/miniprogram/subscribe"

	"zerovisit/workflow"
)

// Credentials identify the mini program.
type Credentials struct {
	AppID     string
	AppSecret string
}

// Options configure a Client.
type Options struct {
	// Cache keeps the access token, shared by every replica. Required.
	Cache Cache
	// Transport carries the calls: httpx.Rewrite(sandbox, httpx.LoopbackOnly(nil))
	// for a sandbox, nil for the real hosts (http.DefaultTransport).
	Transport http.RoundTripper
}

// Client calls the mini program's server API. It is safe for concurrent use.
type Client struct {
	appID      string
	mp         *miniprogram.MiniProgram
	cache      tokenCache
	unregister func()
}

// NewClient returns a client of the mini program. Close it to release its
// route through the SDK's shared HTTP client.
func NewClient(creds Credentials, opts Options) (*Client, error) {
	if creds.AppID == "" || creds.AppSecret == "" {
		return nil, fmt.Errorf("wechat: app id and secret are required: %w", workflow.ErrInvalidInput)
	}
	if opts.Cache == nil {
		return nil, fmt.Errorf("wechat: a token cache is required: %w", workflow.ErrInvalidInput)
	}
	rt := opts.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	install()
	cache := tokenCache{c: opts.Cache}
	mp := miniprogram.NewMiniProgram(&miniconfig.Config{AppID: creds.AppID, AppSecret: creds.AppSecret, Cache: cache})
	return &Client{appID: creds.AppID, mp: mp, cache: cache, unregister: routes.register(creds.AppID, rt)}, nil
}

// AppID returns the mini program's app ID.
func (c *Client) AppID() string { return c.appID }

// Close stops routing this mini program's calls.
func (c *Client) Close() {
	if c.unregister != nil {
		c.unregister()
	}
}

// Session is who a login code belongs to.
type Session struct {
	OpenID  string
	UnionID string
}

// Login exchanges a wx.login code for the user's openid (and unionid, when
// the mini program is bound to an open platform account). The session key
// is not kept: the product never decrypts user data client-side.
func (c *Client) Login(ctx context.Context, code string) (Session, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 128 {
		return Session{}, fmt.Errorf("wechat: login: %w", ErrInvalidCode)
	}
	res, err := c.mp.GetAuth().Code2SessionContext(ctx, code)
	if err != nil {
		return Session{}, classify("jscode2session", err)
	}
	if res.OpenID == "" {
		return Session{}, fmt.Errorf("wechat: jscode2session: answer without openid: %w", ErrRefused)
	}
	return Session{OpenID: res.OpenID, UnionID: res.UnionID}, nil
}

// PhoneNumber exchanges a getPhoneNumber code for the phone number the user
// chose to share (without country code for mainland numbers).
func (c *Client) PhoneNumber(ctx context.Context, code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 128 {
		return "", fmt.Errorf("wechat: phone number: %w", ErrInvalidCode)
	}
	var phone string
	err := c.withToken(ctx, "getuserphonenumber", func() error {
		info, err := c.mp.GetBusiness().GetPhoneNumberWithContext(ctx, &business.GetPhoneNumberRequest{Code: code})
		phone = info.PurePhoneNumber
		if phone == "" {
			phone = info.PhoneNumber
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if phone == "" {
		return "", fmt.Errorf("wechat: getuserphonenumber: answer without a number: %w", ErrRefused)
	}
	return phone, nil
}

// Message is a subscribe message to one user.
type Message struct {
	OpenID     string
	TemplateID string
	// Page is the mini program page the message opens.
	Page string
	// Data are the template's fields (thing1, time2 …) and their values.
	Data map[string]string
	// State is "formal" (default), "trial" or "developer".
	State string
}

// Send sends a subscribe message. ErrNoConsent means the user has no
// one-time consent left for the template (errcode 43101).
func (c *Client) Send(ctx context.Context, m Message) error {
	if m.OpenID == "" || m.TemplateID == "" {
		return fmt.Errorf("wechat: subscribe send: openid and template are required: %w", workflow.ErrInvalidInput)
	}
	msg := &subscribe.Message{ToUser: m.OpenID, TemplateID: m.TemplateID, Page: m.Page,
		Data: map[string]*subscribe.DataItem{}, MiniprogramState: m.State, Lang: "zh_CN"}
	for k, v := range m.Data {
		msg.Data[k] = &subscribe.DataItem{Value: v}
	}
	return c.withToken(ctx, "subscribe send", func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return c.mp.GetSubscribe().Send(msg)
	})
}

// withToken runs call and, when WeChat says the access token is invalid or
// expired (40001, 42001, 40014), forgets the cached token and runs it once
// more with a fresh one: the SDK does not refresh on its own.
func (c *Client) withToken(ctx context.Context, op string, call func() error) error {
	if _, err := c.mp.GetContext().GetAccessTokenContext(ctx); err != nil {
		return classify("access token", err)
	}
	err := classify(op, call())
	if !tokenRejected(err) {
		return err
	}
	_ = c.cache.Delete(c.tokenKey())
	if _, err := c.mp.GetContext().GetAccessTokenContext(ctx); err != nil {
		return classify("access token", err)
	}
	return classify(op, call())
}

// tokenKey is the key the SDK caches this mini program's access token under.
func (c *Client) tokenKey() string {
	return fmt.Sprintf("%s_access_token_%s", credential.CacheKeyMiniProgramPrefix, c.appID)
}

// IsNoConsent reports whether err means the user has no consent left.
func IsNoConsent(err error) bool { return errors.Is(err, ErrNoConsent) }
