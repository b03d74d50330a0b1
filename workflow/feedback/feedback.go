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

// Evaluation is a citizen's evaluation (好差评) of a completed case: 1 to 5
// stars overall and per indicator of the national set.
type Evaluation struct {
	CaseID      string
	PrincipalID string
	PersonID    string
	ItemCode    string
	Department  string
	Stars       int
	Indicators  map[string]int
	Comment     string
	Channel     workflow.Channel
	CreatedAt   time.Time
}

// Bad reports whether the rating is bad (差评: 1 or 2 stars), which opens a
// follow-up for the supervisor.
func (e Evaluation) Bad() bool { return e.Stars <= 2 }

// Level names the overall rating.
func (e Evaluation) Level() string { return StarLevels[e.Stars-1] }

// FollowupStatus is the state of a follow-up of a bad rating.
type FollowupStatus string

// Follow-up states.
const (
	FollowupOpen   FollowupStatus = "open"
	FollowupClosed FollowupStatus = "closed"
)

// Followup is a supervisor's task to look into a bad rating (差评整改),
// due within 15 working days.
type Followup struct {
	ID         string
	CaseID     string
	Department string
	Stars      int
	Status     FollowupStatus
	DueAt      time.Time
	Resolution string
	ClosedBy   string
	CreatedAt  time.Time
	ClosedAt   time.Time
}

// Overdue reports whether an open follow-up is past its due time at now.
func (f Followup) Overdue(now time.Time) bool { return f.Status == FollowupOpen && now.After(f.DueAt) }

// Invitation is an invitation to evaluate a completed case.
type Invitation struct {
	CaseID      string
	PrincipalID string
	DueAt       time.Time
}

// Indicator is one indicator of the national evaluation set, rated 1 to 5
// like the overall rating.
type Indicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Indicators is the indicator set every evaluation may rate.
var Indicators = []Indicator{
	{"guide", "办事指南清晰准确"},
	{"materials", "申请材料精简"},
	{"process", "办理流程便捷"},
	{"timeliness", "办理时限"},
	{"attitude", "服务态度"},
	{"channel", "线上渠道好用"},
	{"result", "办理结果"},
}

// StarLevels names the five ratings, from 1 to 5 stars.
var StarLevels = []string{"非常不满意", "不满意", "基本满意", "满意", "非常满意"}

// Completed reports whether a case in status s can be evaluated.
func Completed(s workflow.Status) bool {
	return s == workflow.StatusClosed || s == workflow.StatusRejected
}

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

// EvaluationStore keeps evaluations, invitations and follow-ups
// (models.Evaluations). A second evaluation of a case is ErrDuplicate.
type EvaluationStore interface {
	Submit(ctx context.Context, e Evaluation, followupDue time.Time) (Evaluation, *Followup, error)
	Get(ctx context.Context, caseID string) (Evaluation, error)
	ScheduleInvitation(ctx context.Context, caseID, principalID string, dueAt time.Time) error
	ClaimInvitations(ctx context.Context, now time.Time, limit int) ([]Invitation, error)
	// Followups returns up to limit of a department's follow-ups in one
	// state after the key from, earliest due first, then by id.
	Followups(ctx context.Context, department string, status FollowupStatus, from FollowupKey, limit int) ([]Followup, error)
	FollowupOfCase(ctx context.Context, caseID string) (Followup, error)
	CloseFollowup(ctx context.Context, id, resolution, by string) error
}
