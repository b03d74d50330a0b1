package staff

import (
	"encoding/json"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// Claim is who works a case until when (领取). A claim past ExpiresAt is
// free by definition: the next claim takes it over.
type Claim struct {
	CaseID     string    `json:"case_id"`
	StaffID    string    `json:"staff_id"`
	Department string    `json:"department"`
	ClaimedAt  time.Time `json:"claimed_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// ClaimHeldError is a claim refused because someone else holds the case.
type ClaimHeldError struct {
	Holder Claim
}

func (e *ClaimHeldError) Error() string {
	return fmt.Sprintf("case %s is held by %s until %s", e.Holder.CaseID, e.Holder.StaffID, e.Holder.ExpiresAt.Format(time.RFC3339))
}

// Unwrap makes a held claim a conflict.
func (e *ClaimHeldError) Unwrap() error { return workflow.ErrConflict }

// ErrNotHolder means the caller does not hold a live claim on the case.
var ErrNotHolder = fmt.Errorf("%w: not the holder of the case", workflow.ErrConflict)

// Action names an entry of the staff log.
type Action string

// Staff actions recorded beside the workflow's own history. They change who
// works on a case, never the case itself.
const (
	// ActionClaim: a member of staff took the case (领取).
	ActionClaim Action = "claim"
	// ActionRelease: the holder gave the case back to the queue.
	ActionRelease Action = "release"
	// ActionHandOver: the holder handed the case to another clerk, with a reason.
	ActionHandOver Action = "hand_over"
	// ActionReassign: a supervisor gave the case to a clerk (or back to the
	// queue), whoever held it.
	ActionReassign Action = "reassign"
	// Reads of personal data: the applicant's full ID number or phone
	// revealed, a door photo opened, a notice printed.
	ActionRevealApplicant Action = "reveal_applicant"
	ActionReadDoorPhoto   Action = "read_door_photo"
	ActionPrintNotice     Action = "print_notice"
)

// LogEntry is one audited staff action on a case. Entries of a case are
// chained like case events: Hash = HMAC-SM3, under the audit key, over
// PrevHash and the entry.
type LogEntry struct {
	CaseID   string          `json:"case_id"`
	Seq      int64           `json:"seq"`
	Action   Action          `json:"action"`
	StaffID  string          `json:"staff_id"`
	At       time.Time       `json:"at"`
	Data     json.RawMessage `json:"data,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}
