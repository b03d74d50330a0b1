package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

var t0 = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)

// memInbox is an in-memory InboxStore.
type memInbox struct {
	msgs       []InboxMessage
	byOutbox   map[int64]int64
	consents   map[string]int // account|template
	deliveries map[string]string
}

func newInbox() *memInbox {
	return &memInbox{byOutbox: map[int64]int64{}, consents: map[string]int{}, deliveries: map[string]string{}}
}

func (i *memInbox) Put(_ context.Context, m InboxMessage, outboxID int64) (InboxMessage, bool, error) {
	if id, ok := i.byOutbox[outboxID]; ok && outboxID != 0 {
		return i.msgs[id-1], false, nil
	}
	m.ID = int64(len(i.msgs) + 1)
	i.msgs = append(i.msgs, m)
	i.byOutbox[outboxID] = m.ID
	return m, true, nil
}

func (i *memInbox) List(_ context.Context, _ []string, beforeID int64, limit int, _ bool) ([]InboxMessage, error) {
	var out []InboxMessage
	for _, m := range slices.Backward(i.msgs) {
		if (beforeID == 0 || m.ID < beforeID) && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

func (i *memInbox) Unread(context.Context, []string) (int64, error) { return int64(len(i.msgs)), nil }

func (i *memInbox) MarkRead(_ context.Context, _ []string, ids []int64) (int64, error) {
	return int64(len(ids)), nil
}

func (i *memInbox) GrantConsents(_ context.Context, acct string, tpls []string) error {
	for _, t := range tpls {
		i.consents[acct+"|"+t]++
	}
	return nil
}

func (i *memInbox) Consents(_ context.Context, acct string) (map[string]int, error) {
	out := map[string]int{}
	for k, n := range i.consents {
		if a, t, _ := cut(k); a == acct {
			out[t] = n
		}
	}
	return out, nil
}

func cut(k string) (string, string, bool) {
	for j := range k {
		if k[j] == '|' {
			return k[:j], k[j+1:], true
		}
	}
	return k, "", false
}

func (i *memInbox) UseConsent(_ context.Context, acct, tpl string) (bool, error) {
	if i.consents[acct+"|"+tpl] == 0 {
		return false, nil
	}
	i.consents[acct+"|"+tpl]--
	return true, nil
}

func (i *memInbox) ReturnConsent(ctx context.Context, acct, tpl string) error {
	return i.GrantConsents(ctx, acct, []string{tpl})
}

func (i *memInbox) ClearConsent(_ context.Context, acct, tpl string) error {
	i.consents[acct+"|"+tpl] = 0
	return nil
}

func key(id int64, acct string) string { return fmt.Sprint(id, "|", acct) }

func (i *memInbox) ClaimDelivery(_ context.Context, id int64, acct string) (bool, error) {
	if _, ok := i.deliveries[key(id, acct)]; ok {
		return false, nil
	}
	i.deliveries[key(id, acct)] = DeliverySending
	return true, nil
}

func (i *memInbox) FinishDelivery(_ context.Context, id int64, acct, status string) error {
	i.deliveries[key(id, acct)] = status
	return nil
}

func (i *memInbox) ReleaseDelivery(_ context.Context, id int64, acct string) error {
	delete(i.deliveries, key(id, acct))
	return nil
}

// memEvaluations is an in-memory EvaluationStore.
type memEvaluations struct {
	evals     map[string]Evaluation // case|stage
	followups map[string]Followup   // case|stage
	invites   map[string]time.Time
	steps     map[string][]Step
	tokens    map[string]Token
	warned    []workflow.WarnSupervisor
}

func newEvaluations() *memEvaluations {
	return &memEvaluations{evals: map[string]Evaluation{}, followups: map[string]Followup{}, invites: map[string]time.Time{},
		steps: map[string][]Step{}, tokens: map[string]Token{}}
}

func stageKey(caseID string, st Stage) string { return caseID + "|" + string(st) }

func (m *memEvaluations) Submit(_ context.Context, e Evaluation, f *Followup, hash string) (Evaluation, *Followup, error) {
	if _, ok := m.evals[stageKey(e.CaseID, e.Stage)]; ok {
		return Evaluation{}, nil, fmt.Errorf("submit: %w", workflow.ErrDuplicate)
	}
	if hash != "" {
		t, ok := m.tokens[hash]
		if !ok || !t.UsedAt.IsZero() || !e.CreatedAt.Before(t.ExpiresAt) {
			return Evaluation{}, nil, fmt.Errorf("link: %w", workflow.ErrNotFound)
		}
		t.UsedAt = e.CreatedAt
		m.tokens[hash] = t
	}
	m.evals[stageKey(e.CaseID, e.Stage)] = e
	if f != nil {
		m.followups[stageKey(e.CaseID, e.Stage)] = *f
	}
	return e, f, nil
}

func (m *memEvaluations) Get(_ context.Context, caseID string, st Stage) (Evaluation, error) {
	e, ok := m.evals[stageKey(caseID, st)]
	if !ok {
		return Evaluation{}, workflow.ErrNotFound
	}
	return e, nil
}

func (m *memEvaluations) ScheduleInvitation(_ context.Context, caseID, _ string, due time.Time) error {
	m.invites[caseID] = due
	return nil
}

func (m *memEvaluations) ClaimInvitations(_ context.Context, now time.Time, limit int) ([]Invitation, error) {
	var out []Invitation
	for c, due := range m.invites {
		if !due.After(now) && len(out) < limit {
			out = append(out, Invitation{CaseID: c, PrincipalID: "p1", DueAt: due})
			delete(m.invites, c)
		}
	}
	return out, nil
}

func (m *memEvaluations) Followups(_ context.Context, dept string, st FollowupStatus, from FollowupKey, limit int) ([]Followup, error) {
	var out []Followup
	for _, f := range m.followups {
		later := from.ID == "" || f.DueAt.After(from.DueAt) || (f.DueAt.Equal(from.DueAt) && f.ID > from.ID)
		if f.Department == dept && f.Status == st && later {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Followup) int { return cmp.Or(a.DueAt.Compare(b.DueAt), strings.Compare(a.ID, b.ID)) })
	return out[:min(limit, len(out))], nil
}

func (m *memEvaluations) FollowupOf(_ context.Context, caseID string, st Stage) (Followup, error) {
	f, ok := m.followups[stageKey(caseID, st)]
	if !ok {
		return Followup{}, workflow.ErrNotFound
	}
	return f, nil
}

func (m *memEvaluations) Followup(_ context.Context, id string) (Followup, error) {
	for _, f := range m.followups {
		if f.ID == id {
			return f, nil
		}
	}
	return Followup{}, workflow.ErrNotFound
}

func (m *memEvaluations) Advance(_ context.Context, f Followup, from []FollowupStatus, st Step) error {
	k := stageKey(f.CaseID, f.Stage)
	cur, ok := m.followups[k]
	if !ok || !slices.Contains(from, cur.Status) {
		return fmt.Errorf("advance: %w", workflow.ErrConflict)
	}
	f.Escalated = ""
	m.followups[k] = f
	st.Seq = len(m.steps[f.ID]) + 1
	m.steps[f.ID] = append(m.steps[f.ID], st)
	return nil
}

func (m *memEvaluations) Steps(_ context.Context, id string) ([]Step, error) { return m.steps[id], nil }

func (m *memEvaluations) Exclude(ctx context.Context, f Followup, st Step) error {
	if err := m.Advance(ctx, f, []FollowupStatus{FollowupAppealed}, st); err != nil {
		return err
	}
	e := m.evals[stageKey(f.CaseID, f.Stage)]
	e.Excluded = true
	m.evals[stageKey(f.CaseID, f.Stage)] = e
	return nil
}

func (m *memEvaluations) SaveToken(_ context.Context, t Token) error {
	m.tokens[t.Hash] = t
	return nil
}

func (m *memEvaluations) Token(_ context.Context, hash string) (Token, error) {
	t, ok := m.tokens[hash]
	if !ok {
		return Token{}, workflow.ErrNotFound
	}
	return t, nil
}

func (m *memEvaluations) StepsOverdue(_ context.Context, now time.Time, limit int) ([]Followup, error) {
	var out []Followup
	for _, f := range m.followups {
		if (f.Status.Active() || f.Status == FollowupAppealed) && !f.StepDueAt.IsZero() && !f.StepDueAt.After(now) && f.Escalated != f.Status {
			out = append(out, f)
		}
	}
	return out[:min(limit, len(out))], nil
}

func (m *memEvaluations) Escalate(_ context.Context, f Followup, w workflow.WarnSupervisor, _ time.Time) (bool, error) {
	k := stageKey(f.CaseID, f.Stage)
	cur := m.followups[k]
	if cur.Escalated == cur.Status {
		return false, nil
	}
	cur.Escalated = cur.Status
	m.followups[k] = cur
	m.warned = append(m.warned, w)
	return true, nil
}

// memCases is the case and events an evaluation reads.
type memCases map[string]struct {
	c   workflow.Case
	evs []workflow.EventRecord
}

func (m memCases) Get(_ context.Context, id string) (workflow.Case, error) {
	c, ok := m[id]
	if !ok {
		return workflow.Case{}, workflow.ErrNotFound
	}
	return c.c, nil
}

func (m memCases) History(_ context.Context, id string) ([]workflow.EventRecord, error) {
	return m[id].evs, nil
}

func refusal(t *testing.T, err error, kind error, code string) {
	t.Helper()
	r, ok := workflow.AsRefusal(err)
	if !ok || r.Code != code || !errors.Is(err, kind) {
		t.Fatalf("err = %v, want refusal %s (%v)", err, code, kind)
	}
}

func TestRatingCheck(t *testing.T) {
	for name, tc := range map[string]struct {
		r       Rating
		service Service
		field   string
	}{
		"Online":            {Rating{Stars: 4, Indicators: map[string]int{"operability": 5}}, ServiceOnline, ""},
		"Offline":           {Rating{Stars: 4, Indicators: map[string]int{"service_attitude": 5}}, ServiceOffline, ""},
		"OfflineOnlineOnly": {Rating{Stars: 4, Indicators: map[string]int{"operability": 5}}, ServiceOffline, "indicators.operability"},
		"NoStars":           {Rating{Stars: 0}, ServiceOnline, "stars"},
		"SixStars":          {Rating{Stars: 6}, ServiceOnline, "stars"},
		"OldIndicator":      {Rating{Stars: 3, Indicators: map[string]int{"attitude": 3}}, "", "indicators.attitude"},
		"IndicatorOff":      {Rating{Stars: 3, Indicators: map[string]int{"efficiency": 0}}, ServiceOnline, "indicators.efficiency"},
		"LongComment":       {Rating{Stars: 3, Comment: string(make([]rune, 501))}, ServiceOnline, "comment"},
	} {
		err := tc.r.Check(tc.service)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		r, ok := workflow.AsRefusal(err)
		if !ok || r.Code != "invalid_evaluation" || r.Detail.(map[string]string)["field"] != tc.field {
			t.Errorf("%s: Check = %v, want invalid_evaluation of %s", name, err, tc.field)
		}
	}
}

func evaluations(store EvaluationStore, cases memCases, now *time.Time) *Evaluations {
	cal, _ := workflow.NewCalendar(nil)
	return NewEvaluations(EvaluationsConfig{Store: store, Cases: cases, Calendar: cal, Now: func() time.Time { return *now }})
}

// accepted is a counter case a clerk accepted and another approved.
func servedCase(status workflow.Status) (workflow.Case, []workflow.EventRecord) {
	cs := workflow.Case{ID: "c1", ApplicantID: "b1", Department: "gaj", Status: status, Channel: workflow.ChannelCounter, SubmittedAt: t0}
	evs := []workflow.EventRecord{
		{Name: "submit", Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "st-desk"}, From: workflow.StatusDraft, To: workflow.StatusSubmitted, At: t0},
		{Name: "accept", Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "st-acc"}, From: workflow.StatusSubmitted, To: workflow.StatusAccepted, At: t0},
		{Name: "approve", Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "st-dec"}, From: workflow.StatusAccepted, To: workflow.StatusApproved, At: t0},
	}
	return cs, evs
}

func TestEvaluateStages(t *testing.T) {
	ctx := context.Background()
	now := t0
	cs, evs := servedCase(workflow.StatusAccepted)
	cases := memCases{"c1": {cs, evs[:2]}}
	store := newEvaluations()
	s := evaluations(store, cases, &now)
	acct, person := citizen.Account{Channel: workflow.ChannelWeChat}, citizen.Citizen{ID: "p1"}
	_, _, err := s.Evaluate(ctx, cs, acct, person, StageResult, Rating{Stars: 2})
	refusal(t, err, workflow.ErrConflict, "not_completed")
	_, _, err = s.Evaluate(ctx, cs, acct, person, StageAccept, Rating{Stars: 5, Indicators: map[string]int{"operability": 5}})
	refusal(t, err, workflow.ErrInvalidInput, "invalid_evaluation")
	e, f, err := s.Evaluate(ctx, cs, acct, person, StageAccept, Rating{Stars: 5, Indicators: map[string]int{"service_attitude": 5}})
	if err != nil || f != nil || e.AcceptedBy != "st-acc" || e.Service != ServiceOffline || e.Channel != MediumWeChat || e.ID() != "c1:accept" {
		t.Fatalf("acceptance rating = %+v, %+v, %v", e, f, err)
	}
	_, _, err = s.Evaluate(ctx, cs, acct, person, StageAccept, Rating{Stars: 4})
	refusal(t, err, workflow.ErrConflict, "already_evaluated")

	cs.Status = workflow.StatusRevoked
	cases["c1"] = struct {
		c   workflow.Case
		evs []workflow.EventRecord
	}{cs, evs}
	e, f, err = s.Evaluate(ctx, cs, acct, person, StageResult, Rating{Stars: 2})
	if err != nil || f == nil || e.DecidedBy != "st-dec" || e.Level() != "不满意" {
		t.Fatalf("bad rating of a revoked case = %+v, %+v, %v", e, f, err)
	}
	// 2025-09-01 is a Monday: 15 working days on (no holidays) is Monday 22 September.
	if got := workflow.DateOf(f.DueAt); got != (workflow.Date{Year: 2025, Month: time.September, Day: 22}) {
		t.Errorf("follow-up due %v, want 2025-09-22", f.DueAt)
	}
	if got := workflow.DateOf(f.StepDueAt); got != (workflow.Date{Year: 2025, Month: time.September, Day: 3}) {
		t.Errorf("contact due %v, want 2025-09-03", f.StepDueAt)
	}
	if got, gf, err := s.Evaluation(ctx, "c1", StageResult); err != nil || gf == nil || got.Stars != 2 {
		t.Errorf("evaluation = %+v, %+v, %v", got, gf, err)
	}
	_, _, err = s.Evaluation(ctx, "c2", StageResult)
	refusal(t, err, workflow.ErrNotFound, "not_evaluated")
	if !s.Evaluated(ctx, "c1") || s.Evaluated(ctx, "c2") {
		t.Error("Evaluated does not tell evaluated cases")
	}

	// A draft withdrawn before submission served no one.
	draft := workflow.Case{ID: "c3", Status: workflow.StatusWithdrawn}
	cases["c3"] = struct {
		c   workflow.Case
		evs []workflow.EventRecord
	}{draft, nil}
	_, _, err = s.Evaluate(ctx, draft, acct, person, StageResult, Rating{Stars: 1})
	refusal(t, err, workflow.ErrConflict, "not_completed")
}

func TestHandlingOfATrustFirstCase(t *testing.T) {
	h := HandlingOf([]workflow.EventRecord{
		{Name: "submit", Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: "u1"}, From: workflow.StatusDraft, To: workflow.StatusApproved, At: t0},
	})
	if h.AcceptedAt.IsZero() || h.AcceptedBy != "" || h.ServedBy(StageResult) != "" {
		t.Errorf("承诺即办 handling = %+v: accepted by no clerk", h)
	}
}

// TestCycle: the steps come in order, each by the department; an appeal
// is reviewed by someone else; a late step warns the supervisor once.
func TestCycle(t *testing.T) {
	ctx := context.Background()
	now := t0
	cs, evs := servedCase(workflow.StatusClosed)
	cases := memCases{"c1": {cs, evs}}
	store := newEvaluations()
	s := evaluations(store, cases, &now)
	_, f, err := s.Evaluate(ctx, cs, citizen.Account{Channel: workflow.ChannelWeChat}, citizen.Citizen{ID: "p1"}, StageResult, Rating{Stars: 1})
	if err != nil || f == nil {
		t.Fatal(err)
	}
	step := func(name StepName, finding string) error {
		_, err := s.TakeStep(ctx, f.ID, []string{"gaj"}, "sup", StepRequest{Step: name, Note: "说明", Finding: finding})
		return err
	}
	refusal(t, step(StepVerify, FindingFounded), workflow.ErrConflict, "step_out_of_order")
	_, err = s.TakeStep(ctx, f.ID, []string{"scjgj"}, "sup", StepRequest{Step: StepContact, Note: "x"})
	refusal(t, err, workflow.ErrForbidden, "other_department")
	if err := step(StepContact, ""); err != nil {
		t.Fatal(err)
	}
	refusal(t, step(StepVerify, "maybe"), workflow.ErrInvalidInput, "invalid_field")

	// Late for verification (due 5 working days after the rating): one warning.
	now = t0.AddDate(0, 0, 9)
	if n, err := s.EscalateOverdue(ctx, 10); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v; want 1", n, err)
	}
	if n, _ := s.EscalateOverdue(ctx, 10); n != 0 || len(store.warned) != 1 || store.warned[0].Card != workflow.CardRed {
		t.Fatalf("warned again: %+v", store.warned)
	}

	// The department appeals; the appellant cannot review it, another can.
	if _, err := s.Appeal(ctx, f.ID, []string{"gaj"}, "sup", "短"); err == nil {
		t.Error("an appeal without reasons was taken")
	}
	if _, err := s.Appeal(ctx, f.ID, []string{"gaj"}, "sup", "评价人多次辱骂工作人员，与办件无关"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Review(ctx, f.ID, nil, "sup", true, "同意")
	refusal(t, err, workflow.ErrForbidden, "own_appeal")
	refusal(t, step(StepVerify, FindingFounded), workflow.ErrConflict, "step_out_of_order")
	up, err := s.Review(ctx, f.ID, nil, "reviewer", false, "评价与服务有关，维持")
	if err != nil || up.Status != FollowupContacted {
		t.Fatalf("upheld = %+v, %v; want back to contacted", up, err)
	}
	_, err = s.Appeal(ctx, f.ID, nil, "sup2", "再次申诉，理由同前")
	refusal(t, err, workflow.ErrConflict, "already_appealed")
	for _, st := range []StepName{StepVerify, StepRectify, StepFeedback} {
		if err := step(st, FindingFounded); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	refusal(t, step(StepFeedback, ""), workflow.ErrConflict, "step_out_of_order")
	got, steps, err := s.Followup(ctx, f.ID, []string{"gaj"})
	if err != nil || got.Status != FollowupClosed || got.Resolution != "说明" || len(steps) != 6 {
		t.Fatalf("closed follow-up = %+v, %d steps, %v", got, len(steps), err)
	}
	var names []string
	for _, st := range steps {
		names = append(names, string(st.Name))
	}
	if strings.Join(names, ",") != "contact,appeal,uphold,verify,rectify,feedback" {
		t.Errorf("steps = %v", names)
	}
	if store.evals["c1|result"].Excluded {
		t.Error("an upheld rating was excluded")
	}
}

func TestExcludedOnAppeal(t *testing.T) {
	ctx := context.Background()
	now := t0
	cs, evs := servedCase(workflow.StatusRejected)
	store := newEvaluations()
	s := evaluations(store, memCases{"c1": {cs, evs}}, &now)
	_, f, _ := s.Evaluate(ctx, cs, citizen.Account{Channel: workflow.ChannelAlipay}, citizen.Citizen{ID: "p1"}, StageResult, Rating{Stars: 1})
	if _, err := s.Appeal(ctx, f.ID, nil, "sup", "评价内容与本办件无关，系恶意差评"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Appeal(ctx, f.ID, nil, "sup2", "再次申诉同一差评"); err == nil {
		t.Error("appealed twice")
	}
	got, err := s.Review(ctx, f.ID, nil, "reviewer", true, "经核查属恶意差评")
	if err != nil || got.Status != FollowupExcluded || !store.evals["c1|result"].Excluded {
		t.Fatalf("excluded = %+v, %v", got, err)
	}
	if _, err := s.TakeStep(ctx, f.ID, nil, "sup", StepRequest{Step: StepContact, Note: "x"}); err == nil {
		t.Error("a step after exclusion was taken")
	}
}

func TestLinks(t *testing.T) {
	ctx := context.Background()
	now := t0
	cs, evs := servedCase(workflow.StatusAccepted)
	cs.Terms = workflow.Terms{ItemName: "食品经营许可", DepartmentName: "市场监管局"}
	cases := memCases{"c1": {cs, evs[:2]}}
	store := newEvaluations()
	s := evaluations(store, cases, &now)
	l, err := s.IssueLink(ctx, "c1", StageAccept, MediumCounterQR, "st-acc")
	if err != nil || len(l.Secret) < 40 || !l.ExpiresAt.Equal(t0.Add(DefaultLinkTTL)) {
		t.Fatalf("link = %+v, %v", l, err)
	}
	if _, ok := store.tokens[l.Secret]; ok {
		t.Error("the secret is stored as it is")
	}
	v, err := s.ViewLink(ctx, l.Secret)
	if err != nil || !v.Open || v.Service != ServiceOffline || len(v.Indicators) != 3 || v.ItemName != "食品经营许可" {
		t.Fatalf("view = %+v, %v", v, err)
	}
	_, err = s.ViewLink(ctx, l.Secret[:len(l.Secret)-1]+"A")
	refusal(t, err, workflow.ErrNotFound, "link_invalid")
	e, _, err := s.EvaluateByLink(ctx, l.Secret, Rating{Stars: 4, Indicators: map[string]int{"service_level": 4}})
	if err != nil || e.Channel != MediumCounterQR || e.Stage != StageAccept || e.AcceptedBy != "st-acc" {
		t.Fatalf("by link = %+v, %v", e, err)
	}
	_, _, err = s.EvaluateByLink(ctx, l.Secret, Rating{Stars: 1})
	refusal(t, err, workflow.ErrNotFound, "link_invalid")
	_, err = s.IssueLink(ctx, "c1", StageAccept, MediumSMS, "st-acc")
	refusal(t, err, workflow.ErrConflict, "already_evaluated")

	late, err := s.IssueLink(ctx, "c1", StageResult, MediumSMS, "st-acc")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.ViewLink(ctx, late.Secret); err != nil || v.Open {
		t.Errorf("a result link before the end = %+v, %v; want shown, not open", v, err)
	}
	now = t0.Add(DefaultLinkTTL)
	_, _, err = s.EvaluateByLink(ctx, late.Secret, Rating{Stars: 5})
	refusal(t, err, workflow.ErrNotFound, "link_invalid")
}
