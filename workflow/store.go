package workflow

import (
	"context"
	"encoding/json"
	"time"
)

// EventRecord is one entry of a case's history: who did what, when, from
// which state to which, why, and the data it carried. Seq equals the case
// version the event produced. Hash and PrevHash are filled by the store,
// which chains every event of a case to the one before it.
type EventRecord struct {
	CaseID   string          `json:"case_id"`
	Seq      int64           `json:"seq"`
	Name     string          `json:"name"`
	Actor    Actor           `json:"actor"`
	At       time.Time       `json:"at"`
	From     Status          `json:"from"`
	To       Status          `json:"to"`
	Reason   string          `json:"reason,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	PrevHash string          `json:"prev_hash,omitempty"`
	Hash     string          `json:"hash,omitempty"`
}

// Idempotency records the answer given to a request carrying an
// Idempotency-Key, so that a retry gets the same answer and changes nothing.
type Idempotency struct {
	Scope       string    `json:"scope"` // who may reuse the key, e.g. "citizen:42"
	Key         string    `json:"key"`
	RequestHash string    `json:"request_hash"`
	Status      int       `json:"status"`
	Response    []byte    `json:"response"`
	CreatedAt   time.Time `json:"created_at"`
}

// Change is one transition made durable: the case after it, the event that
// made it, the effects it asks for and, when the request carried one, its
// idempotency record. A store applies all of it in one transaction or none.
type Change struct {
	Case  Case
	Event EventRecord
	// Earlier are events of a chain that Event ends, oldest first, when one
	// change makes several steps at once (a delivery handed over, its
	// verification started and recorded). Each has the seq after the one
	// before it and Event has Case.Version, so the stored case must be at
	// version Case.Version-len(Earlier)-1.
	Earlier     []EventRecord
	Effects     []Effect
	Idempotency *Idempotency
	// Guard, when set, must still hold as the change is written.
	Guard *Guard
	// DraftLimit, when positive on a new draft, is the most drafts its
	// applicant may keep open. The store counts them in the transaction
	// that writes the draft, serialised per applicant, so parallel requests
	// never pass the limit together; past it the store writes nothing and
	// returns ErrTooManyDrafts.
	DraftLimit int
	// Hold, when set on a new case, is the claim on it its opener takes
	// in the same transaction (counter intake). Only CreateCase takes one.
	Hold *Hold
}

// Hold is a claim on a new case for the member of staff who opened it,
// from At until Until, recorded in the case's staff log as a claim.
type Hold struct {
	StaffID    string
	Department string
	At, Until  time.Time
}

// ErrTooManyDrafts refuses a new draft of an applicant who already keeps
// the limit of open drafts.
var ErrTooManyDrafts = Refuse(ErrConflict, "too_many_drafts", "未提交的草稿过多，请先提交或撤回已有的草稿")

// Guard is what must still hold when a change is written. The store checks
// it in the transaction (on PostgreSQL, the statement) that writes the
// change, so no concurrent hand-over or expiry slips between the check and
// the write; a change whose guard fails writes nothing.
type Guard struct {
	// ClaimedBy is the member of staff whose live claim on the case the
	// change needs.
	ClaimedBy string
	// At is when the claim must still be live.
	At time.Time
}

// ErrClaimRequired refuses a change that needs the caller's claim on the
// case when the caller holds none: never claimed, expired, or handed to
// someone else meanwhile.
var ErrClaimRequired = Refuse(ErrConflict, "claim_required", "请先领取该办件")

// SubmissionPrior is what a submission weighs besides the case: the answer
// stored for its idempotency key (nil when the key is new) and the count
// of the subject's cases marked FalseCommitment.
type SubmissionPrior struct {
	Answer           *Idempotency
	FalseCommitments int64
}

// Store keeps cases durable. Implementations live in models.
type Store interface {
	// CreateCase stores a new case (Version 1). ErrDuplicate if the id or number exists.
	CreateCase(ctx context.Context, ch Change) error
	// ApplyChange stores ch if the stored case still has version ch.Case.Version-1,
	// and returns ErrConflict otherwise.
	ApplyChange(ctx context.Context, ch Change) error
	// GetCase returns the case or ErrNotFound.
	GetCase(ctx context.Context, id string) (Case, error)
	// Events returns a case's history in order.
	Events(ctx context.Context, caseID string) ([]EventRecord, error)
	// Idempotency returns the stored answer for scope and key, or ErrNotFound.
	Idempotency(ctx context.Context, scope, key string) (Idempotency, error)
	// CountFalseCommitments counts the subject's cases marked
	// FalseCommitment (those of its applicant account, and those opened
	// for its identity under any account) that still exclude it at at:
	// revoked at or after since, the subject's credit repair (all of them
	// when since is zero; a repair covers the subject's own cases only),
	// and with no ExcludedUntil at or before at.
	CountFalseCommitments(ctx context.Context, who Subject, since, at time.Time) (int64, error)
	// SubmissionPrior returns in one read the stored answer for scope and
	// key (nil when there is none) and the count of the subject's cases
	// marked FalseCommitment (as CountFalseCommitments, since zero).
	SubmissionPrior(ctx context.Context, who Subject, scope, key string, at time.Time) (SubmissionPrior, error)
	// DueTimers returns up to limit non-terminal cases whose NextTimerAt is set and not after now.
	DueTimers(ctx context.Context, now time.Time, limit int) ([]Case, error)
}

// OutboxState is the delivery state of an outbox entry.
type OutboxState string

// Outbox entry states.
const (
	OutboxPending OutboxState = "pending"
	OutboxDone    OutboxState = "done"
	OutboxDead    OutboxState = "dead"
)

// OutboxEntry is one effect waiting to leave the system. ID doubles as the
// idempotency key the receiving party sees, so a redelivery is recognisable.
type OutboxEntry struct {
	ID        int64           `json:"id"`
	CaseID    string          `json:"case_id"`
	Kind      EffectKind      `json:"kind"`
	Payload   json.RawMessage `json:"payload"`
	State     OutboxState     `json:"state"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	LastError string          `json:"last_error,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// Outbox is the durable queue of effects. Claims are leases, so several
// dispatchers (one per replica) never hold one entry at the same time.
type Outbox interface {
	// Claim leases up to limit pending entries due at now until now+lease.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxEntry, error)
	// Complete marks a claimed entry done.
	Complete(ctx context.Context, id int64, now time.Time) error
	// Retry records a failed attempt and makes the entry due again at next.
	Retry(ctx context.Context, id int64, next time.Time, errMsg string) error
	// Bury parks an entry as dead after its last failed attempt.
	Bury(ctx context.Context, id int64, now time.Time, errMsg string) error
	// Redrive makes a dead entry pending again, due at now.
	Redrive(ctx context.Context, id int64, now time.Time) error
	// List returns entries in a state, newest first, after the given id (0 = from the newest).
	List(ctx context.Context, state OutboxState, beforeID int64, limit int) ([]OutboxEntry, error)
}
