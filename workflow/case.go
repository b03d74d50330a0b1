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
	// FalseCommitment marks a case revoked because its commitment proved false;
	// such an applicant is never trusted first again.
	FalseCommitment bool      `json:"false_commitment"`
	Card            Card      `json:"card"`
	Deadline        time.Time `json:"deadline,omitzero"`
	// NextTimerAt is the next moment a timer must look at the case
	// (a card threshold, a promised material or a verification falling due);
	// zero when no timer is pending.
	NextTimerAt time.Time `json:"next_timer_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}
