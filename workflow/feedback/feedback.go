// Package feedback is what the citizen hears from us and tells us back:
// the in-app inbox and the channel messages pushed with the subscriber's
// one-time consent, evaluations of completed cases (政务服务“好差评”), the
// invitations to give one and the supervisors' follow-ups of bad ratings.
package feedback

import (
	"context"
	"errors"
	"time"

	"zerovisit/workflow"
)

// InboxMessage is a message in a citizen's in-app inbox.
type InboxMessage struct {
	ID          int64
	PrincipalID string
	CaseID      string
	Template    string
	Title       string
	Body        string
	CreatedAt   time.Time
	ReadAt      time.Time
}

// Delivery states of a push.
const (
	DeliverySending   = "sending"
	DeliverySent      = "sent"
	DeliveryNoConsent = "no_consent"
	DeliveryRefused   = "refused"
)

// Evaluation is an applicant's evaluation (好差评) of a case at one stage:
// the overall satisfaction (整体满意度, 1 to 5 stars on the national five
// levels) and the second-level indicators of the case's service channel.
type Evaluation struct {
	CaseID      string
	Stage       Stage
	PrincipalID string
	PersonID    string
	ItemCode    string
	Department  string
	Stars       int
	Indicators  map[string]int
	Comment     string
	// Channel is where the rating was given; Service how the case was
	// served (online or at a counter), which sets the indicators.
	Channel Medium
	Service Service
	// AcceptedBy and DecidedBy are the staff who served (Handling).
	AcceptedBy string
	DecidedBy  string
	// Excluded marks a rating a reviewer found malicious on the
	// department's appeal (申诉复核): kept, but not counted.
	Excluded  bool
	CreatedAt time.Time
}

// ID is the evaluation's stable identity, the key the provincial system
// deduplicates on.
func (e Evaluation) ID() string { return e.CaseID + ":" + string(e.Stage) }

// Bad reports whether the rating is bad (差评: 不满意 or 非常不满意, 1 or 2
// stars), which opens a follow-up for the department.
func (e Evaluation) Bad() bool { return e.Stars <= 2 }

// Level names the overall rating.
func (e Evaluation) Level() string { return StarLevels[e.Stars-1] }

// FollowupStatus is the state of a follow-up of a bad rating: the step of
// the cycle it has reached.
type FollowupStatus string

// Follow-up states, in the order of the cycle: open (to contact the
// evaluator, 回访), contacted (to verify, 核实), verified (to rectify,
// 整改, or, when the complaint was unfounded, to answer), rectified (to
// tell the evaluator, 反馈), closed. Beside them: appealed (the department
// asked for the rating to be reviewed as malicious, 申诉) and excluded (a
// reviewer agreed).
const (
	FollowupOpen      FollowupStatus = "open"
	FollowupContacted FollowupStatus = "contacted"
	FollowupVerified  FollowupStatus = "verified"
	FollowupRectified FollowupStatus = "rectified"
	FollowupClosed    FollowupStatus = "closed"
	FollowupAppealed  FollowupStatus = "appealed"
	FollowupExcluded  FollowupStatus = "excluded"
)

// Active reports whether a follow-up still waits for a step of the cycle.
func (s FollowupStatus) Active() bool {
	switch s {
	case FollowupOpen, FollowupContacted, FollowupVerified, FollowupRectified:
		return true
	}
	return false
}

// Followup is the department's task to follow a bad rating up (差评整改),
// rectified and answered within 15 working days.
type Followup struct {
	ID         string
	CaseID     string
	Stage      Stage
	Department string
	Stars      int
	Status     FollowupStatus
	// DueAt is when the cycle must be complete (15 working days);
	// StepDueAt when the current step is due. Past it, a supervisor is
	// warned once per step (Escalated names the step warned about).
	DueAt     time.Time
	StepDueAt time.Time
	// Finding is what verification found: founded or unfounded.
	Finding    string
	AppealFrom FollowupStatus
	AppealedBy string
	Escalated  FollowupStatus
	Resolution string
	ClosedBy   string
	CreatedAt  time.Time
	ClosedAt   time.Time
}

// Overdue reports whether an active follow-up is past its due time at now.
func (f Followup) Overdue(now time.Time) bool { return f.Status.Active() && now.After(f.DueAt) }

// StepOverdue reports whether the current step is past its due time.
func (f Followup) StepOverdue(now time.Time) bool {
	return f.Status.Active() && !f.StepDueAt.IsZero() && now.After(f.StepDueAt)
}

// Invitation is an invitation to evaluate a completed case.
type Invitation struct {
	CaseID      string
	PrincipalID string
	DueAt       time.Time
}

// Completed reports whether a case can be evaluated at the result stage:
// it ended, however it ended, after it was submitted.
func Completed(cs workflow.Case) bool { return cs.Status.Terminal() && !cs.SubmittedAt.IsZero() }

// ErrNoConsent means the channel says the user has no consent left for a
// message template (WeChat errcode 43101, Alipay's unsubscribed user).
var ErrNoConsent = errors.New("no subscribe consent left")

// InboxStore keeps messages, consents and pushes (models.Inbox).
type InboxStore interface {
	// Put stores a message; with a non-zero outboxID once per entry.
	Put(ctx context.Context, m InboxMessage, outboxID int64) (InboxMessage, bool, error)
	List(ctx context.Context, principals []string, beforeID int64, limit int, unreadOnly bool) ([]InboxMessage, error)
	Unread(ctx context.Context, principals []string) (int64, error)
	MarkRead(ctx context.Context, principals []string, ids []int64) (int64, error)
	GrantConsents(ctx context.Context, accountID string, templateIDs []string) error
	Consents(ctx context.Context, accountID string) (map[string]int, error)
	UseConsent(ctx context.Context, accountID, templateID string) (bool, error)
	ReturnConsent(ctx context.Context, accountID, templateID string) error
	ClearConsent(ctx context.Context, accountID, templateID string) error
	ClaimDelivery(ctx context.Context, messageID int64, accountID string) (bool, error)
	FinishDelivery(ctx context.Context, messageID int64, accountID, status string) error
	ReleaseDelivery(ctx context.Context, messageID int64, accountID string) error
}

// EvaluationStore keeps evaluations, invitations, follow-ups and one-time
// links (models.Evaluations). A second evaluation of a case at a stage is
// ErrDuplicate, however many arrive at once.
type EvaluationStore interface {
	// Submit stores an evaluation and, for a bad one, its follow-up, in one
	// transaction; with a token hash it also spends that link (ErrNotFound
	// when it is unknown, used or expired at e.CreatedAt).
	Submit(ctx context.Context, e Evaluation, f *Followup, tokenHash string) (Evaluation, *Followup, error)
	Get(ctx context.Context, caseID string, stage Stage) (Evaluation, error)
	ScheduleInvitation(ctx context.Context, caseID, principalID string, dueAt time.Time) error
	ClaimInvitations(ctx context.Context, now time.Time, limit int) ([]Invitation, error)
	// Followups returns up to limit of a department's follow-ups in one
	// state after the key from, earliest due first, then by id.
	Followups(ctx context.Context, department string, status FollowupStatus, from FollowupKey, limit int) ([]Followup, error)
	FollowupOf(ctx context.Context, caseID string, stage Stage) (Followup, error)
	Followup(ctx context.Context, id string) (Followup, error)
	// Advance moves a follow-up from one of the states from to f.Status
	// (with f's due, finding and appeal fields), records the step and
	// audits it in the case's staff log; ErrConflict when it is no longer
	// in one of those states.
	Advance(ctx context.Context, f Followup, from []FollowupStatus, step Step) error
	Steps(ctx context.Context, followupID string) ([]Step, error)
	// Exclude marks the evaluation of a follow-up excluded, with the step.
	Exclude(ctx context.Context, f Followup, step Step) error
	SaveToken(ctx context.Context, t Token) error
	Token(ctx context.Context, hash string) (Token, error)
	// StepsOverdue returns up to limit active follow-ups whose current step
	// is past due at now and not yet escalated for that step.
	StepsOverdue(ctx context.Context, now time.Time, limit int) ([]Followup, error)
	// Escalate records that the supervisor was warned about a follow-up's
	// current step, and queues the warning (warn_supervisor) in the
	// outbox; false when another replica did it first.
	Escalate(ctx context.Context, f Followup, w workflow.WarnSupervisor, at time.Time) (bool, error)
}
