package app

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	wxutils "github.com/wechatpay-apiv3/wechatpay-go/utils"

	"zerovisit/configs"
	"zerovisit/integrations/department"
)

// sandboxManifest is what a server needs to use a set of sandboxes: every
// party's URL and the credentials it was given. The shared sandbox process
// serves it at manifestPath; a replica started with
// ZEROVISIT_PARTY_SANDBOX_URL reads it at start and builds the very clients
// it would build against production, pointed at the sandboxes.
type sandboxManifest struct {
	Parties     map[string]configs.Endpoint `json:"parties"`
	Departments []department.Endpoint       `json:"departments"`
	WeChat      manifestWeChat              `json:"wechat"`
	Alipay      manifestAlipay              `json:"alipay"`
	Courier     manifestCourier             `json:"courier"`
}

type manifestWeChat struct {
	// URL stands for every WeChat host (api.weixin.qq.com,
	// api.mch.weixin.qq.com): the SDKs' hosts are rewritten onto it.
	URL       string `json:"url"`
	AppID     string `json:"app_id"`
	AppSecret string `json:"app_secret"`
	MchID     string `json:"mch_id"`
	MchSerial string `json:"mch_serial"`
	// MerchantKey is the merchant's private key (PKCS#8 PEM), PlatformKey
	// WeChat Pay's public key (PKIX PEM) named PlatformKeyID.
	MerchantKey   string `json:"merchant_key"`
	PlatformKeyID string `json:"platform_key_id"`
	PlatformKey   string `json:"platform_key"`
	APIv3Key      string `json:"api_v3_key"`
}

type manifestAlipay struct {
	Gateway string `json:"gateway"`
	AppID   string `json:"app_id"`
	// AppKey is the app's private key, PublicKey Alipay's (both PEM).
	AppKey    string `json:"app_key"`
	PublicKey string `json:"public_key"`
}

type manifestCourier struct {
	SFURL             string `json:"sf_url"`
	SFPartnerID       string `json:"sf_partner_id"`
	SFCheckword       string `json:"sf_checkword"`
	SFMonthlyCard     string `json:"sf_monthly_card"`
	Kuaidi100URL      string `json:"kuaidi100_url"`
	Kuaidi100Customer string `json:"kuaidi100_customer"`
	Kuaidi100Key      string `json:"kuaidi100_key"`
}

// manifestPath is where the shared sandbox process serves its manifest.
const manifestPath = "/_sandbox/manifest"

// sandboxMonthlyCard is the monthly-settlement card the SF sandbox bills.
const sandboxMonthlyCard = "5710000000"

// channelCreds are the WeChat and Alipay credentials and addresses the
// citizen channel's clients are built with, whether the sandboxes run in
// this process or in the shared sandbox process.
type channelCreds struct {
	wechatURL                   string
	wechatApp, wechatSecret     string
	apiV3Key                    string
	merchantKey                 *rsa.PrivateKey
	platformKeyID               string
	platformKey                 *rsa.PublicKey
	alipayGateway, alipayApp    string
	alipayAppKey, alipayPublicK string
}

// inProcessCreds are the credentials of the channel sandboxes served at base.
func (s *channelSandboxes) creds(base string) channelCreds {
	keyID, pub := s.wechat.PlatformKey()
	return channelCreds{
		wechatURL: base + "/wechat", wechatApp: s.wechatApp, wechatSecret: s.wechatSecret, apiV3Key: s.apiV3Key,
		merchantKey: s.keys.merchant, platformKeyID: keyID, platformKey: pub,
		alipayGateway: base + "/alipay/gateway.do", alipayApp: s.alipayApp, alipayAppKey: s.keys.alipayAppPEM(),
		alipayPublicK: s.alipay.PublicKeyPEM(),
	}
}

// channelCreds decodes the manifest's channel credentials.
func (m *sandboxManifest) channelCreds() (channelCreds, error) {
	key, err1 := wxutils.LoadPrivateKey(m.WeChat.MerchantKey)
	pub, err2 := wxutils.LoadPublicKey(m.WeChat.PlatformKey)
	if err := errors.Join(err1, err2); err != nil {
		return channelCreds{}, fmt.Errorf("sandbox manifest: wechat pay keys: %w", err)
	}
	w, a := m.WeChat, m.Alipay
	return channelCreds{
		wechatURL: w.URL, wechatApp: w.AppID, wechatSecret: w.AppSecret, apiV3Key: w.APIv3Key,
		merchantKey: key, platformKeyID: w.PlatformKeyID, platformKey: pub,
		alipayGateway: a.Gateway, alipayApp: a.AppID, alipayAppKey: a.AppKey, alipayPublicK: a.PublicKey,
	}, nil
}

// manifest describes s's parties and channels and the courier companies
// c, all served at s.baseURL.
func (s *sandboxes) manifest(c *courierSandboxes) (sandboxManifest, error) {
	base := s.baseURL
	m := sandboxManifest{Parties: s.endpoints, Departments: s.departments}
	cr := s.channels.creds(base)
	merchant, err := x509.MarshalPKCS8PrivateKey(cr.merchantKey)
	if err != nil {
		return sandboxManifest{}, err
	}
	platform, err := x509.MarshalPKIXPublicKey(cr.platformKey)
	if err != nil {
		return sandboxManifest{}, err
	}
	m.WeChat = manifestWeChat{URL: cr.wechatURL, AppID: cr.wechatApp, AppSecret: cr.wechatSecret, MchID: sandboxMchID,
		MchSerial: sandboxMchSerial, MerchantKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: merchant})),
		PlatformKeyID: cr.platformKeyID, PlatformKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: platform})),
		APIv3Key: cr.apiV3Key}
	m.Alipay = manifestAlipay{Gateway: cr.alipayGateway, AppID: cr.alipayApp, AppKey: cr.alipayAppKey, PublicKey: cr.alipayPublicK}
	m.Courier = c.creds(base)
	return m, nil
}

// fetchManifest reads the manifest of the shared sandbox process at base,
// retrying for a while: replicas and the sandbox process start together.
func fetchManifest(ctx context.Context, base string, within time.Duration) (*sandboxManifest, error) {
	base = strings.TrimRight(base, "/")
	hc := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(within)
	for {
		m, err := getManifest(ctx, hc, base)
		if err == nil {
			return m, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("sandbox manifest at %s: %w", base, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func getManifest(ctx context.Context, hc *http.Client, base string) (*sandboxManifest, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+manifestPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered %d", resp.StatusCode)
	}
	var m sandboxManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	for _, name := range []string{"elicense", "basedata", "credit", "province"} {
		if m.Parties[name].URL == "" {
			return nil, fmt.Errorf("no %s endpoint", name)
		}
	}
	if m.WeChat.AppID == "" || m.Courier.SFURL == "" {
		return nil, errors.New("no wechat or courier credentials")
	}
	return &m, nil
}
