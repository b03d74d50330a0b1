package feedback

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zerovisit/workflow"
)

// Working days of the bad-rating cycle, counted on the case calendar from
// the rating. 国办发〔2019〕51号: a bad rating is verified and rectified
// “原则上不超过15个工作日”, and the evaluator is told the outcome; the
// provincial rules add a visit-back to every bad rating (回访率100%). The
// shorter steps are this product's: contact within 2 working days, verify
// within 5, and a reviewer answers an appeal within 5.
const (
	followupWorkingDays = 15
	contactWorkingDays  = 2
	verifyWorkingDays   = 5
	reviewWorkingDays   = 5
)

// StepName names a step of the cycle, as recorded and audited.
type StepName string

// Steps.
const (
	StepContact  StepName = "contact"  // 回访: the department reached the evaluator
	StepVerify   StepName = "verify"   // 核实: what it found (founded / unfounded)
	StepRectify  StepName = "rectify"  // 整改: what it changed
	StepFeedback StepName = "feedback" // 反馈: what it told the evaluator; the cycle ends
	StepAppeal   StepName = "appeal"   // 申诉: the department says the rating is malicious
	StepExclude  StepName = "exclude"  // 复核: a reviewer agreed; the rating is not counted
	StepUphold   StepName = "uphold"   // 复核: a reviewer disagreed; the cycle goes on
)

// Findings of verification.
const (
	FindingFounded   = "founded"   // 情况属实
	FindingUnfounded = "unfounded" // 情况不属实
)

// Step is one recorded step of a follow-up.
type Step struct {
	Seq     int       `json:"seq"`
	Name    StepName  `json:"step"`
	StaffID string    `json:"staff_id"`
	Note    string    `json:"note"`
	At      time.Time `json:"at"`
}

// StepRequest is a member of staff taking a step of a follow-up.
type StepRequest struct {
	Step    StepName `json:"step"`
	Note    string   `json:"note"`
	Finding string   `json:"finding,omitempty"`
}

// openFollowup is the follow-up a bad rating opens at now: the evaluator
// is to be contacted first.
func (s *Evaluations) openFollowup(e Evaluation, now time.Time) *Followup {
	return &Followup{ID: newID(), CaseID: e.CaseID, Stage: e.Stage, Department: e.Department, Stars: e.Stars,
		Status: FollowupOpen, DueAt: s.days(now, followupWorkingDays), StepDueAt: s.days(now, contactWorkingDays), CreatedAt: now}
}

func (s *Evaluations) days(from time.Time, n int) time.Time {
	return s.cfg.Calendar.AddWorkingDays(from, n)
}

// Followup returns a follow-up by id, or by case id for the result stage,
// when the caller oversees its department (departments nil: all).
func (s *Evaluations) Followup(ctx context.Context, id string, departments []string) (Followup, []Step, error) {
	f, err := s.cfg.Store.Followup(ctx, id)
	if errors.Is(err, workflow.ErrNotFound) {
		f, err = s.cfg.Store.FollowupOf(ctx, id, StageResult)
	}
	if errors.Is(err, workflow.ErrNotFound) {
		return Followup{}, nil, workflow.Refuse(workflow.ErrNotFound, "followup_not_found", "差评整改任务不存在")
	}
	if err != nil {
		return Followup{}, nil, err
	}
	if departments != nil && !slices.Contains(departments, f.Department) {
		return Followup{}, nil, workflow.Refuse(workflow.ErrForbidden, "other_department", "无权处理其他部门的差评整改任务")
	}
	steps, err := s.cfg.Store.Steps(ctx, f.ID)
	return f, steps, err
}

// TakeStep records a step of the cycle by a member of staff (by) of the
// department; the steps come in order: contact, verify, rectify (only
// when the complaint was founded), feedback. Appeals and reviews have
// their own calls.
func (s *Evaluations) TakeStep(ctx context.Context, id string, departments []string, by string, req StepRequest) (Followup, error) {
	note := strings.TrimSpace(req.Note)
	if note == "" || utf8.RuneCountInString(note) > maxResolution {
		return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请填写情况说明（不超过1000字）").
			WithDetail(map[string]string{"field": "note"})
	}
	f, _, err := s.Followup(ctx, id, departments)
	if err != nil {
		return Followup{}, err
	}
	now := s.cfg.Now()
	var from []FollowupStatus
	switch req.Step {
	case StepContact:
		from, f.Status, f.StepDueAt = []FollowupStatus{FollowupOpen}, FollowupContacted, s.days(f.CreatedAt, verifyWorkingDays)
	case StepVerify:
		if req.Finding != FindingFounded && req.Finding != FindingUnfounded {
			return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "核实结论须为 founded（属实）或 unfounded（不属实）").
				WithDetail(map[string]string{"field": "finding"})
		}
		from, f.Status, f.Finding, f.StepDueAt = []FollowupStatus{FollowupContacted}, FollowupVerified, req.Finding, f.DueAt
	case StepRectify:
		if f.Finding == FindingUnfounded {
			return Followup{}, workflow.Refuse(workflow.ErrConflict, "nothing_to_rectify", "核实不属实的差评无需整改，请直接反馈评价人")
		}
		from, f.Status, f.StepDueAt = []FollowupStatus{FollowupVerified}, FollowupRectified, f.DueAt
	case StepFeedback:
		from = []FollowupStatus{FollowupRectified}
		if f.Finding == FindingUnfounded {
			from = []FollowupStatus{FollowupVerified}
		}
		f.Status, f.Resolution, f.ClosedBy, f.ClosedAt, f.StepDueAt = FollowupClosed, note, by, now, time.Time{}
	default:
		return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_step", "整改环节须为 contact、verify、rectify 或 feedback").
			WithDetail(map[string]string{"field": "step"})
	}
	return s.advance(ctx, f, from, Step{Name: req.Step, StaffID: by, Note: note, At: now})
}

// advance stores a step, refusing one taken out of order.
func (s *Evaluations) advance(ctx context.Context, f Followup, from []FollowupStatus, st Step) (Followup, error) {
	err := s.cfg.Store.Advance(ctx, f, from, st)
	if errors.Is(err, workflow.ErrConflict) {
		return Followup{}, workflow.Refuse(workflow.ErrConflict, "step_out_of_order", "差评整改须依次回访、核实、整改、反馈；该环节现在不能办理").Because(err)
	}
	return f, err
}

// CloseFollowup is the last step (反馈): what the department told the
// evaluator. It needs the earlier steps done.
func (s *Evaluations) CloseFollowup(ctx context.Context, id string, departments []string, resolution, by string) (Followup, error) {
	return s.TakeStep(ctx, id, departments, by, StepRequest{Step: StepFeedback, Note: resolution})
}

// Appeal is the department asking a reviewer to exclude a bad rating as
// malicious (恶意差评申诉), with its reasons; the cycle waits for the review.
func (s *Evaluations) Appeal(ctx context.Context, id string, departments []string, by, reason string) (Followup, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 5 || utf8.RuneCountInString(reason) > maxResolution {
		return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请写明申诉理由（5至1000字）").
			WithDetail(map[string]string{"field": "reason"})
	}
	f, _, err := s.Followup(ctx, id, departments)
	if err != nil {
		return Followup{}, err
	}
	if !f.Status.Active() {
		return Followup{}, workflow.Refuse(workflow.ErrConflict, "not_appealable", "该差评已办结或已在申诉中，不能申诉")
	}
	if f.AppealedBy != "" {
		// One appeal per rating: an upheld rating cannot be stalled by
		// appealing it again.
		return Followup{}, workflow.Refuse(workflow.ErrConflict, "already_appealed", "该差评已申诉并经复核维持，不能再次申诉")
	}
	now := s.cfg.Now()
	from := f.Status
	f.AppealFrom, f.AppealedBy, f.Status, f.StepDueAt = from, by, FollowupAppealed, s.days(now, reviewWorkingDays)
	return s.advance(ctx, f, []FollowupStatus{from}, Step{Name: StepAppeal, StaffID: by, Note: reason, At: now})
}

// Review is a reviewer's decision on an appeal: exclude the rating (it no
// longer counts, the cycle ends) or uphold it (the cycle resumes where it
// was). The appellant cannot review their own appeal.
func (s *Evaluations) Review(ctx context.Context, id string, departments []string, by string, exclude bool, note string) (Followup, error) {
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > maxResolution {
		return Followup{}, workflow.Refuse(workflow.ErrInvalidInput, "invalid_field", "请填写复核意见（不超过1000字）").
			WithDetail(map[string]string{"field": "note"})
	}
	f, _, err := s.Followup(ctx, id, departments)
	if err != nil {
		return Followup{}, err
	}
	if f.Status != FollowupAppealed {
		return Followup{}, workflow.Refuse(workflow.ErrConflict, "not_appealed", "该差评没有待复核的申诉")
	}
	if f.AppealedBy == by {
		return Followup{}, workflow.Refuse(workflow.ErrForbidden, "own_appeal", "申诉人不能复核自己的申诉，请由其他人员复核")
	}
	now := s.cfg.Now()
	if exclude {
		f.Status, f.ClosedBy, f.ClosedAt, f.Resolution, f.StepDueAt = FollowupExcluded, by, now, note, time.Time{}
		err := s.cfg.Store.Exclude(ctx, f, Step{Name: StepExclude, StaffID: by, Note: note, At: now})
		if errors.Is(err, workflow.ErrConflict) {
			return Followup{}, workflow.Refuse(workflow.ErrConflict, "not_appealed", "该差评没有待复核的申诉").Because(err)
		}
		return f, err
	}
	f.Status, f.StepDueAt = f.AppealFrom, s.days(now, contactWorkingDays)
	if f.StepDueAt.After(f.DueAt) && f.Status != FollowupOpen {
		f.StepDueAt = f.DueAt
	}
	return s.advance(ctx, f, []FollowupStatus{FollowupAppealed}, Step{Name: StepUphold, StaffID: by, Note: note, At: now})
}

// stepNames are the steps as a supervisor's warning names them.
var stepNames = map[FollowupStatus]string{
	FollowupOpen: "回访", FollowupContacted: "核实", FollowupVerified: "整改", FollowupRectified: "反馈", FollowupAppealed: "申诉复核",
}

// EscalateOverdue warns the supervisors of up to limit follow-ups whose
// current step is past due: once per step, through the outbox as a red
// card (warn_supervisor), so it shows with the other cards in the console.
func (s *Evaluations) EscalateOverdue(ctx context.Context, limit int) (int, error) {
	now := s.cfg.Now()
	fs, err := s.cfg.Store.StepsOverdue(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, f := range fs {
		w := workflow.WarnSupervisor{CaseID: f.CaseID, Department: f.Department, Card: workflow.CardRed, Deadline: f.StepDueAt,
			Reason: "差评整改“" + stepNames[f.Status] + "”环节已逾期（" + f.Stage.Name() + "评价）"}
		if cs, err := s.cfg.Cases.Get(ctx, f.CaseID); err == nil {
			w.Number = cs.Number
		}
		ok, err := s.cfg.Store.Escalate(ctx, f, w, now)
		if ok {
			n++
		}
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// newID returns a random follow-up id.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
