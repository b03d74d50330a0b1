package wechat

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/silenceper/wechat/v2/util"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// Party is WeChat's name in errors and metrics.
const Party = "wechat"

// Errors of the WeChat client, matched with errors.Is. A call that could not
// reach WeChat also matches httpx.ErrUnavailable and workflow.ErrUnavailable.
var (
	// ErrInvalidCode means a login or phone-number code was wrong, expired
	// or already used (errcode 40029, 40163).
	ErrInvalidCode = errors.New("wechat: invalid or used code")
	// ErrNoConsent means the user has no subscribe-message consent left for
	// the template (errcode 43101).
	ErrNoConsent = errors.New("wechat: user has no subscribe consent left")
	// ErrFaceInvalid means WeChat knows no facial recognition check by
	// that verifyResult (errcode 84001 invalid, 84003 no such record).
	ErrFaceInvalid = errors.New("wechat: unknown face check")
	// ErrFaceExpired means the check's result is no longer kept
	// (errcode 84002): the user has to take the check again.
	ErrFaceExpired = errors.New("wechat: face check expired")
	// ErrRefused means WeChat answered with another error code.
	ErrRefused = errors.New("wechat: refused")
)

// WeChat error codes the client acts on.
const (
	codeBusy            = -1
	codeInvalidToken    = 40001
	codeInvalidCode     = 40029
	codeUsedCode        = 40163
	codeTokenExpired    = 42001
	codeNoConsent       = 43101
	codeInvalidToken2   = 40014
	codeFrequencyLimit  = 45011
	codePhoneCodeExpire = 40013
	codeFaceInvalid     = 84001
	codeFaceExpired     = 84002
	codeFaceNotFound    = 84003
)

// APIError is an error code WeChat answered with.
type APIError struct {
	Op      string
	Code    int64
	Message string
}

// Error describes the refusal: operation, codes and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("wechat: %s: errcode %d: %s", e.Op, e.Code, e.Message)
}

// Is lets errors.Is match the sentinel the code stands for.
func (e *APIError) Is(target error) bool {
	switch e.Code {
	case codeInvalidCode, codeUsedCode, codePhoneCodeExpire:
		return target == ErrInvalidCode
	case codeNoConsent:
		return target == ErrNoConsent
	case codeFaceInvalid, codeFaceNotFound:
		return target == ErrFaceInvalid
	case codeFaceExpired:
		return target == ErrFaceExpired
	case codeBusy, codeFrequencyLimit:
		return target == httpx.ErrUnavailable || target == workflow.ErrUnavailable
	}
	return target == ErrRefused
}

var errcodeInText = regexp.MustCompile(`errcode=(-?\d+)\s*,\s*errmsg=(.*)$`)

// classify turns what the SDK returned into an error that carries no URL
// (the SDK's transport errors quote the URL, app secret and code included).
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return &APIError{Op: op, Code: ce.ErrCode, Message: ce.ErrMsg}
	}
	if m := errcodeInText.FindStringSubmatch(err.Error()); m != nil {
		code, _ := strconv.ParseInt(m[1], 10, 64)
		return &APIError{Op: op, Code: code, Message: m[2]}
	}
	return fmt.Errorf("wechat: %s: %w: %w", op, httpx.ErrUnavailable, workflow.ErrUnavailable)
}

// tokenRejected reports whether err says the access token is invalid or expired.
func tokenRejected(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Code == codeInvalidToken || ae.Code == codeTokenExpired || ae.Code == codeInvalidToken2
}
