// Package sandbox is a stand-in for the Alipay open platform gateway: a
// stateful http.Handler that takes the gateway's signed form requests
// (alipay.system.oauth.token, alipay.trade.create / query / refund,
// alipay.open.app.mini.templatemessage.send, alipay.user.certify.open.
// initialize / query, and the signed GET of alipay.user.certify.open.certify
// that opens the certify page), checks the app's RSA2
// signature, and answers the way Alipay does, signing exactly the bytes of
// each <method>_response value it writes with its own key. Payments it
// completes send a signed asynchronous notification to the trade's
// notify_url.
//
// Tests play the user through it: AuthCode issues a my.getAuthCode code,
// Subscribe grants message consents, Pay completes a payment, Complete
// finishes an identity certification.
package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"zerovisit/integrations/httpx"
	"zerovisit/integrations/sandboxkit"
)

// Config configures a Sandbox.
type Config struct {
	// AppID is the app the sandbox serves; AppKey is its public key, which
	// every request must be signed for.
	AppID  string
	AppKey *rsa.PublicKey
	// Key is the sandbox's ("Alipay's") key pair, generated when nil.
	Key *rsa.PrivateKey
	// Notifier sends notifications; loopback only when nil.
	Notifier *http.Client
	// Now is the sandbox's clock (time.Now when nil).
	Now func() time.Time
}

// Sandbox is the stand-in gateway. Faults injects failures before a request
// reaches it; Recorder keeps every request that arrived.
type Sandbox struct {
	Faults   *sandboxkit.Faults
	Recorder *sandboxkit.Recorder

	cfg     Config
	handler http.Handler
	now     func() time.Time
	notify  *http.Client

	mu       sync.Mutex
	codes    map[string]User
	consents map[string]int // user + "\x00" + template → count
	messages []Message
	trades   map[string]*Trade         // by out_trade_no
	refunds  map[string]Refund         // by out_trade_no + "\x00" + out_request_no
	certs    map[string]*Certification // by certify_id
	sent     []Notification
}

// User is an Alipay user as the sandbox knows one.
type User struct {
	UserID string
	OpenID string
}

// New returns a sandbox gateway for one app.
func New(cfg Config) (*Sandbox, error) {
	if cfg.AppID == "" || cfg.AppKey == nil {
		return nil, fmt.Errorf("alipay sandbox: app id and app public key are required")
	}
	if cfg.Key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("alipay sandbox: key: %w", err)
		}
		cfg.Key = k
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	notifier := cfg.Notifier
	if notifier == nil {
		notifier = &http.Client{Transport: httpx.LoopbackOnly(nil), Timeout: 10 * time.Second}
	}
	s := &Sandbox{Faults: &sandboxkit.Faults{}, Recorder: sandboxkit.NewRecorder(), cfg: cfg, now: now, notify: notifier,
		codes: map[string]User{}, consents: map[string]int{}, trades: map[string]*Trade{}, refunds: map[string]Refund{},
		certs: map[string]*Certification{}}
	s.handler = s.Recorder.Wrap(s.Faults.Wrap(http.HandlerFunc(s.gateway)))
	return s, nil
}

// ServeHTTP serves the gateway (any path: Alipay's is /gateway.do).
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// PublicKeyPEM returns the sandbox's public key as the PKIX PEM the client loads.
func (s *Sandbox) PublicKeyPEM() string {
	der, _ := x509.MarshalPKIXPublicKey(&s.cfg.Key.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// content is the string Alipay signs: the sorted k=v pairs joined by "&",
// values unescaped, leaving out the named keys and empty values.
func content(v url.Values, skip ...string) string {
	pairs := make([]string, 0, len(v))
	for k, vs := range v {
		if contains(skip, k) {
			continue
		}
		for _, x := range vs {
			if x != "" {
				pairs = append(pairs, k+"="+x)
			}
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Sandbox) signBytes(b []byte) string {
	sum := sha256.Sum256(b)
	sig, _ := rsa.SignPKCS1v15(nil, s.cfg.Key, crypto.SHA256, sum[:])
	return base64.StdEncoding.EncodeToString(sig)
}

func (s *Sandbox) verifyApp(form url.Values) bool {
	sig, err := base64.StdEncoding.DecodeString(form.Get("sign"))
	if err != nil {
		return false
	}
	sum := sha256.Sum256([]byte(content(form, "sign")))
	return rsa.VerifyPKCS1v15(s.cfg.AppKey, crypto.SHA256, sum[:], sig) == nil
}

// respond writes {"<method>_response": v, "sign": …}, signing exactly the
// bytes of v as written.
func (s *Sandbox) respond(w http.ResponseWriter, method string, v any) {
	inner, _ := json.Marshal(v)
	key := strings.ReplaceAll(method, ".", "_") + "_response"
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	fmt.Fprintf(w, `{"%s":%s,"sign":"%s"}`, key, inner, s.signBytes(inner))
}

// gatewayError answers a request the gateway refuses before the method
// runs; Alipay does not sign these.
func gatewayError(w http.ResponseWriter, subCode, subMsg string) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	body, _ := json.Marshal(map[string]any{"error_response": map[string]string{
		"code": "40002", "msg": "Invalid Arguments", "sub_code": subCode, "sub_msg": subMsg}})
	_, _ = w.Write(body)
}

// failure is a business failure (code 40004), signed like any answer.
func failure(subCode, subMsg string) map[string]string {
	return map[string]string{"code": "40004", "msg": "Business Failed", "sub_code": subCode, "sub_msg": subMsg}
}

func success(fields map[string]any) map[string]any {
	fields["code"], fields["msg"] = "10000", "Success"
	return fields
}

func (s *Sandbox) gateway(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Query().Get("method") == MethodCertifyCertify {
		s.certifyPage(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		gatewayError(w, "isv.invalid-parameter", "请求无法解析")
		return
	}
	form := r.Form
	method := form.Get("method")
	switch {
	case form.Get("app_id") != s.cfg.AppID:
		gatewayError(w, "isv.invalid-app-id", "无效的AppID参数")
		return
	case form.Get("sign_type") != "RSA2":
		gatewayError(w, "isv.invalid-signature-type", "无效的签名类型")
		return
	case !s.verifyApp(form):
		gatewayError(w, "isv.invalid-signature", "验签出错")
		return
	}
	var biz map[string]any
	if raw := form.Get("biz_content"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &biz); err != nil {
			gatewayError(w, "isv.invalid-parameter", "biz_content 不是合法的JSON")
			return
		}
	}
	str := func(k string) string { v, _ := biz[k].(string); return v }
	var ans any
	switch method {
	case "alipay.system.oauth.token":
		ans = s.oauthToken(form)
	case "alipay.trade.create":
		ans = s.tradeCreate(str, form.Get("notify_url"))
	case "alipay.trade.query":
		ans = s.tradeQuery(str("out_trade_no"))
	case "alipay.trade.refund":
		ans = s.tradeRefund(str)
	case "alipay.open.app.mini.templatemessage.send":
		ans = s.templateMessage(str)
	case MethodCertifyInitialize:
		ans = s.certifyInitialize(biz)
	case MethodCertifyQuery:
		ans = s.certifyQuery(str("certify_id"))
	default:
		gatewayError(w, "isv.invalid-method", "不存在的方法名")
		return
	}
	s.respond(w, method, ans)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
