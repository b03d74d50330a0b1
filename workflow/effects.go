package workflow

import (
	"encoding/json"
	"fmt"
	"time"
)

// Effect kinds. They are stored in the outbox: never rename one.
const (
	KindNotifyApplicant       EffectKind = "notify_applicant"
	KindOrderCourierPickup    EffectKind = "order_courier_pickup"
	KindOrderCourierDelivery  EffectKind = "order_courier_delivery"
	KindReportProvince        EffectKind = "report_province"
	KindPushDepartment        EffectKind = "push_department"
	KindIssueLicence          EffectKind = "issue_licence"
	KindRevokeLicence         EffectKind = "revoke_licence"
	KindRecordFalseCommitment EffectKind = "record_false_commitment"
	KindRefundFee             EffectKind = "refund_fee"
	KindWarnSupervisor        EffectKind = "warn_supervisor"
)

// EffectKinds lists every effect kind DecodeEffect knows.
func EffectKinds() []EffectKind {
	return []EffectKind{
		KindNotifyApplicant, KindOrderCourierPickup, KindOrderCourierDelivery,
		KindReportProvince, KindPushDepartment, KindIssueLicence, KindRevokeLicence,
		KindRecordFalseCommitment, KindRefundFee, KindWarnSupervisor,
		KindReportEvaluation,
	}
}

// Notification templates. The notifier maps each to a WeChat / Alipay
// subscribe-message template and its Chinese wording.
const (
	TplSubmitted           = "case_submitted"
	TplAccepted            = "case_accepted"
	TplSupplementRequested = "supplement_requested"
	TplApproved            = "case_approved"
	TplRejected            = "case_rejected"
	TplWithdrawn           = "case_withdrawn"
	TplResultDispatched    = "result_dispatched"
	TplResultIssued        = "result_issued"
	TplResultDelivered     = "result_delivered"
	TplClosed              = "case_closed"
	TplRevoked             = "case_revoked"
	// Due process (breach.go).
	TplCommitmentReview     = "commitment_review"
	TplRectificationOrdered = "rectification_ordered"
	TplCommitmentCleared    = "commitment_cleared"
	TplPromiseReminder      = "promise_reminder"
	// TplSpecialProcedure tells the applicant in writing which special
	// procedure (特别程序) the case needs and how long it may take.
	TplSpecialProcedure = "special_procedure"
)

// NotifyApplicant sends the applicant a message from a template.
type NotifyApplicant struct {
	CaseID      string            `json:"case_id"`
	Number      string            `json:"number"`
	ApplicantID string            `json:"applicant_id"`
	Template    string            `json:"template"`
	Params      map[string]string `json:"params,omitempty"`
}

// OrderCourierPickup orders a courier to collect the listed originals from
// the applicant (材料收取).
type OrderCourierPickup struct {
	CaseID      string   `json:"case_id"`
	Number      string   `json:"number"`
	ApplicantID string   `json:"applicant_id"`
	Department  string   `json:"department"`
	AddressRef  string   `json:"address_ref"`
	Materials   []string `json:"materials,omitempty"`
}

// OrderCourierDelivery orders a courier to deliver the result (结果送达).
// Checklist names the originals the courier checks at the door.
type OrderCourierDelivery struct {
	CaseID      string   `json:"case_id"`
	Number      string   `json:"number"`
	ApplicantID string   `json:"applicant_id"`
	Department  string   `json:"department"`
	AddressRef  string   `json:"address_ref"`
	Checklist   []string `json:"checklist,omitempty"`
}

// ReportProvince reports the case to the provincial platform. The platform
// is idempotent by Number and DataVersion (the case version); the latest
// version wins.
type ReportProvince struct {
	CaseID      string    `json:"case_id"`
	Number      string    `json:"number"`
	ItemCode    string    `json:"item_code"`
	Department  string    `json:"department"`
	DataVersion int64     `json:"data_version"`
	Status      Status    `json:"status"`
	At          time.Time `json:"at"`
}

// PushDepartment pushes the case to the department's own system.
type PushDepartment struct {
	CaseID     string `json:"case_id"`
	Number     string `json:"number"`
	ItemCode   string `json:"item_code"`
	Department string `json:"department"`
	Version    int64  `json:"version"`
	Status     Status `json:"status"`
}

// IssueLicence writes the result licence into the e-license library, in
// the name of the case's department (whose key signs it).
type IssueLicence struct {
	CaseID      string `json:"case_id"`
	Number      string `json:"number"`
	ItemCode    string `json:"item_code"`
	Department  string `json:"department,omitempty"`
	LicenceType string `json:"licence_type"`
	HolderID    string `json:"holder_id"`
}

// RevokeLicence withdraws the result licence from the e-license library.
type RevokeLicence struct {
	CaseID      string `json:"case_id"`
	Number      string `json:"number"`
	ItemCode    string `json:"item_code"`
	LicenceType string `json:"licence_type"`
	HolderID    string `json:"holder_id"`
	Reason      string `json:"reason"`
}

// RecordFalseCommitment writes a false or unkept commitment into the credit
// library.
type RecordFalseCommitment struct {
	CaseID      string    `json:"case_id"`
	Number      string    `json:"number"`
	ApplicantID string    `json:"applicant_id"`
	ItemCode    string    `json:"item_code"`
	Department  string    `json:"department"`
	Code        string    `json:"code"`
	Reason      string    `json:"reason"`
	At          time.Time `json:"at"`
	// ExcludedUntil is when the record stops barring trust first by
	// itself (Case.ExcludedUntil); zero: until a credit repair.
	ExcludedUntil time.Time `json:"excluded_until,omitzero"`
}

// RefundFee refunds a paid fee through the channel it was paid by.
type RefundFee struct {
	CaseID    string  `json:"case_id"`
	Number    string  `json:"number"`
	Channel   Channel `json:"channel"`
	TradeNo   string  `json:"trade_no"`
	AmountFen int64   `json:"amount_fen"`
}

// WarnSupervisor raises an electronic-supervision warning (yellow card
// before the deadline, red card when overdue or a verification is late).
type WarnSupervisor struct {
	CaseID     string    `json:"case_id"`
	Number     string    `json:"number"`
	Department string    `json:"department"`
	Card       Card      `json:"card"`
	Deadline   time.Time `json:"deadline,omitzero"`
	Reason     string    `json:"reason"`
}

// EffectKind returns KindNotifyApplicant.
func (NotifyApplicant) EffectKind() EffectKind { return KindNotifyApplicant }

// EffectKind returns KindOrderCourierPickup.
func (OrderCourierPickup) EffectKind() EffectKind { return KindOrderCourierPickup }

// EffectKind returns KindOrderCourierDelivery.
func (OrderCourierDelivery) EffectKind() EffectKind { return KindOrderCourierDelivery }

// EffectKind returns KindReportProvince.
func (ReportProvince) EffectKind() EffectKind { return KindReportProvince }

// EffectKind returns KindPushDepartment.
func (PushDepartment) EffectKind() EffectKind { return KindPushDepartment }

// EffectKind returns KindIssueLicence.
func (IssueLicence) EffectKind() EffectKind { return KindIssueLicence }

// EffectKind returns KindRevokeLicence.
func (RevokeLicence) EffectKind() EffectKind { return KindRevokeLicence }

// EffectKind returns KindRecordFalseCommitment.
func (RecordFalseCommitment) EffectKind() EffectKind { return KindRecordFalseCommitment }

// EffectKind returns KindRefundFee.
func (RefundFee) EffectKind() EffectKind { return KindRefundFee }

// EffectKind returns KindWarnSupervisor.
func (WarnSupervisor) EffectKind() EffectKind { return KindWarnSupervisor }

// DecodeEffect turns an outbox entry's kind and JSON payload back into the
// effect value (not a pointer) that produced it.
func DecodeEffect(kind EffectKind, payload []byte) (Effect, error) {
	switch kind {
	case KindNotifyApplicant:
		return decodeEffect[NotifyApplicant](kind, payload)
	case KindOrderCourierPickup:
		return decodeEffect[OrderCourierPickup](kind, payload)
	case KindOrderCourierDelivery:
		return decodeEffect[OrderCourierDelivery](kind, payload)
	case KindReportProvince:
		return decodeEffect[ReportProvince](kind, payload)
	case KindPushDepartment:
		return decodeEffect[PushDepartment](kind, payload)
	case KindIssueLicence:
		return decodeEffect[IssueLicence](kind, payload)
	case KindRevokeLicence:
		return decodeEffect[RevokeLicence](kind, payload)
	case KindRecordFalseCommitment:
		return decodeEffect[RecordFalseCommitment](kind, payload)
	case KindRefundFee:
		return decodeEffect[RefundFee](kind, payload)
	case KindWarnSupervisor:
		return decodeEffect[WarnSupervisor](kind, payload)
	case KindReportEvaluation:
		return decodeEffect[ReportEvaluation](kind, payload)
	}
	return nil, fmt.Errorf("decode effect: %w: unknown kind %q", ErrInvalidInput, kind)
}

func decodeEffect[T Effect](kind EffectKind, payload []byte) (Effect, error) {
	var v T
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, fmt.Errorf("decode effect %s: %w: %v", kind, ErrInvalidInput, err)
	}
	return v, nil
}
