package citizen

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zerovisit/workflow"
)

// FaceCheck is a channel's liveness and face check of the person holding
// an account (微信人脸核身, 支付宝实人认证).
type FaceCheck interface {
	// Start prepares a check of the named person for the channel user
	// and returns what the mini program hands to the channel's check:
	// Alipay's certify_id and certify URL (my.startAPVerify); nothing for
	// WeChat, whose mini program passes name and number to
	// wx.startFacialRecognitionVerify itself.
	Start(ctx context.Context, subject, name, idNumber string) (FaceTicket, error)
	// Result asks the channel how a check ended: token is the WeChat
	// verify_result, or the Alipay certify_id. ErrFaceCheckExpired for a
	// token the channel no longer knows or that expired.
	Result(ctx context.Context, token string, want FacePerson) (FaceResult, error)
}

// FaceTicket is what a channel's check starts with.
type FaceTicket struct {
	Token string // Alipay's certify_id
	URL   string // Alipay's certify URL
}

// FacePerson is whom a check must have been of.
type FacePerson struct {
	Subject  string
	Name     string
	IDNumber string
}

// FaceResult is how a channel says a check ended.
type FaceResult struct {
	// Passed is true when the channel matched a live face to the ID
	// photo of the person checked.
	Passed bool
	// SamePerson is true when the check was of the FacePerson asked
	// about: the name and number, and the channel user when the channel
	// names one.
	SamePerson bool
	// FinishedAt is when the check ended, zero when the channel does not say.
	FinishedAt time.Time
	// Pending is true while the user has not finished the check (Alipay
	// answers so until the certification ends or expires).
	Pending bool
}

// ErrProofUsed means a proof's evidence already proved someone.
var ErrProofUsed = fmt.Errorf("%w: the proof was used before", workflow.ErrConflict)

// ErrFaceCheckExpired means the channel no longer knows the check or it expired.
var ErrFaceCheckExpired = errors.New("citizen: face check unknown or expired")

// Sessions ends an account's sessions (its tokens) at once.
type Sessions interface {
	EndSessions(ctx context.Context, accountID string) error
}

// Proof is how a person was proved: the method, who did it (a clerk's id
// for a counter check; empty for the channel's own) and the channel's
// evidence (a digest of the WeChat verify_result, the Alipay certify id),
// which proves once.
type Proof struct {
	Method   workflow.AssuranceMethod
	Actor    string
	Evidence string
}

// Assured is the outcome of a proof of identity: the citizen the account
// belongs to now, and the takeover it caused, if any.
type Assured struct {
	Citizen  Citizen
	Takeover *Takeover
}

// Takeover is an identity taken from an earlier binder by a person who
// proved a higher level: their accounts were detached to a new citizen
// (DetachedCitizenID), the agencies the identity held or granted ended,
// and OpenCases were the cases in the person's name not yet ended then,
// for supervisors to review.
type Takeover struct {
	ID                string
	CitizenID         string
	DetachedCitizenID string
	AccountID         string
	From, To          workflow.Assurance
	Method            workflow.AssuranceMethod
	// Actor is the clerk who checked the ID card, for a counter check.
	Actor            string
	DetachedAccounts []string
	RevokedAgencies  []string
	OpenCases        []string
	At               time.Time
}

// FaceCheckTTL is how long a started check may be finished, and how old
// the channel's result may be.
const FaceCheckTTL = 10 * time.Minute

// FaceStart is what the mini program needs to run a check.
type FaceStart struct {
	CheckID   string
	Channel   workflow.Channel
	Token     string // Alipay certify_id; empty for WeChat
	URL       string // Alipay certify URL; empty for WeChat
	ExpiresAt time.Time
}

// faceCheck is a started check as the cache keeps it.
type faceCheck struct {
	Account  string           `json:"account"`
	Channel  workflow.Channel `json:"channel"`
	Name     string           `json:"name"`
	IDNumber string           `json:"id_number"`
	Token    string           `json:"token,omitempty"`
	Started  time.Time        `json:"started"`
}

func faceCheckKey(id string) string      { return "citizen-face:" + id }
func faceCheckClaimKey(id string) string { return "citizen-face-claim:" + id }

// Refusals of identity checks.
var (
	errFaceUnsupported = workflow.Refuse(workflow.ErrInvalidInput, "face_check_unsupported",
		"当前渠道暂不支持人脸核身，请携带身份证原件到窗口核验")
	errFaceCheckUnknown = workflow.Refuse(workflow.ErrInvalidInput, "face_check_expired",
		"人脸核身已过期或不存在，请重新发起")
	errFaceFailed = workflow.Refuse(workflow.ErrForbidden, "face_check_failed",
		"人脸核身未通过，请确认由本人操作后重试，或携带身份证原件到窗口核验")
	errFaceNotSame = workflow.Refuse(workflow.ErrForbidden, "face_check_mismatch",
		"人脸核身的对象与所填身份不一致")
	errFacePending = workflow.Refuse(workflow.ErrConflict, "face_check_pending",
		"人脸核身尚未完成，请在完成后再查询结果")
	errNeedsBoundCheck = workflow.Refuse(workflow.ErrConflict, "identity_bound_elsewhere",
		"该身份已绑定在其他账号：如非本人绑定，请在微信小程序完成人脸核身，或携带身份证原件到窗口核验找回")
	errHeldAsHigh = workflow.Refuse(workflow.ErrConflict, "identity_bound_elsewhere",
		"该身份已由本人核验并绑定在其他账号，请在原账号“我的—关联账号”中获取关联码后再绑定")
)

// StartFaceCheck begins a liveness and face check of the named person on
// the caller's channel, after the population library confirmed name and
// number. The check is the caller's for FaceCheckTTL.
func (s *Service) StartFaceCheck(ctx context.Context, c Caller, name, idNumber string) (FaceStart, error) {
	faces := s.cfg.Faces[c.Account.Channel]
	if faces == nil {
		return FaceStart{}, errFaceUnsupported
	}
	name, number, err := s.checkPerson(ctx, name, idNumber)
	if err != nil {
		return FaceStart{}, err
	}
	if c.Citizen.Verified() && c.Citizen.IDNumber != number {
		return FaceStart{}, errIdentityBound
	}
	ticket, err := faces.Start(ctx, c.Account.Subject, name, number)
	if err != nil {
		return FaceStart{}, fmt.Errorf("%w: start face check: %w", workflow.ErrUnavailable, err)
	}
	id, err := randomID()
	if err != nil {
		return FaceStart{}, err
	}
	now := s.cfg.Now()
	fc := faceCheck{Account: c.Account.ID, Channel: c.Account.Channel, Name: name, IDNumber: number, Token: ticket.Token, Started: now}
	raw, err := json.Marshal(fc)
	if err != nil {
		return FaceStart{}, err
	}
	if err := s.cfg.Links.Set(ctx, faceCheckKey(id), raw, FaceCheckTTL); err != nil {
		return FaceStart{}, fmt.Errorf("%w: store face check: %w", workflow.ErrUnavailable, err)
	}
	return FaceStart{CheckID: id, Channel: c.Account.Channel, Token: ticket.Token, URL: ticket.URL,
		ExpiresAt: now.Add(FaceCheckTTL)}, nil
}

// FinishFaceCheck asks the channel how the caller's check ended (the
// WeChat mini program hands over its verifyResult; Alipay's certify_id is
// the one the check started with) and, when the channel matched the
// caller's face to the person, records the caller as that verified person.
// Holding the identity at a lower level, an earlier binder loses it: the
// caller takes it over and the earlier binder's sessions end. A check is
// finished once.
func (s *Service) FinishFaceCheck(ctx context.Context, c Caller, checkID, verifyResult string) (Assured, error) {
	fc, err := s.claimFaceCheck(ctx, c, checkID)
	if err != nil {
		return Assured{}, err
	}
	token, method := fc.Token, workflow.MethodAlipayCertify
	if fc.Channel == workflow.ChannelWeChat {
		token, method = verifyResult, workflow.MethodWeChatFace
	}
	if token == "" || len(token) > 512 {
		return Assured{}, invalidField("invalid_verify_result", "缺少人脸核身结果", "verify_result")
	}
	r, err := s.cfg.Faces[fc.Channel].Result(ctx, token, FacePerson{Subject: c.Account.Subject, Name: fc.Name, IDNumber: fc.IDNumber})
	if err == nil && r.Pending || err != nil && !errors.Is(err, ErrFaceCheckExpired) {
		// Not over yet, or the channel could not say: the check may be
		// finished again.
		s.releaseFaceCheck(ctx, checkID)
		if err == nil {
			return Assured{}, errFacePending
		}
		return Assured{}, fmt.Errorf("%w: face check result: %w", workflow.ErrUnavailable, err)
	}
	if refusal := faceRefusal(r, err, fc.Started, s.cfg.Now()); refusal != nil {
		s.spendFaceCheck(ctx, checkID)
		return Assured{}, refusal
	}
	sum := sha256.Sum256([]byte(token))
	a, err := s.assure(ctx, c.Account.ID, fc.Name, fc.IDNumber,
		Proof{Method: method, Evidence: string(fc.Channel) + ":" + hex.EncodeToString(sum[:])})
	var refused *workflow.Refusal
	if err != nil && !errors.As(err, &refused) {
		s.releaseFaceCheck(ctx, checkID) // a store that failed: the passed check may be finished again
		return Assured{}, err
	}
	s.spendFaceCheck(ctx, checkID)
	return a, err
}

// faceRefusal is why a channel's final answer does not prove the person,
// nil when it does.
func faceRefusal(r FaceResult, err error, started, now time.Time) error {
	switch {
	case err != nil: // ErrFaceCheckExpired
		return errFaceCheckUnknown
	case !r.Passed:
		return errFaceFailed
	case !r.SamePerson:
		return errFaceNotSame
	case !r.FinishedAt.IsZero() && (r.FinishedAt.Before(started.Add(-time.Minute)) || now.Sub(r.FinishedAt) > FaceCheckTTL):
		// A result from before this check, or too old: a replayed one.
		return errFaceCheckUnknown
	}
	return nil
}

// claimFaceCheck takes the caller's started check for its one finish.
func (s *Service) claimFaceCheck(ctx context.Context, c Caller, id string) (faceCheck, error) {
	if len(id) != 32 {
		return faceCheck{}, errFaceCheckUnknown
	}
	raw, ok, err := s.cfg.Links.Get(ctx, faceCheckKey(id))
	if err != nil {
		return faceCheck{}, fmt.Errorf("%w: read face check: %w", workflow.ErrUnavailable, err)
	}
	var fc faceCheck
	if !ok || json.Unmarshal(raw, &fc) != nil || fc.Account != c.Account.ID || s.cfg.Faces[fc.Channel] == nil {
		return faceCheck{}, errFaceCheckUnknown
	}
	first, err := s.cfg.Links.Claim(ctx, faceCheckClaimKey(id), FaceCheckTTL)
	if err != nil {
		return faceCheck{}, fmt.Errorf("%w: claim face check: %w", workflow.ErrUnavailable, err)
	}
	if !first {
		return faceCheck{}, errFaceCheckUnknown
	}
	return fc, nil
}

// releaseFaceCheck lets a claimed check be finished again.
func (s *Service) releaseFaceCheck(ctx context.Context, id string) {
	if err := s.cfg.Links.Release(ctx, faceCheckClaimKey(id)); err != nil {
		s.cfg.Log.WarnContext(ctx, "release face check", "err", err)
	}
}

// spendFaceCheck makes a finished check unusable.
func (s *Service) spendFaceCheck(ctx context.Context, id string) {
	if err := s.cfg.Links.Delete(ctx, faceCheckKey(id)); err != nil {
		s.cfg.Log.WarnContext(ctx, "spend face check", "err", err)
	}
}

// assure records a proof of identity and ends the sessions of the
// accounts a takeover detached.
func (s *Service) assure(ctx context.Context, accountID, name, number string, p Proof) (Assured, error) {
	a, err := s.cfg.Store.AssurePerson(ctx, accountID, name, number, p)
	switch {
	case errors.Is(err, ErrProofUsed):
		return Assured{}, errFaceCheckUnknown.Because(err)
	case errors.Is(err, ErrIdentityBound):
		return Assured{}, errIdentityBound.Because(err)
	case errors.Is(err, ErrIdentityElsewhere) && !p.Method.Bound():
		return Assured{}, errNeedsBoundCheck.Because(err)
	case errors.Is(err, ErrIdentityElsewhere):
		return Assured{}, errHeldAsHigh.Because(err)
	case err != nil:
		return Assured{}, err
	}
	if t := a.Takeover; t != nil {
		s.cfg.Log.WarnContext(ctx, "identity taken over", "takeover", t.ID, "citizen", t.CitizenID,
			"detached_citizen", t.DetachedCitizenID, "from", t.From, "to", t.To, "method", t.Method,
			"open_cases", len(t.OpenCases))
		for _, acct := range t.DetachedAccounts {
			if s.cfg.Sessions == nil {
				break
			}
			if err := s.cfg.Sessions.EndSessions(ctx, acct); err != nil {
				// The accounts belong to another citizen already, which
				// every request looks up; the tokens only name them.
				s.cfg.Log.ErrorContext(ctx, "end detached sessions", "account", acct, "err", err)
			}
		}
	}
	return a, nil
}

// Takeovers lists identity takeovers newest first for supervisors, at
// most limit, after the page key an earlier page returned; next is the key
// of the page after this one, empty at the end.
func (s *Service) Takeovers(ctx context.Context, key string, limit int) (ts []Takeover, next string, err error) {
	var (
		before time.Time
		id     string
	)
	if key != "" {
		at, rest, ok := strings.Cut(key, "|")
		if before, err = time.Parse(time.RFC3339Nano, at); !ok || err != nil || rest == "" {
			return nil, "", workflow.ErrBadCursor
		}
		id = rest
	}
	ts, err = s.cfg.Store.Takeovers(ctx, before, id, limit+1)
	if err != nil {
		return nil, "", err
	}
	if len(ts) > limit {
		ts = ts[:limit]
		last := ts[limit-1]
		next = last.At.UTC().Format(time.RFC3339Nano) + "|" + last.ID
	}
	return ts, next, nil
}

func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
