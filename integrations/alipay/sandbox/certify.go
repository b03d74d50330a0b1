package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Methods of identity certification (实名认证).
const (
	MethodCertifyInitialize = "alipay.user.certify.open.initialize"
	MethodCertifyCertify    = "alipay.user.certify.open.certify"
	MethodCertifyQuery      = "alipay.user.certify.open.query"
)

// CertifyOutcome is where a certification stands.
type CertifyOutcome string

// Outcomes of a certification.
const (
	// CertifyUnfinished: started, the user has not finished (passed "F").
	CertifyUnfinished CertifyOutcome = "unfinished"
	// CertifyPassed: the user finished and it succeeded (passed "T").
	CertifyPassed CertifyOutcome = "passed"
	// CertifyFailed: the user finished and it failed (passed "F", with
	// fail_reason CertifyFailReason).
	CertifyFailed CertifyOutcome = "failed"
	// CertifyExpired: the certify_id is no longer valid (40004
	// CERTIFY_ID_EXPIRED, "认证已失效").
	CertifyExpired CertifyOutcome = "expired"
)

// CertifyFailReason is the fail_reason of a failed certification.
const CertifyFailReason = "FACE_NOT_MATCH"

// Errors of Complete.
var (
	ErrNoCertification = errors.New("alipay sandbox: no such certification")
	ErrBadOutcome      = errors.New("alipay sandbox: unknown certification outcome")
)

// Certification is an identity certification the sandbox started.
type Certification struct {
	CertifyID    string
	OuterOrderNo string
	BizCode      string
	CertName     string
	CertNo       string
	ReturnURL    string
	Outcome      CertifyOutcome
	// Opened is whether the certify URL was opened.
	Opened    bool
	StartedAt time.Time
}

// Complete is the user finishing a certification with an outcome (or an
// unfinished one being abandoned until it expires).
func (s *Sandbox) Complete(certifyID string, outcome CertifyOutcome) error {
	if !slices.Contains([]CertifyOutcome{CertifyUnfinished, CertifyPassed, CertifyFailed, CertifyExpired}, outcome) {
		return fmt.Errorf("%w: %q", ErrBadOutcome, outcome)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.certs[certifyID]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoCertification, certifyID)
	}
	c.Outcome = outcome
	return nil
}

// Certifications returns the certifications started so far, oldest first.
func (s *Sandbox) Certifications() []Certification {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Certification, 0, len(s.certs))
	for _, c := range s.certs {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Certification) int { return a.StartedAt.Compare(b.StartedAt) })
	return out
}

// invalidArguments is a request whose business parameters are missing or
// wrong (code 40002), signed like any answer.
func invalidArguments(subCode, subMsg string) map[string]string {
	return map[string]string{"code": "40002", "msg": "Invalid Arguments", "sub_code": subCode, "sub_msg": subMsg}
}

func (s *Sandbox) certifyInitialize(biz map[string]any) any {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return strings.TrimSpace(v) }
	var identity map[string]any
	switch v := biz["identity_param"].(type) {
	case map[string]any:
		identity = v
	case string: // the documented form: a JSON string
		_ = json.Unmarshal([]byte(v), &identity)
	}
	var cfg map[string]any
	switch v := biz["merchant_config"].(type) {
	case map[string]any:
		cfg = v
	case string:
		_ = json.Unmarshal([]byte(v), &cfg)
	}
	outer := str(biz, "outer_order_no")
	switch {
	case outer == "" || len(outer) > 32:
		return invalidArguments("isv.missing-parameter", "outer_order_no 不正确")
	case !slices.Contains([]string{"FACE", "CERT_PHOTO", "CERT_PHOTO_FACE", "SMART_FACE"}, str(biz, "biz_code")):
		return invalidArguments("isv.invalid-parameter", "biz_code 不正确")
	case identity == nil || str(identity, "identity_type") != "CERT_INFO" || str(identity, "cert_type") != "IDENTITY_CARD":
		return invalidArguments("isv.invalid-parameter", "identity_param 不正确")
	case str(identity, "cert_name") == "" || str(identity, "cert_no") == "":
		return invalidArguments("isv.missing-parameter", "缺少证件姓名或证件号码")
	}
	id := randomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.certs[id] = &Certification{CertifyID: id, OuterOrderNo: outer, BizCode: str(biz, "biz_code"),
		CertName: str(identity, "cert_name"), CertNo: strings.ToUpper(str(identity, "cert_no")),
		ReturnURL: str(cfg, "return_url"), Outcome: CertifyUnfinished, StartedAt: s.now()}
	return success(map[string]any{"certify_id": id})
}

func (s *Sandbox) certifyQuery(certifyID string) any {
	if certifyID == "" {
		return invalidArguments("isv.missing-parameter", "缺少 certify_id")
	}
	s.mu.Lock()
	c, ok := s.certs[certifyID]
	var outcome CertifyOutcome
	if ok {
		outcome = c.Outcome
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return invalidArguments("isv.invalid-parameter", "certify_id 无效")
	case outcome == CertifyExpired:
		return failure("CERTIFY_ID_EXPIRED", "认证已失效")
	case outcome == CertifyPassed:
		return success(map[string]any{"passed": "T", "identity_info": "{}", "material_info": "{}"})
	case outcome == CertifyFailed:
		return success(map[string]any{"passed": "F", "fail_reason": CertifyFailReason})
	}
	return success(map[string]any{"passed": "F"})
}

// certifyPage serves the signed certify URL (a GET of the gateway with
// method alipay.user.certify.open.certify): the page on which the user
// certifies.
func (s *Sandbox) certifyPage(w http.ResponseWriter, r *http.Request) {
	form := r.URL.Query()
	page := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!doctype html><title>支付宝身份验证</title><p>%s</p>", html.EscapeString(msg))
	}
	if form.Get("app_id") != s.cfg.AppID || form.Get("sign_type") != "RSA2" || !s.verifyApp(form) {
		page(http.StatusBadRequest, "验签出错")
		return
	}
	var biz struct {
		CertifyID string `json:"certify_id"`
	}
	_ = json.Unmarshal([]byte(form.Get("biz_content")), &biz)
	s.mu.Lock()
	c, ok := s.certs[biz.CertifyID]
	var outcome CertifyOutcome
	if ok {
		c.Opened = true
		outcome = c.Outcome
	}
	s.mu.Unlock()
	switch {
	case !ok:
		page(http.StatusNotFound, "认证不存在")
	case outcome == CertifyExpired:
		page(http.StatusGone, "认证已失效")
	default:
		page(http.StatusOK, "请完成刷脸认证")
	}
}
