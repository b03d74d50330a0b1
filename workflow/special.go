package workflow

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ApplicantType is whether the applicant is a natural person or a business.
type ApplicantType string

// Applicant types. A case opened without one counts as a person's.
const (
	ApplicantPerson   ApplicantType = "person"
	ApplicantBusiness ApplicantType = "business"
)

// Valid reports whether t is empty or a known applicant type.
func (t ApplicantType) Valid() bool {
	return t == "" || t == ApplicantPerson || t == ApplicantBusiness
}

// ProcedureKind is a special procedure (特别程序) whose time the law does
// not count against the time limit (《行政许可法》第四十五条).
type ProcedureKind string

// Special procedures.
const (
	ProcedureHearing      ProcedureKind = "hearing"           // 听证
	ProcedureExpertReview ProcedureKind = "expert_review"     // 专家评审
	ProcedureInspection   ProcedureKind = "onsite_inspection" // 现场核查、检验检测
)

// ProcedureKinds lists the special procedures.
func ProcedureKinds() []ProcedureKind {
	return []ProcedureKind{ProcedureHearing, ProcedureExpertReview, ProcedureInspection}
}

// Name returns the procedure's Chinese name.
func (k ProcedureKind) Name() string {
	switch k {
	case ProcedureHearing:
		return "听证"
	case ProcedureExpertReview:
		return "专家评审"
	case ProcedureInspection:
		return "现场核查"
	}
	return ""
}

// MaxDays is the most working days the city allows the procedure to pause
// a case: a hearing is held within 20 days of being asked for
// (《行政许可法》第四十七条); expert reviews and inspections are bounded by
// policy so that no case is parked without end.
func (k ProcedureKind) MaxDays() int {
	switch k {
	case ProcedureHearing:
		return 20
	case ProcedureExpertReview:
		return 30
	case ProcedureInspection:
		return 10
	}
	return 0
}

// maxNote bounds the free text a clerk writes into an event.
const maxNote = 500

// SpecialProcedure is a special procedure of a case: what, why, by whom,
// when it started and when it is planned to end; EndedAt and Outcome are
// set when it ends. Round counts the procedures of the case.
type SpecialProcedure struct {
	Round     int           `json:"round"`
	Kind      ProcedureKind `json:"kind"`
	Reason    string        `json:"reason"`
	Days      int           `json:"days"`
	By        Actor         `json:"by"`
	StartedAt time.Time     `json:"started_at"`
	DueAt     time.Time     `json:"due_at"`
	EndedAt   time.Time     `json:"ended_at,omitzero"`
	Outcome   string        `json:"outcome,omitempty"`
}

// StartSpecialProcedure puts an accepted case through a special procedure
// and pauses the SLA clock; Days is the working days it is expected to take,
// which the applicant is told in writing.
type StartSpecialProcedure struct {
	Meta   `json:"-"`
	Kind   ProcedureKind `json:"kind"`
	Reason string        `json:"reason"`
	Days   int           `json:"days"`
}

// EndSpecialProcedure ends the special procedure with its outcome; the case
// is back under review and the clock resumes.
type EndSpecialProcedure struct {
	Meta    `json:"-"`
	Outcome string `json:"outcome"`
}

// Transfer hands an undecided case to another department (转办), with the
// reason. The case joins that department's queue and is pushed to it.
type Transfer struct {
	Meta       `json:"-"`
	Department string `json:"department"`
	Reason     string `json:"reason"`
}

// EventName returns the event's name.
func (StartSpecialProcedure) EventName() EventName { return EventStartSpecialProcedure }

// EventName returns the event's name.
func (EndSpecialProcedure) EventName() EventName { return EventEndSpecialProcedure }

// EventName returns the event's name.
func (Transfer) EventName() EventName { return EventTransfer }

func (e StartSpecialProcedure) withAt(t time.Time) Event { e.At = t; return e }
func (e EndSpecialProcedure) withAt(t time.Time) Event   { e.At = t; return e }
func (e Transfer) withAt(t time.Time) Event              { e.At = t; return e }

// checkText requires a non-empty text of at most maxNote characters.
func checkText(field, value, missing string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(value)); {
	case n == 0:
		return invalid(field, "is empty", missing)
	case n > maxNote:
		return invalid(field, fmt.Sprintf("is longer than %d characters", maxNote), "内容过长，请控制在"+strconv.Itoa(maxNote)+"字以内")
	}
	return nil
}

// startSpecialProcedure pauses the clock for a special procedure and tells
// the applicant which, why and for how long.
func startSpecialProcedure(s *step, ev StartSpecialProcedure) error {
	limit := ev.Kind.MaxDays()
	switch {
	case limit == 0:
		return invalid("kind", fmt.Sprintf("unknown procedure %q", ev.Kind), "特别程序类型不正确")
	case ev.Days < 1 || ev.Days > limit:
		return invalid("days", fmt.Sprintf("must be 1 to %d working days", limit),
			fmt.Sprintf("%s所需时间应为1至%d个工作日", ev.Kind.Name(), limit))
	}
	if err := checkText("reason", ev.Reason, "请说明启动特别程序的理由"); err != nil {
		return err
	}
	c := s.c
	round := 1
	if c.Special != nil {
		round = c.Special.Round + 1
	}
	due := s.e.cal.AddWorkingDays(s.at, ev.Days)
	c.Special = &SpecialProcedure{
		Round: round, Kind: ev.Kind, Reason: ev.Reason, Days: ev.Days,
		By: s.actor, StartedAt: s.at, DueAt: due,
	}
	c.SLA = c.SLA.Pause(s.at, "special:"+string(ev.Kind))
	s.to = StatusSpecialProcedure
	s.reason = string(ev.Kind)
	s.notify(TplSpecialProcedure, map[string]string{
		"procedure": ev.Kind.Name(), "days": strconv.Itoa(ev.Days), "due": DateOf(due).String(),
	})
	return nil
}

// endSpecialProcedure records the outcome and resumes the clock, moving the
// deadline by the working days the procedure took.
func endSpecialProcedure(s *step, ev EndSpecialProcedure) error {
	if err := checkText("outcome", ev.Outcome, "请填写特别程序的结论"); err != nil {
		return err
	}
	c := s.c
	c.Special.EndedAt, c.Special.Outcome = s.at, ev.Outcome
	c.SLA = c.SLA.Resume(s.e.cal, s.at)
	s.to = StatusAccepted
	s.reason = ev.Outcome
	return nil
}

// transfer moves an undecided case to another department of the catalogue.
func transfer(s *step, ev Transfer) error {
	c := s.c
	if err := checkText("reason", ev.Reason, "请说明转办理由"); err != nil {
		return err
	}
	switch {
	case ev.Department == c.Department:
		return invalid("department", "the case is already with that department", "办件已在该部门")
	case !slices.ContainsFunc(s.e.cat.Departments(), func(d Department) bool { return d.Code == ev.Department }):
		return invalid("department", fmt.Sprintf("unknown department %q", ev.Department), "转办部门不存在")
	}
	c.Department = ev.Department
	s.reason = ev.Reason
	if s.from != StatusSubmitted {
		// The receiving department's system learns of the case, as at acceptance.
		s.push()
	}
	return nil
}
