package sandbox

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// FaceOutcome is how a facial recognition check ended.
type FaceOutcome string

// Outcomes of a facial recognition check.
const (
	// FacePassed: the face matched the ID number's photo (identify_ret 0).
	FacePassed FaceOutcome = "passed"
	// FaceFailed: the check ran and the face did not match
	// (identify_ret FaceFailedRet).
	FaceFailed FaceOutcome = "failed"
	// FaceExpired: WeChat no longer keeps the result (errcode 84002).
	FaceExpired FaceOutcome = "expired"
)

// FaceFailedRet is the identify_ret of a failed check: a face that did
// not match the ID number's photo.
const FaceFailedRet = 10004

// ErrBadFaceCheck means a face check could not be minted: an empty openid,
// name or ID number, or an unknown outcome.
var ErrBadFaceCheck = errors.New("wechat sandbox: a face check needs an openid, name, ID number and a known outcome")

// FaceCheck is a facial recognition check the user took in the mini
// program (wx.startFacialRecognitionVerify with name and idCardNumber).
type FaceCheck struct {
	OpenID   string
	Name     string
	IDNumber string
	Outcome  FaceOutcome
}

type faceRecord struct {
	FaceCheck
	identified, finished int64
	code                 string // the digits the user read out
}

// verifyResultPrefix starts every verifyResult the sandbox mints; others
// are malformed (84001) rather than unknown (84003).
const verifyResultPrefix = "vr"

// FaceCheck is the user taking a facial recognition check: it returns the
// verifyResult wx.startFacialRecognitionVerify hands the mini program,
// which the server then looks up at /cityservice/face/identify/getinfo.
func (s *Sandbox) FaceCheck(c FaceCheck) (string, error) {
	switch {
	case c.OpenID == "" || strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.IDNumber) == "":
		return "", ErrBadFaceCheck
	case c.Outcome != FacePassed && c.Outcome != FaceFailed && c.Outcome != FaceExpired:
		return "", fmt.Errorf("%w: outcome %q", ErrBadFaceCheck, c.Outcome)
	}
	now := s.now().Unix()
	vr := verifyResultPrefix + randomHex(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faces[vr] = faceRecord{FaceCheck: c, identified: now - 5, finished: now, code: digits(4)}
	return vr, nil
}

// ExpireFaceChecks makes every face check minted so far expired (84002).
func (s *Sandbox) ExpireFaceChecks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, f := range s.faces {
		f.Outcome = FaceExpired
		s.faces[k] = f
	}
}

// digits returns n random decimal digits, like the numbers a check asks
// the user to read out.
func digits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (s *Sandbox) faceResult(w http.ResponseWriter, r *http.Request) {
	if !s.checkToken(w, r) {
		return
	}
	var in struct {
		VerifyResult string `json:"verify_result"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		wxError(w, 47001, "data format error")
		return
	}
	if !strings.HasPrefix(in.VerifyResult, verifyResultPrefix) {
		wxError(w, 84001, "invalid identify id")
		return
	}
	s.mu.Lock()
	f, ok := s.faces[in.VerifyResult]
	s.mu.Unlock()
	switch {
	case !ok:
		wxError(w, 84003, "user data not exist")
		return
	case f.Outcome == FaceExpired:
		wxError(w, 84002, "user data expired")
		return
	}
	ret := 0
	if f.Outcome == FaceFailed {
		ret = FaceFailedRet
	}
	writeJSON(w, apiAnswer{"errcode": 0, "errmsg": "ok",
		"identify_ret": ret, "identify_time": f.identified, "validate_data": f.code,
		"openid": f.OpenID, "user_id_key": "", "finish_time": f.finished,
		"id_card_number_md5": md5Hex(strings.ToUpper(strings.TrimSpace(f.IDNumber))),
		"name_utf8_md5":      md5Hex(strings.TrimSpace(f.Name)),
	})
}
