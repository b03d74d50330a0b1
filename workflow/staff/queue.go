package staff

import (
	"time"

	"zerovisit/workflow"
)

// QueueKind picks a queue: the work queue of cases to handle, or the
// verification queue of trust-first cases a clerk verifies on completion.
type QueueKind string

// Queues.
const (
	WorkQueue         QueueKind = "work"
	VerificationQueue QueueKind = "verification"
	// SearchQueue is every case but drafts, in the work queue's order,
	// that a search key selects (Search).
	SearchQueue QueueKind = "search"
)

// QueueStatuses are the states of the cases in the work queue: waiting to be
// accepted, under review, waiting for a correction, in a special procedure,
// and approved with the result still to be sent out.
func QueueStatuses() []workflow.Status {
	return []workflow.Status{workflow.StatusSubmitted, workflow.StatusAccepted, workflow.StatusSupplementRequested,
		workflow.StatusSpecialProcedure, workflow.StatusApproved}
}

// VerificationStatuses are the states of the cases in the verification
// queue: under verification on completion, and a commitment in doubt under
// review or ordered rectified (workflow/breach.go).
func VerificationStatuses() []workflow.Status {
	return []workflow.Status{workflow.StatusVerifying, workflow.StatusCommitmentReview, workflow.StatusRectifying}
}

// Claim filters of a queue.
const (
	ClaimedAny    = ""       // every case
	ClaimedMine   = "mine"   // claimed by QueueQuery.StaffID
	ClaimedFree   = "free"   // not claimed (or the claim lapsed)
	ClaimedOthers = "others" // claimed by someone else
)

// QueueQuery selects a page of a queue. Departments empty means every
// department (administrators); the other filters are optional. Now decides
// which claims are live.
type QueueQuery struct {
	Kind          QueueKind
	Departments   []string
	Status        workflow.Status
	ItemCode      string
	TrustFirst    *bool
	ApplicantType workflow.ApplicantType
	Cards         []workflow.Card
	Claimed       string
	StaffID       string
	Now           time.Time
	Cursor        string
	Limit         int

	// A search: the case number, or the blind index of the applicant's
	// identity (Case.SubjectIndex) or of a citizen applicant's phone.
	Number       string
	SubjectIndex string
	PhoneIndex   string

	// DeadlineIn keeps the cases whose deadline falls in one of the spans
	// (From inclusive, To exclusive); none keeps every case.
	DeadlineIn []TimeSpan
}

// TimeSpan is the time from From (inclusive) to To (exclusive).
type TimeSpan struct{ From, To time.Time }

// QueueEntry is a case in a queue with its live claim, if any.
type QueueEntry struct {
	Case  workflow.Case
	Claim *Claim
}

// QueuePage is a page of a queue in urgency order. NextCursor is empty on
// the last page; Total counts every case the filters select. Names are the
// names of the staff holding the claims of the page, by id, and Applicants
// the applicants' names, masked, by applicant id (both filled by the
// Service, not the store).
type QueuePage struct {
	Items      []QueueEntry
	NextCursor string
	Total      int64
	Names      map[string]string
	Applicants map[string]string
}

// QueueFilter is what a member of staff filters a queue by, as the console
// sends it (in the query string, or the body of a claim-next request).
type QueueFilter struct {
	Item          string `json:"item"`
	State         string `json:"state"`
	TrustFirst    *bool  `json:"trust_first"`
	ApplicantType string `json:"applicant_type"`
	Claimed       string `json:"claimed"`
}

// QueueRequest asks for a page of a queue: the filters, the department an
// administrator picks (ignored for others), and where the page starts.
type QueueRequest struct {
	Kind       QueueKind
	Filter     QueueFilter
	Department string
	Cursor     string
	Limit      int
}

// ClaimNextRequest asks for the most urgent free case of a queue ("work",
// the default, or "verification") that the filters select.
type ClaimNextRequest struct {
	QueueFilter
	Queue string `json:"queue"`
}
