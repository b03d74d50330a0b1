package workflow

// Assurance is how sure the product is that an applicant is the person
// they say they are (身份核验等级). Levels are ordered: each proves more
// than the one before it.
type Assurance string

// Assurance levels.
const (
	// AssuranceAccount is a channel account only: someone signed in to
	// the WeChat or Alipay mini program (渠道账号).
	AssuranceAccount Assurance = "channel_account"
	// AssuranceRealName is a name and ID number the population library
	// confirmed belong together (姓名与身份证号码核验). It proves only that
	// someone knows them.
	AssuranceRealName Assurance = "real_name"
	// AssuranceVerifiedPerson is the person themselves: a liveness and face
	// check by the channel (微信人脸核身, 支付宝实人认证) or a clerk's check of
	// the physical ID card at a counter (窗口核验身份证原件).
	AssuranceVerifiedPerson Assurance = "verified_person"
)

// Valid reports whether a is a known level.
func (a Assurance) Valid() bool { return a.rank() > 0 }

func (a Assurance) rank() int {
	switch a {
	case AssuranceAccount:
		return 1
	case AssuranceRealName:
		return 2
	case AssuranceVerifiedPerson:
		return 3
	}
	return 0
}

// AtLeast reports whether a proves at least as much as b.
func (a Assurance) AtLeast(b Assurance) bool { return a.rank() >= b.rank() && a.rank() > 0 }

// Above reports whether a proves more than b.
func (a Assurance) Above(b Assurance) bool { return a.rank() > b.rank() }

// Note is the level in the words a citizen or clerk reads.
func (a Assurance) Note() string {
	switch a {
	case AssuranceAccount:
		return "已登录渠道账号，未实名"
	case AssuranceRealName:
		return "已实名（姓名与身份证号码已核验）"
	case AssuranceVerifiedPerson:
		return "已核验本人（人脸核身或窗口核验身份证原件）"
	}
	return ""
}

// AssuranceMethod is how a person was verified.
type AssuranceMethod string

// Ways of verifying a person.
const (
	MethodPopulationLibrary AssuranceMethod = "population_library" // 人口库核验姓名与身份证号码
	MethodWeChatFace        AssuranceMethod = "wechat_face"        // 微信人脸核身
	MethodAlipayCertify     AssuranceMethod = "alipay_certify"     // 支付宝实人认证
	MethodCounterIDCard     AssuranceMethod = "counter_id_card"    // 窗口核验身份证原件
)

// Valid reports whether m is a known method.
func (m AssuranceMethod) Valid() bool {
	switch m {
	case MethodPopulationLibrary, MethodWeChatFace, MethodAlipayCertify, MethodCounterIDCard:
		return true
	}
	return false
}

// Bound reports whether a check by m is bound to the holder of the
// account: WeChat's check runs in the user's own mini program session and
// names its openid, a clerk sees the person. Alipay's certification is
// started for a name and number and its result names no user, so its link
// could be passed to someone else: it may bind an identity nobody holds,
// never take one over, and a bound check takes over from it.
func (m AssuranceMethod) Bound() bool { return m == MethodWeChatFace || m == MethodCounterIDCard }

// Outranks reports whether a proof by m at level takes an identity over
// from a holder at held, assured by heldBy.
func (m AssuranceMethod) Outranks(held Assurance, heldBy AssuranceMethod) bool {
	level := m.Level()
	switch {
	case !m.Bound():
		return false
	case level.Above(held):
		return true
	}
	return level == held && !heldBy.Bound()
}

// Level is the assurance a method gives.
func (m AssuranceMethod) Level() Assurance {
	switch m {
	case MethodPopulationLibrary:
		return AssuranceRealName
	case MethodWeChatFace, MethodAlipayCertify, MethodCounterIDCard:
		return AssuranceVerifiedPerson
	}
	return ""
}

// ErrVerifiedPersonRequired refuses a step that needs the person
// themselves (trust-first acceptance is a path, not a refusal: see
// PathIdentityNotVerified).
var ErrVerifiedPersonRequired = Refuse(ErrForbidden, "verified_person_required",
	"此项业务须先核验本人身份：请在小程序完成人脸核身，或携带身份证原件到窗口核验")
