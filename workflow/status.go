package workflow

import "fmt"

// Status is the state of a case in its lifecycle.
type Status string

// Case states. See docs/workflow.md for the lifecycle.
const (
	StatusDraft               Status = "draft"
	StatusSubmitted           Status = "submitted"
	StatusAccepted            Status = "accepted"
	StatusSupplementRequested Status = "supplement_requested"
	StatusSpecialProcedure    Status = "special_procedure"
	StatusApproved            Status = "approved"
	StatusRejected            Status = "rejected"
	StatusDelivering          Status = "delivering"
	StatusDelivered           Status = "delivered"
	StatusVerifying           Status = "verifying"
	// A commitment in doubt (breach.go): under a clerk's review, then
	// ordered rectified within a period.
	StatusCommitmentReview Status = "commitment_review"
	StatusRectifying       Status = "rectifying"
	StatusClosed           Status = "closed"
	StatusRevoked          Status = "revoked"
	StatusWithdrawn        Status = "withdrawn"
)

// Statuses lists every state, in lifecycle order.
func Statuses() []Status {
	return []Status{
		StatusDraft, StatusSubmitted, StatusAccepted, StatusSupplementRequested,
		StatusSpecialProcedure, StatusApproved, StatusRejected, StatusDelivering, StatusDelivered,
		StatusVerifying, StatusCommitmentReview, StatusRectifying, StatusClosed, StatusRevoked, StatusWithdrawn,
	}
}

// ParseStatus checks that s names a state.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses() {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("%w: unknown status %q", ErrInvalidInput, s)
}

// Terminal reports whether no event can move a case out of s
// (timers and the outbox may still act on it).
func (s Status) Terminal() bool {
	switch s {
	case StatusRejected, StatusClosed, StatusRevoked, StatusWithdrawn:
		return true
	}
	return false
}
