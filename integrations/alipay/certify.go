package alipay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smartwalle/alipay/v3"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// Errors of identity certification (实名认证), matched with errors.Is.
var (
	// ErrCertifyExpired means the certify_id is no longer valid
	// (sub_code CERTIFY_ID_EXPIRED, "认证已失效"): the user has to start a
	// new certification.
	ErrCertifyExpired = errors.New("alipay: certification expired")
)

// Sub-codes and values of identity certification.
const (
	// SubCodeCertifyExpired is the query's answer for a certify_id that
	// is no longer valid.
	SubCodeCertifyExpired = "CERTIFY_ID_EXPIRED"
	// CertifyBizCode is the scene the product certifies in: FACE, 多因子人脸认证.
	CertifyBizCode = alipay.CertifyBizCodeFace
	// Identity parameters of a resident ID card.
	IdentityTypeCertInfo = "CERT_INFO"
	CertTypeIdentityCard = "IDENTITY_CARD"
)

// maxOuterOrderNo is outer_order_no's limit: up to 32 letters and digits.
const maxOuterOrderNo = 32

// StartCertify starts an identity certification (alipay.user.certify.open.
// initialize, biz_code FACE) of name and resident ID number idNumber, and
// returns its certify_id, which the mini program passes to
// my.startAPVerify together with CertifyURL's URL. outerNo is the
// product's own unique number of the attempt (1-32 letters and digits).
//
// Keep the certify_id with the person it was started for: the query's
// answer does not name the person, it only says whether this certify_id
// passed.
func (c *Client) StartCertify(ctx context.Context, outerNo, name, idNumber string) (string, error) {
	if !validOuterNo(outerNo) {
		return "", fmt.Errorf("alipay: certify initialize: outer_order_no must be 1-%d letters and digits: %w", maxOuterOrderNo, workflow.ErrInvalidInput)
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return "", fmt.Errorf("alipay: certify initialize: name must be 1-64 characters: %w", workflow.ErrInvalidInput)
	}
	id, err := ident.ParseResidentID(idNumber, time.Now())
	if err != nil {
		return "", fmt.Errorf("alipay: certify initialize: %w", err)
	}
	rsp, err := c.c.UserCertifyOpenInitialize(ctx, alipay.UserCertifyOpenInitialize{
		OuterOrderNo: outerNo, BizCode: CertifyBizCode,
		IdentityParam: alipay.IdentityParam{IdentityType: IdentityTypeCertInfo, CertType: CertTypeIdentityCard,
			CertName: name, CertNo: id.Number},
		MerchantConfig: alipay.MerchantConfig{ReturnURL: c.certifyReturnURL},
	})
	if err != nil {
		return "", classify("certify initialize", err)
	}
	if !rsp.IsSuccess() || rsp.CertifyId == "" {
		return "", classify("certify initialize", rsp.Error)
	}
	return rsp.CertifyId, nil
}

// CertifyURL returns the signed alipay.user.certify.open.certify URL of a
// certification, which my.startAPVerify (or a browser) opens. It is
// built locally; nothing is sent.
func (c *Client) CertifyURL(certifyID string) (string, error) {
	if !validCertifyID(certifyID) {
		return "", fmt.Errorf("alipay: certify url: %w", workflow.ErrInvalidInput)
	}
	u, err := c.c.UserCertifyOpenCertify(alipay.UserCertifyOpenCertify{CertifyId: certifyID})
	if err != nil {
		return "", fmt.Errorf("alipay: certify url: %w", err)
	}
	return u.String(), nil
}

// CertifyResult is what alipay.user.certify.open.query says of a
// certification.
type CertifyResult struct {
	// Passed is passed "T": the user completed the certification and it
	// succeeded.
	Passed bool
	// Finished is true when the certification has an outcome: it passed,
	// or Alipay gave a reason it failed (fail_reason). Alipay answers
	// passed "F" both while the user has not finished and after a failed
	// attempt, and sends fail_reason only to some merchants, so a result
	// with neither Passed nor Finished means "not passed (yet)": query
	// again later, until ErrCertifyExpired.
	Finished bool
	// FailReason is fail_reason, when Alipay sent it.
	FailReason string
	// IdentityInfo and MaterialInfo are the raw JSON Alipay sent, empty in
	// most scenes.
	IdentityInfo string
	MaterialInfo string
}

type certifyQueryRsp struct {
	alipay.Error
	Passed       string `json:"passed"`
	FailReason   string `json:"fail_reason"`
	IdentityInfo string `json:"identity_info"`
	MaterialInfo string `json:"material_info"`
}

// certifyQuery is alipay.user.certify.open.query; the SDK's own response
// type lacks fail_reason.
type certifyQuery struct {
	alipay.UserCertifyOpenQuery
}

// CertifyResult queries a certification. ErrCertifyExpired means the
// certify_id is no longer valid; other refusals match ErrRefused.
func (c *Client) CertifyResult(ctx context.Context, certifyID string) (CertifyResult, error) {
	if !validCertifyID(certifyID) {
		return CertifyResult{}, fmt.Errorf("alipay: certify query: %w", workflow.ErrInvalidInput)
	}
	var rsp certifyQueryRsp
	err := c.c.Request(ctx, certifyQuery{alipay.UserCertifyOpenQuery{CertifyId: certifyID}}, &rsp)
	if err != nil {
		return CertifyResult{}, classify("certify query", err)
	}
	if !rsp.IsSuccess() {
		return CertifyResult{}, classify("certify query", rsp.Error)
	}
	passed := rsp.Passed == "T"
	if !passed && rsp.Passed != "F" {
		return CertifyResult{}, fmt.Errorf("alipay: certify query: unexpected passed %q: %w", rsp.Passed, ErrRefused)
	}
	return CertifyResult{Passed: passed, Finished: passed || rsp.FailReason != "", FailReason: rsp.FailReason,
		IdentityInfo: rsp.IdentityInfo, MaterialInfo: rsp.MaterialInfo}, nil
}

func validOuterNo(s string) bool {
	if s == "" || len(s) > maxOuterOrderNo {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func validCertifyID(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsAny(s, " \t\r\n")
}
