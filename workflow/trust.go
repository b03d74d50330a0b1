package workflow

import (
	"time"
)

// CreditStatus is the applicant's standing in the credit library, looked
// up by the caller before submission.
type CreditStatus string

// Credit standings.
const (
	CreditNormal CreditStatus = "normal"
	// CreditRed is a red-list (守信激励) applicant: handled with priority.
	CreditRed CreditStatus = "red"
	// CreditBlack is a joint-punishment target (失信联合惩戒对象): never trusted first.
	CreditBlack CreditStatus = "black"
	// CreditUnknown means the credit library could not be asked: the case
	// takes the ordinary path rather than trusting blindly.
	CreditUnknown CreditStatus = "unknown"
)

// Valid reports whether s is a known standing.
func (s CreditStatus) Valid() bool {
	switch s {
	case CreditNormal, CreditRed, CreditBlack, CreditUnknown:
		return true
	}
	return false
}

// Channel is where an application or signature came from.
type Channel string

// Channels.
const (
	ChannelWeChat  Channel = "wechat"  // WeChat mini program
	ChannelAlipay  Channel = "alipay"  // Alipay mini program
	ChannelWeb     Channel = "web"     // the web portal
	ChannelCounter Channel = "counter" // a clerk at a counter (窗口收件)
)

// Valid reports whether ch is a known channel.
func (ch Channel) Valid() bool {
	switch ch {
	case ChannelWeChat, ChannelAlipay, ChannelWeb, ChannelCounter:
		return true
	}
	return false
}

// Signature is the applicant's signature of a commitment letter. TextHash
// is the catalogue's Commitment.TextHash of the text the applicant was shown, so a signature of
// altered wording is recognisable. Letter, for a signature taken at a
// counter, is the key (hex SHA-256) of the scan of the paper letter the
// applicant signed there: the signature itself, kept with the case, since
// a clerk's word that the applicant signed proves nothing later.
type Signature struct {
	TemplateVersion string    `json:"template_version"`
	TextHash        string    `json:"text_hash"`
	SignedAt        time.Time `json:"signed_at"`
	Channel         Channel   `json:"channel"`
	Letter          string    `json:"letter,omitempty"`
}

// LetterMaterial is the code a case shows the scan of a commitment letter
// signed at a counter under, beside the item's own materials: the letter
// is what the applicant committed to, kept with what they handed in. No
// item may use the code.
const LetterMaterial = "commitment_letter"

// LetterName is how the letter is named to clerks.
const LetterName = "告知承诺书（申请人签字扫描件）"

// Letter is the scan of the case's signed letter as a material, when its
// signature carries one.
func (c Case) Letter() (CaseMaterial, bool) {
	if c.Signature == nil || c.Signature.Letter == "" {
		return CaseMaterial{}, false
	}
	return CaseMaterial{Code: LetterMaterial, Source: SourceUpload, Ref: c.Signature.Letter, ProvidedAt: c.Signature.SignedAt}, true
}

// PathReason says why a case took its path.
type PathReason string

// Path reasons. The first two are the trust-first paths; the rest explain
// why a case took the ordinary path.
const (
	PathTrustFirst           PathReason = "trust_first"
	PathApproveOnCommit      PathReason = "approve_on_commit"
	PathItemOrdinary         PathReason = "item_not_trust_first"
	PathCreditBlack          PathReason = "credit_black"
	PathPriorFalseCommitment PathReason = "prior_false_commitment"
	PathCreditUnknown        PathReason = "credit_unknown"
	PathNotSigned            PathReason = "not_signed"
	PathOutdatedTemplate     PathReason = "outdated_template"
	PathIdentityNotVerified  PathReason = "identity_not_verified"
)

// Note returns the Chinese explanation shown to the applicant and clerks.
func (r PathReason) Note() string {
	switch r {
	case PathTrustFirst:
		return "适用告知承诺制，先行受理，办结后核验"
	case PathApproveOnCommit:
		return "适用告知承诺制，承诺即办"
	case PathItemOrdinary:
		return "该事项未实行告知承诺制，按一般程序办理"
	case PathCreditBlack:
		return "申请人为失信联合惩戒对象，不适用告知承诺制"
	case PathPriorFalseCommitment:
		return "申请人有虚假承诺记录，不适用告知承诺制"
	case PathCreditUnknown:
		return "暂未获取申请人信用信息，按一般程序办理"
	case PathNotSigned:
		return "申请人未签署告知承诺书，按一般程序办理"
	case PathOutdatedTemplate:
		return "所签告知承诺书不是现行版本，按一般程序办理"
	case PathIdentityNotVerified:
		return "申请人尚未核验本人身份（人脸核身或窗口核验），按一般程序办理"
	}
	return ""
}

// TrustDecision is the path a submission takes.
type TrustDecision struct {
	TrustFirst      bool       `json:"trust_first"`
	ApproveOnCommit bool       `json:"approve_on_commit"`
	Reason          PathReason `json:"reason"`
	// Priority flags a red-list applicant for faster handling.
	Priority bool `json:"priority"`
}

// DecideTrust applies the trust-first rules (告知承诺): the item must allow
// it; the applicant must not be a joint-punishment target, must have no
// earlier false commitment and a known credit standing; and must have signed
// the item's current commitment template. Otherwise the ordinary path, with
// the first reason that applies. Handlers may call it to tell an applicant
// the path before submitting; the engine calls it on Submit. It does not
// check the signature's text hash: Submit refuses a mismatch outright.
func DecideTrust(it Item, sig *Signature, credit CreditStatus, priorFalse int64) TrustDecision {
	d := TrustDecision{Priority: credit == CreditRed}
	switch {
	case !it.TrustFirst:
		d.Reason = PathItemOrdinary
	case credit == CreditBlack:
		d.Reason = PathCreditBlack
	case priorFalse > 0:
		d.Reason = PathPriorFalseCommitment
	case credit != CreditNormal && credit != CreditRed:
		d.Reason = PathCreditUnknown
	case sig == nil:
		d.Reason = PathNotSigned
	case sig.TemplateVersion != it.Commitment.TemplateVersion:
		d.Reason = PathOutdatedTemplate
	case it.ApproveOnCommit:
		d.TrustFirst, d.ApproveOnCommit, d.Reason = true, true, PathApproveOnCommit
	default:
		d.TrustFirst, d.Reason = true, PathTrustFirst
	}
	return d
}

// WithAssurance is d for a signer of the given assurance: trust first is
// extended to a verified person only, since a name and an ID number alone
// prove nothing about who signs the commitment. An empty assurance is an
// event from before levels were recorded, decided as it was then.
func (d TrustDecision) WithAssurance(a Assurance) TrustDecision {
	if !d.TrustFirst || a == "" || a.AtLeast(AssuranceVerifiedPerson) {
		return d
	}
	return TrustDecision{Priority: d.Priority, Reason: PathIdentityNotVerified}
}
