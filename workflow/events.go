package workflow

import "time"

// EventName names an event; it is the Name of the EventRecord it produces.
type EventName string

// Event names.
const (
	EventCreate             EventName = "create" // recorded by Engine.New, not an Event
	EventSubmit             EventName = "submit"
	EventAccept             EventName = "accept"
	EventRequestSupplement  EventName = "request_supplement"
	EventSupplySupplement   EventName = "supply_supplement"
	EventApprove            EventName = "approve"
	EventReject             EventName = "reject"
	EventWithdraw           EventName = "withdraw"
	EventPay                EventName = "pay"
	EventProvideMaterial    EventName = "provide_material"
	EventDispatch           EventName = "dispatch"
	EventDeliver            EventName = "deliver"
	EventStartVerification  EventName = "start_verification"
	EventRecordVerification EventName = "record_verification"
	EventTick               EventName = "tick"
	// Special procedures and transfers between departments (special.go).
	EventStartSpecialProcedure EventName = "start_special_procedure"
	EventEndSpecialProcedure   EventName = "end_special_procedure"
	EventTransfer              EventName = "transfer"
	// Due process for a commitment in doubt (breach.go).
	EventClearBreach        EventName = "clear_breach"
	EventOrderRectification EventName = "order_rectification"
	EventStateCase          EventName = "state_case"
	EventDecideBreach       EventName = "decide_breach"
)

// Meta is what every event carries: who and when. Workflow never reads the
// clock; At is the caller's (the Service fills it when zero).
type Meta struct {
	Actor Actor
	At    time.Time
}

// EventMeta returns m.
func (m Meta) EventMeta() Meta { return m }

// Event is something that happens to a case. Events are passed by value.
// Their JSON (Meta excluded) is the Data of the EventRecord.
type Event interface {
	EventName() EventName
	EventMeta() Meta
	withAt(time.Time) Event
}

// Submit sends a draft in. Credit is the applicant's standing in the credit
// library and History what the library holds of the applicant's false
// commitments; PriorFalseCommitments are the earlier false commitments of
// the person or business this product recorded since their last credit
// repair (Store.CountFalseCommitments; the Service fills it). A
// signature of the item's current commitment template asks for the
// trust-first path; Promised lists non-core materials promised for later,
// allowed only on that path.
type Submit struct {
	Meta                  `json:"-"`
	Signature             *Signature         `json:"signature,omitempty"`
	Materials             []ProvidedMaterial `json:"materials"`
	Promised              []PromisedMaterial `json:"promised,omitempty"`
	Credit                CreditStatus       `json:"credit"`
	History               CreditHistory      `json:"credit_history"`
	PriorFalseCommitments int64              `json:"prior_false_commitments"`
	Delivery              Delivery           `json:"delivery"`
	// Assurance is how sure the product is of the person submitting (the
	// signer: the applicant, or the agent of a business). Trust first and
	// delivery to the door need a verified person. Empty only in events
	// written before levels were recorded, which are replayed as they
	// were decided then.
	Assurance Assurance `json:"assurance,omitempty"`
}

// Accept is a clerk accepting an ordinary-path case (受理); the SLA clock starts.
type Accept struct {
	Meta `json:"-"`
	Note string `json:"note,omitempty"`
}

// RequestSupplement asks the applicant for a correction (补正) and pauses
// the SLA clock until it is supplied.
type RequestSupplement struct {
	Meta  `json:"-"`
	Items []SupplementItem `json:"items"`
	Note  string           `json:"note,omitempty"`
}

// SupplySupplement hands in the requested correction; the clock resumes.
type SupplySupplement struct {
	Meta      `json:"-"`
	Materials []ProvidedMaterial `json:"materials"`
	Note      string             `json:"note,omitempty"`
}

// Approve grants the application.
type Approve struct {
	Meta    `json:"-"`
	Opinion string `json:"opinion,omitempty"`
}

// Reject refuses the application (不予受理 or 不予许可); both a reason and
// its legal basis are required.
type Reject struct {
	Meta       `json:"-"`
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
}

// Withdraw is the applicant taking the application back before a decision.
type Withdraw struct {
	Meta   `json:"-"`
	Reason string `json:"reason,omitempty"`
}

// Pay records the confirmed payment of the case's fees (from a payment
// notification).
type Pay struct {
	Meta      `json:"-"`
	Channel   Channel `json:"channel"`
	TradeNo   string  `json:"trade_no"`
	AmountFen int64   `json:"amount_fen"`
}

// ProvideMaterial hands in a material that was promised (容缺).
type ProvideMaterial struct {
	Meta     `json:"-"`
	Material ProvidedMaterial `json:"material"`
}

// Dispatch sends the approved result out: to a courier for courier
// delivery, or issued electronically / handed over at the counter.
type Dispatch struct {
	Meta `json:"-"`
	Note string `json:"note,omitempty"`
}

// Deliver records that the courier handed the result over. Results are the
// checks of originals the courier made at the door.
type Deliver struct {
	Meta    `json:"-"`
	Waybill string               `json:"waybill,omitempty"`
	Results []VerificationResult `json:"results,omitempty"`
}

// StartVerification starts the verification on completion of a delivered case.
type StartVerification struct {
	Meta `json:"-"`
}

// RecordVerification records checks of originals, by a courier or a clerk.
type RecordVerification struct {
	Meta    `json:"-"`
	Results []VerificationResult `json:"results"`
}

// Tick is the timer looking at a case whose NextTimerAt has come. It
// changes only what is due at At, and fails with ErrNotDue otherwise.
type Tick struct {
	Meta `json:"-"`
}

// EventName returns the event's name.
func (Submit) EventName() EventName { return EventSubmit }

// EventName returns the event's name.
func (Accept) EventName() EventName { return EventAccept }

// EventName returns the event's name.
func (RequestSupplement) EventName() EventName { return EventRequestSupplement }

// EventName returns the event's name.
func (SupplySupplement) EventName() EventName { return EventSupplySupplement }

// EventName returns the event's name.
func (Approve) EventName() EventName { return EventApprove }

// EventName returns the event's name.
func (Reject) EventName() EventName { return EventReject }

// EventName returns the event's name.
func (Withdraw) EventName() EventName { return EventWithdraw }

// EventName returns the event's name.
func (Pay) EventName() EventName { return EventPay }

// EventName returns the event's name.
func (ProvideMaterial) EventName() EventName { return EventProvideMaterial }

// EventName returns the event's name.
func (Dispatch) EventName() EventName { return EventDispatch }

// EventName returns the event's name.
func (Deliver) EventName() EventName { return EventDeliver }

// EventName returns the event's name.
func (StartVerification) EventName() EventName { return EventStartVerification }

// EventName returns the event's name.
func (RecordVerification) EventName() EventName { return EventRecordVerification }

// EventName returns the event's name.
func (Tick) EventName() EventName { return EventTick }

func (e Submit) withAt(t time.Time) Event             { e.At = t; return e }
func (e Accept) withAt(t time.Time) Event             { e.At = t; return e }
func (e RequestSupplement) withAt(t time.Time) Event  { e.At = t; return e }
func (e SupplySupplement) withAt(t time.Time) Event   { e.At = t; return e }
func (e Approve) withAt(t time.Time) Event            { e.At = t; return e }
func (e Reject) withAt(t time.Time) Event             { e.At = t; return e }
func (e Withdraw) withAt(t time.Time) Event           { e.At = t; return e }
func (e Pay) withAt(t time.Time) Event                { e.At = t; return e }
func (e ProvideMaterial) withAt(t time.Time) Event    { e.At = t; return e }
func (e Dispatch) withAt(t time.Time) Event           { e.At = t; return e }
func (e Deliver) withAt(t time.Time) Event            { e.At = t; return e }
func (e StartVerification) withAt(t time.Time) Event  { e.At = t; return e }
func (e RecordVerification) withAt(t time.Time) Event { e.At = t; return e }
func (e Tick) withAt(t time.Time) Event               { e.At = t; return e }

// EventNames lists the names of every Event type, in lifecycle order
// (EventCreate excluded).
func EventNames() []EventName {
	return []EventName{
		EventSubmit, EventAccept, EventRequestSupplement, EventSupplySupplement,
		EventApprove, EventReject, EventWithdraw, EventPay, EventProvideMaterial,
		EventDispatch, EventDeliver, EventStartVerification, EventRecordVerification,
		EventTick, EventStartSpecialProcedure, EventEndSpecialProcedure, EventTransfer,
		EventCollectOriginals, EventDeliveryFailed,
		EventClearBreach, EventOrderRectification, EventStateCase, EventDecideBreach,
	}
}
