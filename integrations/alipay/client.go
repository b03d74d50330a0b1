package alipay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/smartwalle/alipay/v3"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// Party is Alipay's name in errors and metrics.
const Party = "alipay"

// Errors of the Alipay client, matched with errors.Is. A call that could not
// reach Alipay also matches httpx.ErrUnavailable and workflow.ErrUnavailable.
var (
	// ErrInvalidCode means an auth code was wrong, expired or already used.
	ErrInvalidCode = errors.New("alipay: invalid auth code")
	// ErrNoConsent means the user has not subscribed to the message template.
	ErrNoConsent = errors.New("alipay: user has not subscribed to the message")
	// ErrBadNotification means a notification failed its signature check.
	ErrBadNotification = errors.New("alipay: notification failed verification")
	// ErrRefused means Alipay answered with a business failure.
	ErrRefused = errors.New("alipay: refused")
)

// Sub-codes the client recognises.
const (
	SubCodeInvalidCode = "isv.code-invalid"
	// SubCodeNoConsent is the answer to a message the user did not subscribe to.
	SubCodeNoConsent = "isv.user-not-subscribed"
)

// Config identifies the app and Alipay's key.
type Config struct {
	AppID string
	// PrivateKey is the app's RSA private key, PEM (PKCS#1 or PKCS#8).
	PrivateKey string
	// AlipayPublicKey is Alipay's public key, PEM "PUBLIC KEY" (PKIX).
	AlipayPublicKey string
	// Production selects the production gateway; Gateway overrides the
	// gateway's URL (the sandbox's, or a regional production one).
	Production bool
	Gateway    string
	// CertifyReturnURL is merchant_config.return_url of identity
	// certifications: where Alipay sends the user back when the
	// certification ran outside the mini program (a browser).
	CertifyReturnURL string
}

// Client calls the Alipay open platform. It is safe for concurrent use.
type Client struct {
	c                *alipay.Client
	appID            string
	certifyReturnURL string
}

// NewClient returns a client that sends through hc.
func NewClient(cfg Config, hc *http.Client) (*Client, error) {
	if cfg.AppID == "" || cfg.PrivateKey == "" || cfg.AlipayPublicKey == "" {
		return nil, fmt.Errorf("alipay: app id, private key and Alipay's public key are required: %w", workflow.ErrInvalidInput)
	}
	opts := []alipay.OptionFunc{alipay.WithHTTPClient(hc)}
	// Each gateway option only takes effect with its matching isProduction.
	if cfg.Production {
		opts = append(opts, alipay.WithProductionGateway(cfg.Gateway))
	} else {
		opts = append(opts, alipay.WithSandboxGateway(cfg.Gateway))
	}
	c, err := alipay.New(cfg.AppID, cfg.PrivateKey, cfg.Production, opts...)
	if err != nil {
		return nil, fmt.Errorf("alipay: new client: app private key: %w", err)
	}
	if err := c.LoadAliPayPublicKey(cfg.AlipayPublicKey); err != nil {
		return nil, fmt.Errorf("alipay: new client: Alipay public key (want a PKIX PUBLIC KEY PEM): %w", err)
	}
	return &Client{c: c, appID: cfg.AppID, certifyReturnURL: cfg.CertifyReturnURL}, nil
}

// AppID returns the app's id.
func (c *Client) AppID() string { return c.appID }

// User is who an auth code belongs to. New apps get only OpenID.
type User struct {
	UserID string
	OpenID string
}

// Login exchanges a my.getAuthCode code for the user's ids.
func (c *Client) Login(ctx context.Context, authCode string) (User, error) {
	authCode = strings.TrimSpace(authCode)
	if authCode == "" || len(authCode) > 128 {
		return User{}, fmt.Errorf("alipay: oauth token: %w", ErrInvalidCode)
	}
	rsp, err := c.c.SystemOauthToken(ctx, alipay.SystemOauthToken{GrantType: "authorization_code", Code: authCode})
	if err != nil {
		return User{}, classify("oauth token", err)
	}
	// SystemOauthTokenRsp.IsSuccess demands a user_id, which apps that
	// only receive open_id never get: check the token and either id.
	if rsp.AccessToken == "" || (rsp.UserId == "" && rsp.OpenId == "") {
		return User{}, classify("oauth token", rsp.Error)
	}
	return User{UserID: rsp.UserId, OpenID: rsp.OpenId}, nil
}

// APIError is a business failure Alipay answered with.
type APIError struct {
	Op      string
	Code    string
	SubCode string
	Message string
}

// Error describes the refusal: operation, codes and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("alipay: %s: %s %s: %s", e.Op, e.Code, e.SubCode, e.Message)
}

// Is matches the sentinel the code stands for.
func (e *APIError) Is(target error) bool {
	switch {
	case e.SubCode == SubCodeInvalidCode:
		return target == ErrInvalidCode
	case e.SubCode == SubCodeNoConsent:
		return target == ErrNoConsent
	case e.SubCode == SubCodeCertifyExpired:
		return target == ErrCertifyExpired
	case e.Code == "20000" || e.SubCode == "aop.ACQ.SYSTEM_ERROR" || e.SubCode == "ACQ.SYSTEM_ERROR":
		return target == httpx.ErrUnavailable || target == workflow.ErrUnavailable
	}
	return target == ErrRefused
}

// classify turns what the SDK returned (or a failed answer's Error part)
// into an APIError, or an unavailability that quotes no request.
func classify(op string, err error) error {
	var (
		e  alipay.Error
		pe *alipay.Error
	)
	switch {
	case errors.As(err, &pe) && pe != nil:
		e = *pe
	case errors.As(err, &e):
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("alipay: %s: %w: %w", op, httpx.ErrUnavailable, err)
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the gateway's; the error is what matters
		}
		return fmt.Errorf("alipay: %s: %w: %w: %v", op, httpx.ErrUnavailable, workflow.ErrUnavailable, err)
	}
	if e.Code.IsSuccess() {
		return fmt.Errorf("alipay: %s: incomplete answer: %w", op, ErrRefused)
	}
	return &APIError{Op: op, Code: string(e.Code), SubCode: e.SubCode, Message: e.SubMsg}
}
