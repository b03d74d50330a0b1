package parcel

import (
	"context"
	"time"
)

// Provider is a courier company the legs are ordered from.
type Provider interface {
	// Name is the provider's short name ("sf", "kuaidi100"), as legs record it.
	Name() string
	// CreateOrder orders a parcel collected from o.Sender and taken to
	// o.Recipient, and subscribes to its route pushes. It is idempotent by
	// o.ID: ordering the same id again returns the same waybill.
	CreateOrder(ctx context.Context, o Order) (Shipment, error)
	// CancelOrder cancels an order whose parcel was not yet picked up.
	CancelOrder(ctx context.Context, s Shipment) error
	// Track returns the parcel's route so far, oldest first.
	Track(ctx context.Context, s Shipment) ([]Event, error)
	// ParsePush checks the signature of a route push as received on our
	// callback (its headers and raw body) and returns its events, with the
	// answer the provider expects. A refused push is a *PushError.
	ParsePush(header map[string][]string, body []byte) (Push, error)
}

// Payer says who pays the postage of an order.
type Payer string

// Payers.
const (
	// PayerAccount: the government's monthly account pays (postage waived).
	PayerAccount Payer = "account"
	// PayerRecipient: the recipient pays on delivery (到付; postage charged).
	PayerRecipient Payer = "recipient"
)

// Contact is one end of a parcel's journey. Name, phone and address of an
// applicant are personal data: String and LogValue mask them.
type Contact struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Company string `json:"company,omitempty"`
	Address string `json:"address"`
}

// Order is a parcel to collect and carry.
type Order struct {
	// ID is our order id (the leg's id): the provider's idempotency key.
	ID        string
	Sender    Contact
	Recipient Contact
	// Cargo says what is carried, without personal data ("材料原件").
	Cargo string
	Payer Payer
	// Remark is printed on the waybill (the case number, never personal data).
	Remark string
	// CallbackURL is where route pushes go, for providers that take it per
	// order; others have it configured once per account.
	CallbackURL string
}

// Shipment is an order the provider accepted.
type Shipment struct {
	Provider string `json:"provider"`
	OrderID  string `json:"order_id"`
	Waybill  string `json:"waybill"`
}

// State is where a parcel is, in the providers' common terms.
type State string

// Parcel states.
const (
	StatePickedUp       State = "picked_up"        // collected from the sender
	StateInTransit      State = "in_transit"       // between depots
	StateOutForDelivery State = "out_for_delivery" // with the courier for delivery
	StateSigned         State = "signed"           // handed over, signed for
	StateFailedAttempt  State = "failed_attempt"   // a delivery attempt failed
	StateRefused        State = "refused"          // the recipient refused it
	StateReturned       State = "returned"         // on its way back to the sender
	StateLost           State = "lost"             // declared lost
	StateUnknown        State = "unknown"          // a code this adapter does not interpret
)

// Event is one point of a parcel's route.
type Event struct {
	Waybill string
	OrderID string // when the provider says
	State   State
	// Code is the provider's own code (SF opCode, Kuaidi100 state).
	Code string
	At   time.Time
	// Place and Note are the provider's words (depot, description).
	Place string
	Note  string
	// Key identifies the event for deduplication: the provider's route id,
	// or a digest of waybill, code and time when it gives none.
	Key string
}

// Push is a verified route push: its events, and the body and content
// type the provider expects as the answer.
type Push struct {
	Events      []Event
	Ack         []byte
	ContentType string
}
