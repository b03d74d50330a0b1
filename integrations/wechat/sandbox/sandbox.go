// Package sandbox is a stand-in for WeChat's mini-program server API
// (api.weixin.qq.com) and WeChat Pay API v3 (api.mch.weixin.qq.com): a
// stateful http.Handler speaking their protocols — paths, parameters, error
// codes, the merchant's RSA signature on every payment request, WeChat
// Pay's signature on every answer, and signed, AES-GCM encrypted payment
// notifications sent to the merchant's notify URL.
//
// One sandbox serves both hosts: the client reaches it through
// httpx.Rewrite, which keeps the host it meant in X-Original-Host.
// Tests play the user through it: LoginCode issues a wx.login code for an
// openid, Subscribe grants one-time subscribe consents, FaceCheck is the
// user taking a facial recognition check (人脸核身), Pay completes a
// payment, which sends the notification.
package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// Hosts the sandbox stands in for.
const (
	HostAPI = "api.weixin.qq.com"
	HostMch = "api.mch.weixin.qq.com"
)

// TokenLifetime is the expires_in of the access tokens the sandbox issues:
// above 1500 s, since the SDK caches a token for expires_in - 1500.
const TokenLifetime = 7200

// Config configures a Sandbox.
type Config struct {
	// AppID and AppSecret are the mini program's.
	AppID     string
	AppSecret string
	// MchID is the merchant; MerchantSerial and MerchantKey are the
	// merchant certificate's serial and public key, which every payment
	// request must be signed for.
	MchID          string
	MerchantSerial string
	MerchantKey    *rsa.PublicKey
	// APIv3Key (32 bytes) encrypts notifications.
	APIv3Key string
	// PlatformKey is WeChat Pay's key pair, generated when nil;
	// PlatformKeyID names it (a fresh PUB_KEY_ID_… when empty).
	PlatformKey   *rsa.PrivateKey
	PlatformKeyID string
	// Notifier sends payment notifications; loopback only when nil.
	Notifier *http.Client
	// Now is the sandbox's clock (time.Now when nil).
	Now func() time.Time
}

// Sandbox is the stand-in WeChat. Faults injects failures before a request
// reaches it; Recorder keeps every request that arrived.
type Sandbox struct {
	Faults   *sandboxkit.Faults
	Recorder *sandboxkit.Recorder

	cfg     Config
	handler http.Handler
	now     func() time.Time
	notify  *http.Client

	mu         sync.Mutex
	codes      map[string]user   // login code → user
	phoneCodes map[string]string // phone code → number
	tokens     map[string]time.Time
	consents   map[string]int // openid + "\x00" + template → count
	messages   []Message
	faces      map[string]faceRecord // by verifyResult
	orders     map[string]*Order     // by out_trade_no
	refunds    map[string]Refund     // by out_refund_no
	// processing answers this many refund calls PROCESSING before SUCCESS,
	// as WeChat Pay does while the bank has not settled.
	processing int
	sent       []Notification
}

type user struct{ openID, unionID string }

// New returns a sandbox for one mini program and merchant.
func New(cfg Config) (*Sandbox, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" || cfg.MchID == "" || cfg.MerchantKey == nil || len(cfg.APIv3Key) != 32 {
		return nil, fmt.Errorf("wechat sandbox: app id, secret, merchant id and key and a 32-byte APIv3 key are required")
	}
	if cfg.PlatformKey == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("wechat sandbox: platform key: %w", err)
		}
		cfg.PlatformKey = k
	}
	if cfg.PlatformKeyID == "" {
		cfg.PlatformKeyID = "PUB_KEY_ID_" + randomHex(12)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	notifier := cfg.Notifier
	if notifier == nil {
		notifier = &http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 10 * time.Second}
	}
	s := &Sandbox{
		Faults: &sandboxkit.Faults{}, Recorder: sandboxkit.NewRecorder(),
		cfg: cfg, now: now, notify: notifier,
		codes: map[string]user{}, phoneCodes: map[string]string{}, tokens: map[string]time.Time{},
		consents: map[string]int{}, faces: map[string]faceRecord{}, orders: map[string]*Order{}, refunds: map[string]Refund{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sns/jscode2session", s.host(HostAPI, s.code2Session))
	mux.HandleFunc("GET /cgi-bin/token", s.host(HostAPI, s.token))
	mux.HandleFunc("POST /wxa/business/getuserphonenumber", s.host(HostAPI, s.phoneNumber))
	mux.HandleFunc("POST /cgi-bin/message/subscribe/send", s.host(HostAPI, s.subscribeSend))
	mux.HandleFunc("POST /cityservice/face/identify/getinfo", s.host(HostAPI, s.faceResult))
	mux.HandleFunc("POST /v3/pay/transactions/jsapi", s.host(HostMch, s.signed(s.prepay)))
	mux.HandleFunc("GET /v3/pay/transactions/out-trade-no/{no}", s.host(HostMch, s.signed(s.queryOrder)))
	mux.HandleFunc("POST /v3/pay/transactions/out-trade-no/{no}/close", s.host(HostMch, s.signed(s.closeOrder)))
	mux.HandleFunc("POST /v3/refund/domestic/refunds", s.host(HostMch, s.signed(s.refund)))
	s.handler = s.Recorder.Wrap(s.Faults.Wrap(mux))
	return s, nil
}

// ServeHTTP serves both hosts.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// PlatformKey returns WeChat Pay's public key and its id, which the
// merchant's client verifies answers and notifications with.
func (s *Sandbox) PlatformKey() (string, *rsa.PublicKey) {
	return s.cfg.PlatformKeyID, &s.cfg.PlatformKey.PublicKey
}

// host refuses a request the client meant for the other host: the real
// hosts serve disjoint paths.
func (s *Sandbox) host(want string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get(httpx.HeaderOriginalHost); got != "" && !strings.EqualFold(hostOnly(got), want) {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}
}

func hostOnly(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		return h[:i]
	}
	return h
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
