package wechat

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// PathFaceResult is where the server fetches the result of a facial
// recognition check (人脸核身) that wx.startFacialRecognitionVerify ran in
// the mini program: POST with the access token in the query and
// {"verify_result": …} as the body. The SDK does not cover it.
const PathFaceResult = "/cityservice/face/identify/getinfo"

// faceResultURL is PathFaceResult on WeChat's API host; calls to it go
// through the SDK's shared client, so the router sends them where the
// mini program's other calls go.
const faceResultURL = "https://api.weixin.qq.com" + PathFaceResult

// maxVerifyResult bounds the verifyResult accepted from the mini program.
const maxVerifyResult = 1024

// FaceResult is WeChat's record of one facial recognition check. It names
// the person only by digests: Matches tells whether the check was of the
// name and ID number the product expects.
type FaceResult struct {
	// OpenID is the user who took the check.
	OpenID string
	// Passed is identify_ret 0: the face matched the ID number's photo.
	Passed bool
	// Ret is identify_ret as WeChat sent it (0 passed; anything else is
	// the reason it failed).
	Ret int
	// IdentifiedAt is identify_time; FinishedAt is finish_time.
	IdentifiedAt time.Time
	FinishedAt   time.Time
	// IDNumberMD5 is the hex MD5 of the ID number checked (a final X in
	// upper case), NameMD5 the hex MD5 of the name's UTF-8 bytes.
	IDNumberMD5 string
	NameMD5     string
	// ValidateData is what the user read out, when the check asked for it.
	ValidateData string
	// UserIDKey is the key of the identity the check was started with,
	// when it was started with one rather than a name and number.
	UserIDKey string
}

// Matches reports whether the check was of this name and ID number.
func (r FaceResult) Matches(name, idNumber string) bool {
	return r.NameMD5 != "" && r.IDNumberMD5 != "" &&
		strings.EqualFold(r.NameMD5, md5Hex(strings.TrimSpace(name))) &&
		strings.EqualFold(r.IDNumberMD5, md5Hex(strings.ToUpper(strings.TrimSpace(idNumber))))
}

// FaceDigests returns the digests WeChat identifies a checked person by:
// the hex MD5 of the name's UTF-8 bytes and of the ID number, a final X in
// upper case.
func FaceDigests(name, idNumber string) (nameMD5, idNumberMD5 string) {
	return md5Hex(strings.TrimSpace(name)), md5Hex(strings.ToUpper(strings.TrimSpace(idNumber)))
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

type faceAnswer struct {
	util.CommonError
	IdentifyRet     int    `json:"identify_ret"`
	IdentifyTime    int64  `json:"identify_time"`
	ValidateData    string `json:"validate_data"`
	OpenID          string `json:"openid"`
	UserIDKey       string `json:"user_id_key"`
	FinishTime      int64  `json:"finish_time"`
	IDCardNumberMD5 string `json:"id_card_number_md5"`
	NameUTF8MD5     string `json:"name_utf8_md5"`
}

// FaceResult fetches the result of the check whose verifyResult the mini
// program received. A failed check is a result with Passed false, not an
// error. ErrFaceExpired means the result is no longer kept (84002),
// ErrFaceInvalid that WeChat knows no such check (84001, 84003).
func (c *Client) FaceResult(ctx context.Context, verifyResult string) (FaceResult, error) {
	verifyResult = strings.TrimSpace(verifyResult)
	if verifyResult == "" || len(verifyResult) > maxVerifyResult {
		return FaceResult{}, fmt.Errorf("wechat: face result: %w", ErrFaceInvalid)
	}
	var ans faceAnswer
	err := c.withToken(ctx, "face result", func() error {
		tok, err := c.mp.GetContext().GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		body, err := util.PostJSONContext(ctx, faceResultURL+"?access_token="+tok, map[string]string{"verify_result": verifyResult})
		if err != nil {
			return err
		}
		ans = faceAnswer{}
		return util.DecodeWithError(body, &ans, "getinfo")
	})
	if err != nil {
		return FaceResult{}, err
	}
	if ans.OpenID == "" {
		return FaceResult{}, fmt.Errorf("wechat: face result: answer without openid: %w", ErrRefused)
	}
	return FaceResult{
		OpenID: ans.OpenID, Passed: ans.IdentifyRet == 0, Ret: ans.IdentifyRet,
		IdentifiedAt: unixOrZero(ans.IdentifyTime), FinishedAt: unixOrZero(ans.FinishTime),
		IDNumberMD5: ans.IDCardNumberMD5, NameMD5: ans.NameUTF8MD5,
		ValidateData: ans.ValidateData, UserIDKey: ans.UserIDKey,
	}, nil
}

func unixOrZero(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}
