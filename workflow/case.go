package workflow

import "time"

// ActorKind says what kind of party caused an event.
type ActorKind string

// Actor kinds.
const (
	ActorCitizen    ActorKind = "citizen"
	ActorClerk      ActorKind = "clerk"
	ActorCourier    ActorKind = "courier"
	ActorDepartment ActorKind = "department"
	ActorSystem     ActorKind = "system"
)

// Actor is who caused an event. ID is an opaque account id, never personal data.
type Actor struct {
	Kind ActorKind `json:"kind"`
	ID   string    `json:"id"`
}

// Card is the electronic-supervision flag of a case.
type Card string

// Supervision cards: yellow before the deadline, red when overdue.
const (
	CardNone   Card = ""
	CardYellow Card = "yellow"
	CardRed    Card = "red"
)

// Case is one application (办件) as the workflow sees it. The fields up to
// UpdatedAt are the ones stores index; the store keeps the whole struct as a
// document beside them, so fields added later need no schema change.
type Case struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	ItemCode    string `json:"item_code"`
	Department  string `json:"department"`
	ApplicantID string `json:"applicant_id"`
	Status      Status `json:"status"`
	Version     int64  `json:"version"`
	TrustFirst  bool   `json:"trust_first"`
	// FalseCommitment marks a case revoked because a clerk found its
	// commitment false (breach.go); such an applicant is not trusted first
	// again until a credit repair.
	FalseCommitment bool      `json:"false_commitment"`
	Card            Card      `json:"card"`
	Deadline        time.Time `json:"deadline,omitzero"`
	// NextTimerAt is the next moment a timer must look at the case
	// (a card threshold, a promised material or a verification falling due);
	// zero when no timer is pending.
	NextTimerAt time.Time `json:"next_timer_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// SubjectIndex is the blind index of the identity a sanction follows
	// (SubjectIndexOf), set when the case is opened; empty for a case
	// opened without one. It lives in its own column, not in the document
	// or any answer.
	SubjectIndex string `json:"-"`
	// ExcludedUntil is when the exclusion from trust first that the case's
	// false commitment brings ends by itself (ExclusionEnd of the terms'
	// ExclusionMonths); zero while there is none, or when only a credit
	// repair ends it. Stores index it beside FalseCommitment.
	ExcludedUntil time.Time `json:"excluded_until,omitzero"`

	// The fields below live only in the stored document.

	Channel Channel `json:"channel,omitempty"`
	// Assurance is how sure the product was of the person who submitted
	// the case (身份核验等级), as the Submit recorded it.
	Assurance Assurance `json:"assurance,omitempty"`
	// ApplicantType says whether the applicant is a natural person or a
	// business; empty counts as a person.
	ApplicantType ApplicantType `json:"applicant_type,omitempty"`
	// Terms are the item's terms as they stood when the case was submitted;
	// later catalogue edits do not change a case in flight.
	Terms Terms `json:"terms"`
	// Credit is the applicant's standing at submission.
	Credit CreditStatus `json:"credit,omitempty"`
	// Priority flags a red-list applicant for faster handling.
	Priority bool `json:"priority,omitempty"`
	// PathReason says why the case took the trust-first or the ordinary path;
	// PathNote is the same in Chinese for applicants and clerks.
	PathReason   PathReason         `json:"path_reason,omitempty"`
	PathNote     string             `json:"path_note,omitempty"`
	Signature    *Signature         `json:"signature,omitempty"`
	Delivery     Delivery           `json:"delivery,omitzero"`
	Materials    []CaseMaterial     `json:"materials,omitempty"`
	Supplement   *SupplementRequest `json:"supplement,omitempty"`
	Special      *SpecialProcedure  `json:"special,omitempty"` // the latest special procedure (特别程序)
	SLA          SLA                `json:"sla,omitzero"`
	Payment      *Payment           `json:"payment,omitempty"`
	Decision     *Decision          `json:"decision,omitempty"`
	Verification Verification       `json:"verification,omitzero"`
	// Breach is the latest commitment in doubt and its due process
	// (breach.go); it stays on the case once settled.
	Breach *Breach `json:"breach,omitempty"`
	// Originals is the collection of the originals by courier, for items
	// that need them before a decision (courier.go).
	Originals *Originals `json:"originals,omitempty"`
	// Ending says how and why the case reached a terminal state.
	Ending      *Ending   `json:"ending,omitempty"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// Reported is the last version and status reported to the provincial
	// platform: what it should hold once the outbox has delivered. The
	// reconciler compares the platform against this, not the current
	// version, since not every change is reported (a card, say).
	Reported *ReportedState `json:"reported,omitempty"`
}

// ReportedState is a version of a case reported to the provincial platform.
type ReportedState struct {
	Version int64     `json:"version"`
	Status  Status    `json:"status"`
	At      time.Time `json:"at"`
}

// Terms are the parts of an item a case keeps for its whole life.
type Terms struct {
	ItemName             string   `json:"item_name"`
	DepartmentName       string   `json:"department_name"`
	LegalDays            int      `json:"legal_days"`
	PromisedDays         int      `json:"promised_days"`
	YellowDays           int      `json:"yellow_days"`
	SupplementDays       int      `json:"supplement_days"`
	VerifyDays           int      `json:"verify_days"`
	FeeFen               int64    `json:"fee_fen,omitempty"`
	ResultLicence        string   `json:"result_licence,omitempty"`
	NeedsOriginalsPickup bool     `json:"needs_originals_pickup,omitempty"`
	CommitmentVersion    string   `json:"commitment_version,omitempty"`
	VerifyMaterials      []string `json:"verify_materials,omitempty"`
	// ImplCode, BasicCode and ItemVersion are the item's national codes
	// and version (实施编码, 基本编码, 事项版本) the case was opened under;
	// empty in cases opened before items carried them.
	ImplCode    string `json:"impl_code,omitempty"`
	BasicCode   string `json:"basic_code,omitempty"`
	ItemVersion int    `json:"item_version,omitempty"`
	// ExclusionMonths is the item's exclusion period when the case was
	// opened: a false commitment is sanctioned under the terms the
	// applicant committed under, whatever the catalogue says later.
	ExclusionMonths int `json:"exclusion_months,omitempty"`
}

func termsOf(it Item) Terms {
	t := Terms{
		ItemName:             it.Name,
		DepartmentName:       it.DepartmentName,
		LegalDays:            it.LegalDays,
		PromisedDays:         it.PromisedDays,
		YellowDays:           it.YellowDays,
		SupplementDays:       it.SupplementDays,
		VerifyDays:           it.VerifyDays,
		FeeFen:               it.FeeFen(),
		ResultLicence:        it.ResultLicence,
		NeedsOriginalsPickup: it.NeedsOriginalsPickup,
		CommitmentVersion:    it.Commitment.TemplateVersion,
		ImplCode:             it.ImplCode,
		BasicCode:            it.BasicCode,
		ItemVersion:          it.Version,
		ExclusionMonths:      it.ExclusionMonths,
	}
	for _, m := range it.Materials {
		if m.VerifyOnCompletion {
			t.VerifyMaterials = append(t.VerifyMaterials, m.Code)
		}
	}
	return t
}

// Delivery is the applicant's choice of how to receive the result.
// AddressRef points at the address kept encrypted by the store; the case
// itself holds no personal data.
type Delivery struct {
	Method     DeliveryMethod `json:"method"`
	AddressRef string         `json:"address_ref,omitempty"`
}

// SupplementItem is one thing a correction request (补正) asks for:
// a material of the item, or (Material empty) something described in Reason.
type SupplementItem struct {
	Material string `json:"material,omitempty"`
	Reason   string `json:"reason"`
}

// SupplementRequest is the latest correction request. It is pending while
// SuppliedAt is zero; Round counts the requests of the case.
type SupplementRequest struct {
	Round       int              `json:"round"`
	Items       []SupplementItem `json:"items"`
	Note        string           `json:"note,omitempty"`
	By          Actor            `json:"by"`
	RequestedAt time.Time        `json:"requested_at"`
	DueAt       time.Time        `json:"due_at"`
	SuppliedAt  time.Time        `json:"supplied_at,omitzero"`
}

// Payment is the confirmed payment of the case's fees.
type Payment struct {
	Channel   Channel   `json:"channel"`
	TradeNo   string    `json:"trade_no"`
	AmountFen int64     `json:"amount_fen"`
	PaidAt    time.Time `json:"paid_at"`
}

// Decision is the approval or rejection of a case.
type Decision struct {
	Approved   bool      `json:"approved"`
	Opinion    string    `json:"opinion,omitempty"`
	LegalBasis string    `json:"legal_basis,omitempty"`
	By         Actor     `json:"by"`
	At         time.Time `json:"at"`
}

// EndCode says why a case reached its terminal state.
type EndCode string

// End codes.
const (
	EndClosed             EndCode = "closed"              // 办结
	EndRejected           EndCode = "rejected"            // 不予许可 / 不予受理
	EndWithdrawn          EndCode = "withdrawn"           // 申请人撤回
	EndSupplementOverdue  EndCode = "supplement_overdue"  // 逾期未补正，视为撤回
	EndPromiseOverdue     EndCode = "promise_overdue"     // 容缺材料逾期未补齐，终止办理
	EndPromiseUnkept      EndCode = "promise_unkept"      // 未履行承诺，撤销审批决定
	EndVerificationFailed EndCode = "verification_failed" // 核验不通过，承诺不实，撤销审批决定
)

// Ending is how and why a case ended. Reason is Chinese, for the applicant.
type Ending struct {
	Code   EndCode   `json:"code"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}
