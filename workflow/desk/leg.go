package desk

import (
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/parcel"
)

// Kind is what a leg carries, and which way.
type Kind string

// Leg kinds.
const (
	// KindPickup carries originals from the applicant to the department.
	KindPickup Kind = "pickup"
	// KindDelivery carries the result from the department to the applicant.
	KindDelivery Kind = "delivery"
	// KindReturn carries a result that was not handed over back to the department.
	KindReturn Kind = "return"
)

// Status is where a leg's parcel is.
type Status string

// Leg states. Delivered, refused, undeliverable, lost and cancelled end a leg.
const (
	StatusOrdering       Status = "ordering" // recorded; the provider's order not placed yet
	StatusOrdered        Status = "ordered"  // waybill assigned; waiting for pickup
	StatusPickedUp       Status = "picked_up"
	StatusInTransit      Status = "in_transit"
	StatusOutForDelivery Status = "out_for_delivery"
	StatusDelivered      Status = "delivered"
	StatusRefused        Status = "refused"
	StatusUndeliverable  Status = "undeliverable"
	StatusLost           Status = "lost"
	StatusCancelled      Status = "cancelled"
)

// Terminal reports whether s ends a leg.
func (s Status) Terminal() bool {
	switch s {
	case StatusDelivered, StatusRefused, StatusUndeliverable, StatusLost, StatusCancelled:
		return true
	}
	return false
}

// rank orders the states a parcel moves through; a report of an earlier
// state than the leg's (a push out of order) does not move it back.
func (s Status) rank() int {
	switch s {
	case StatusOrdering:
		return 0
	case StatusOrdered:
		return 1
	case StatusPickedUp:
		return 2
	case StatusInTransit:
		return 3
	case StatusOutForDelivery:
		return 4
	}
	return 5
}

// failure is the workflow's reason for a leg that ended without doing its job.
func (s Status) failure() (workflow.LegFailure, bool) {
	switch s {
	case StatusRefused:
		return workflow.LegRefused, true
	case StatusUndeliverable:
		return workflow.LegUndeliverable, true
	case StatusLost:
		return workflow.LegLost, true
	}
	return "", false
}

// Leg is one courier journey of a case.
type Leg struct {
	ID string `json:"id"`
	// SourceKey is what created the leg ("outbox:<entry id>", "return:<leg
	// id>"): one leg per source, however often the source is delivered.
	SourceKey   string `json:"source_key"`
	Kind        Kind   `json:"kind"`
	CaseID      string `json:"case_id"`
	CaseNumber  string `json:"case_number"`
	ApplicantID string `json:"applicant_id"`
	Department  string `json:"department"`
	ItemCode    string `json:"item_code"`
	Provider    string `json:"provider"`
	Waybill     string `json:"waybill,omitempty"`
	Status      Status `json:"status"`
	// Attempts counts failed delivery attempts.
	Attempts int `json:"attempts,omitempty"`
	// CourierID is our courier who has the leg (the first to scan it).
	CourierID string `json:"courier_id,omitempty"`
	// Materials are the originals to collect (pickup) or to check at the
	// door (delivery of a trust-first result).
	Materials []string `json:"materials,omitempty"`
	// Party is the applicant's end of the leg (sender of a pickup,
	// recipient of a delivery or return): a parcel.Contact sealed as JSON.
	Party string `json:"party"`
	// PostageFen is what the applicant pays on delivery; zero when waived.
	PostageFen int64        `json:"postage_fen,omitempty"`
	Payer      parcel.Payer `json:"payer"`
	// ParentID is the delivery leg a return leg brings back.
	ParentID string     `json:"parent_id,omitempty"`
	Door     *DoorCheck `json:"door,omitempty"`
	// LastActor made the leg's latest change.
	LastActor workflow.Actor `json:"last_actor"`
	// SyncedVersion is the version last mirrored onto the case.
	SyncedVersion int64     `json:"synced_version"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// MovedAt is the last time the parcel was seen moving.
	MovedAt    time.Time `json:"moved_at"`
	PickedUpAt time.Time `json:"picked_up_at,omitzero"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
}

// Shipment is the leg's order at its provider.
func (l Leg) Shipment() parcel.Shipment {
	return parcel.Shipment{Provider: l.Provider, OrderID: l.ID, Waybill: l.Waybill}
}

// DoorCheck is the check a courier made at the door before handing over a
// result: the recipient's identity (matched against the applicant by blind
// index; the number itself is not kept) and each original, with a photo.
type DoorCheck struct {
	CourierID       string        `json:"courier_id"`
	ScanID          string        `json:"scan_id"`
	At              time.Time     `json:"at"`
	IdentityMatched bool          `json:"identity_matched"`
	Results         []CheckResult `json:"results,omitempty"`
}

// Failed returns the first failed check.
func (d *DoorCheck) Failed() (CheckResult, bool) {
	if d == nil {
		return CheckResult{}, false
	}
	for _, r := range d.Results {
		if !r.Passed {
			return r, true
		}
	}
	return CheckResult{}, false
}

// CheckResult is the check of one original at the door.
type CheckResult struct {
	Material string `json:"material"`
	Passed   bool   `json:"passed"`
	Note     string `json:"note,omitempty"`
	PhotoKey string `json:"photo_key"`
	PhotoSM3 string `json:"photo_sm3"`
}

// Evidence is what the case records of the check: the photo's SM3 digest.
func (r CheckResult) Evidence() string { return "photo:sm3:" + r.PhotoSM3 }

// Track is one input that reached a leg: a route point from the provider,
// a courier's scan, or the sweep's own finding. Source and Key identify it;
// the same input again is recognised and changes nothing.
type Track struct {
	LegID  string `json:"leg_id"`
	Source string `json:"source"` // provider name, "courier" or "system"
	Key    string `json:"key"`
	// RequestHash identifies a scan's content, so a scan id reused for
	// another scan is refused.
	RequestHash string         `json:"request_hash,omitempty"`
	State       parcel.State   `json:"state"`
	Code        string         `json:"code,omitempty"`
	At          time.Time      `json:"at"`
	Actor       workflow.Actor `json:"actor"`
	Note        string         `json:"note,omitempty"`
	// Applied says whether the input changed the leg.
	Applied bool `json:"applied"`
	// Result is the answer given to a scan, replayed to a resend.
	Result     []byte    `json:"result,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
}

// Photo is a picture a courier took of an original at the door.
type Photo struct {
	LegID       string    `json:"leg_id"`
	Key         string    `json:"key"` // the blob store's key (SHA-256)
	SM3         string    `json:"sm3"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	CourierID   string    `json:"courier_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// Courier is an account of our courier app.
type Courier struct {
	ID string `json:"id"`
	// Name and Phone are sealed; PhoneIndex is the phone's blind index, by
	// which a courier signs in.
	Name         string `json:"name"`
	Phone        string `json:"phone"`
	PhoneIndex   string `json:"phone_index"`
	PasswordHash string `json:"-"`
	Company      string `json:"company"`
	// Provider is the courier company's adapter (sf, kuaidi100): the
	// courier sees and takes only that provider's unassigned legs. Empty
	// for accounts that predate it: every provider's.
	Provider  string    `json:"provider"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}
