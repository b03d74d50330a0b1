package staff

import (
	"time"

	"zerovisit/workflow"
)

// Alert is a yellow or red card the workflow raised on a case, as the
// supervisors' feed shows it.
type Alert struct {
	OutboxID   int64         `json:"outbox_id"`
	CaseID     string        `json:"case_id"`
	Number     string        `json:"number"`
	Department string        `json:"department"`
	Card       workflow.Card `json:"card"`
	Reason     string        `json:"reason"`
	Deadline   time.Time     `json:"deadline,omitzero"`
	CreatedAt  time.Time     `json:"created_at"`
}

// Workload is how many carded cases of a department a member of staff holds
// (StaffID empty: nobody holds them). StaffName is filled by the Service.
type Workload struct {
	Department string `json:"department"`
	StaffID    string `json:"staff_id"`
	StaffName  string `json:"staff_name"`
	Red        int64  `json:"red"`
	Yellow     int64  `json:"yellow"`
}

// StatsQuery asks for the statistics of some departments (all when empty)
// over the period [From, To). Calendar counts working days.
type StatsQuery struct {
	Departments []string
	From, To    time.Time
	Calendar    *workflow.Calendar
}

// DepartmentStats are one department's figures for a period. Received
// counts submissions; Accepted acceptances (受理, trust-first submissions
// included); Decided approvals and rejections, OnTime those taken by the
// deadline; AvgWorkingDays the mean working days from acceptance to
// decision; ZeroVisit and TrustFirst the received cases applied online with
// no counter visit for the result, and taken on the trust-first path;
// VerificationFailures the decisions revoked because verification failed.
// ClockDays and ClockCases are the working days and the decisions that
// AvgWorkingDays averages.
type DepartmentStats struct {
	Department           string   `json:"department"`
	Received             int64    `json:"received"`
	Accepted             int64    `json:"accepted"`
	Decided              int64    `json:"decided"`
	Approved             int64    `json:"approved"`
	Rejected             int64    `json:"rejected"`
	OnTime               int64    `json:"on_time"`
	OnTimeShare          *float64 `json:"on_time_share"`
	AvgWorkingDays       *float64 `json:"avg_working_days"`
	ZeroVisit            int64    `json:"zero_visit"`
	ZeroVisitShare       *float64 `json:"zero_visit_share"`
	TrustFirst           int64    `json:"trust_first"`
	TrustFirstShare      *float64 `json:"trust_first_share"`
	VerificationFailures int64    `json:"verification_failures"`
	Evaluations          int64    `json:"evaluations"`

	ClockDays  int `json:"-"`
	ClockCases int `json:"-"`
}

// Add counts o's figures into d (the shares are not added: Finish them).
func (d *DepartmentStats) Add(o DepartmentStats) {
	d.Received += o.Received
	d.Accepted += o.Accepted
	d.Decided += o.Decided
	d.Approved += o.Approved
	d.Rejected += o.Rejected
	d.OnTime += o.OnTime
	d.ZeroVisit += o.ZeroVisit
	d.TrustFirst += o.TrustFirst
	d.VerificationFailures += o.VerificationFailures
	d.Evaluations += o.Evaluations
	d.ClockDays += o.ClockDays
	d.ClockCases += o.ClockCases
}

// Ratio is a/b, or nil when b is 0: a share of nothing is no share (the
// console shows "—", never "0%").
func Ratio(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// Finish computes the shares and the average from the counts.
func (d *DepartmentStats) Finish() {
	ratio := Ratio
	d.OnTimeShare = ratio(d.OnTime, d.Decided)
	d.ZeroVisitShare = ratio(d.ZeroVisit, d.Received)
	d.TrustFirstShare = ratio(d.TrustFirst, d.Received)
	d.AvgWorkingDays = ratio(int64(d.ClockDays), int64(d.ClockCases))
}

// Tally counts the decisions of a clerk or an item: Decided approvals and
// rejections, OnTime those taken by the deadline, AvgWorkingDays the mean
// working days from acceptance to decision (nil when none was decided).
type Tally struct {
	Decided        int64    `json:"decided"`
	Approved       int64    `json:"approved"`
	Rejected       int64    `json:"rejected"`
	OnTime         int64    `json:"on_time"`
	OnTimeShare    *float64 `json:"on_time_share"`
	AvgWorkingDays *float64 `json:"avg_working_days"`

	ClockDays  int `json:"-"`
	ClockCases int `json:"-"`
}

// Count adds one decision to the tally; days < 0 when its clock is unknown.
func (t *Tally) Count(approved, onTime bool, days int) {
	t.Decided++
	if approved {
		t.Approved++
	} else {
		t.Rejected++
	}
	if onTime {
		t.OnTime++
	}
	if days >= 0 {
		t.ClockDays += days
		t.ClockCases++
	}
}

// Finish computes the share and the average from the counts.
func (t *Tally) Finish() {
	t.OnTimeShare = Ratio(t.OnTime, t.Decided)
	t.AvgWorkingDays = Ratio(int64(t.ClockDays), int64(t.ClockCases))
}

// ClerkStats are the decisions a member of staff took in the period.
// StaffName is filled by the Service.
type ClerkStats struct {
	StaffID    string `json:"staff_id"`
	StaffName  string `json:"staff_name"`
	Department string `json:"department"`
	Tally
}

// ItemStats are the figures of one item (事项) in the period: Received
// submissions and the decisions.
type ItemStats struct {
	ItemCode   string `json:"item_code"`
	ItemName   string `json:"item_name"`
	Department string `json:"department"`
	Received   int64  `json:"received"`
	Tally
}

// DayStats are the submissions and decisions of one day (China Standard Time).
type DayStats struct {
	Date     string `json:"date"`
	Received int64  `json:"received"`
	Decided  int64  `json:"decided"`
}

// Stats are the figures of a period by department, their total and the
// daily series. EvaluationsAvailable is false while the evaluation records
// (好差评) cannot be read; Evaluations are then 0. Clerks are the decisions
// by who took them, Items the figures by item.
type Stats struct {
	From                 time.Time         `json:"from"`
	To                   time.Time         `json:"to"`
	Departments          []DepartmentStats `json:"departments"`
	Total                DepartmentStats   `json:"total"`
	Clerks               []ClerkStats      `json:"clerks"`
	Items                []ItemStats       `json:"items"`
	Daily                []DayStats        `json:"daily"`
	EvaluationsAvailable bool              `json:"evaluations_available"`
}
