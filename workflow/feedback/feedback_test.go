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
	evals     map[string]Evaluation
	followups map[string]Followup
	invites   map[string]time.Time
}

func newEvaluations() *memEvaluations {
	return &memEvaluations{evals: map[string]Evaluation{}, followups: map[string]Followup{}, invites: map[string]time.Time{}}
}

func (m *memEvaluations) Submit(_ context.Context, e Evaluation, due time.Time) (Evaluation, *Followup, error) {
	if _, ok := m.evals[e.CaseID]; ok {
		return Evaluation{}, nil, fmt.Errorf("submit: %w", workflow.ErrDuplicate)
	}
	m.evals[e.CaseID] = e
	if !e.Bad() {
		return e, nil, nil
	}
	f := Followup{ID: "f-" + e.CaseID, CaseID: e.CaseID, Department: e.Department, Stars: e.Stars, Status: FollowupOpen, DueAt: due}
	m.followups[e.CaseID] = f
	return e, &f, nil
}

func (m *memEvaluations) Get(_ context.Context, caseID string) (Evaluation, error) {
	e, ok := m.evals[caseID]
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

func (m *memEvaluations) FollowupOfCase(_ context.Context, caseID string) (Followup, error) {
	f, ok := m.followups[caseID]
	if !ok {
		return Followup{}, workflow.ErrNotFound
	}
	return f, nil
}

func (m *memEvaluations) CloseFollowup(_ context.Context, id, resolution, by string) error {
	for c, f := range m.followups {
		if f.ID == id && f.Status == FollowupOpen {
			f.Status, f.Resolution, f.ClosedBy = FollowupClosed, resolution, by
			m.followups[c] = f
			return nil
		}
	}
	return workflow.ErrNotFound
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
		r     Rating
		field string
	}{
		"Fine":             {Rating{Stars: 4, Indicators: map[string]int{"attitude": 5}}, ""},
		"NoStars":          {Rating{Stars: 0}, "stars"},
		"SixStars":         {Rating{Stars: 6}, "stars"},
		"UnknownIndicator": {Rating{Stars: 3, Indicators: map[string]int{"speed": 3}}, "indicators.speed"},
		"IndicatorOff":     {Rating{Stars: 3, Indicators: map[string]int{"guide": 0}}, "indicators.guide"},
		"LongComment":      {Rating{Stars: 3, Comment: string(make([]rune, 501))}, "comment"},
	} {
		err := tc.r.Check()
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

func evaluations(store EvaluationStore) *Evaluations {
	cal, _ := workflow.NewCalendar(nil)
	return NewEvaluations(EvaluationsConfig{Store: store, Calendar: cal, Now: func() time.Time { return t0 }})
}

func TestEvaluateOpensAFollowupOfABadRating(t *testing.T) {
	ctx := context.Background()
	s := evaluations(newEvaluations())
	cs := workflow.Case{ID: "c1", ApplicantID: "b1", Department: "gaj", Status: workflow.StatusAccepted}
	acct, person := citizen.Account{Channel: workflow.ChannelWeChat}, citizen.Citizen{ID: "p1"}
	_, _, err := s.Evaluate(ctx, cs, acct, person, Rating{Stars: 2})
	refusal(t, err, workflow.ErrConflict, "not_completed")
	cs.Status = workflow.StatusClosed
	e, f, err := s.Evaluate(ctx, cs, acct, person, Rating{Stars: 2})
	if err != nil || f == nil || e.PersonID != "p1" || e.PrincipalID != "b1" || e.Indicators == nil || e.Level() != "不满意" {
		t.Fatalf("bad rating = %+v, %+v, %v", e, f, err)
	}
	// 2025-09-01 is a Monday: 15 working days on (no holidays) is Monday 22 September.
	if got := workflow.DateOf(f.DueAt); got != (workflow.Date{Year: 2025, Month: time.September, Day: 22}) {
		t.Errorf("follow-up due %v, want 2025-09-22", f.DueAt)
	}
	_, _, err = s.Evaluate(ctx, cs, acct, person, Rating{Stars: 5})
	refusal(t, err, workflow.ErrConflict, "already_evaluated")
	if got, gf, err := s.Evaluation(ctx, "c1"); err != nil || gf == nil || got.Stars != 2 {
		t.Errorf("evaluation = %+v, %+v, %v", got, gf, err)
	}
	_, _, err = s.Evaluation(ctx, "c2")
	refusal(t, err, workflow.ErrNotFound, "not_evaluated")
	if !s.Evaluated(ctx, "c1") || s.Evaluated(ctx, "c2") {
		t.Error("Evaluated does not tell evaluated cases")
	}
}

func TestFollowups(t *testing.T) {
	ctx := context.Background()
	st := newEvaluations()
	for i, d := range []string{"gaj", "scjgj", "gaj"} {
		st.followups[fmt.Sprint("c", i)] = Followup{ID: fmt.Sprint("f", i), CaseID: fmt.Sprint("c", i), Department: d,
			Status: FollowupOpen, DueAt: t0.Add(time.Duration(3-i) * time.Hour)}
	}
	s := evaluations(st)
	fs, next, err := s.Followups(ctx, []string{"gaj", "scjgj"}, FollowupOpen, "", 2)
	if err != nil || len(fs) != 2 || fs[0].ID != "f2" || fs[1].ID != "f1" || next == "" {
		t.Fatalf("follow-ups = %+v, %q, %v: want the two due first and a next page", fs, next, err)
	}
	if rest, last, err := s.Followups(ctx, []string{"gaj", "scjgj"}, FollowupOpen, next, 2); err != nil || len(rest) != 1 || rest[0].ID != "f0" || last != "" {
		t.Fatalf("second page = %+v, %q, %v: want f0 alone, the last page", rest, last, err)
	}
	// Follow-ups due at once, in two departments, page by id.
	st.followups["c3"] = Followup{ID: "f3", CaseID: "c3", Department: "scjgj", Status: FollowupOpen, DueAt: t0.Add(2 * time.Hour)}
	var ids []string
	for key, pages := "", 0; pages == 0 || key != ""; pages++ {
		page, nextKey, err := s.Followups(ctx, []string{"gaj", "scjgj"}, FollowupOpen, key, 1)
		if err != nil || pages > 4 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, f := range page {
			ids = append(ids, f.ID)
		}
		key = nextKey
	}
	if strings.Join(ids, ",") != "f2,f1,f3,f0" {
		t.Errorf("one a page = %v, want f2,f1,f3,f0", ids)
	}
	_, _, err = s.Followups(ctx, []string{"gaj"}, FollowupOpen, "not-a-key", 2)
	refusal(t, err, workflow.ErrMalformed, "invalid_page")
	if !fs[0].Overdue(t0.Add(2*time.Hour)) || fs[0].Overdue(t0) {
		t.Error("Overdue is wrong")
	}
	_, err = s.CloseFollowup(ctx, "c0", nil, "  ", "sup")
	refusal(t, err, workflow.ErrInvalidInput, "invalid_field")
	_, err = s.CloseFollowup(ctx, "c0", []string{"scjgj"}, "已回访", "sup")
	refusal(t, err, workflow.ErrForbidden, "other_department")
	f, err := s.CloseFollowup(ctx, "c0", []string{"gaj"}, " 已回访 ", "sup")
	if err != nil || f.Status != FollowupClosed || st.followups["c0"].Resolution != "已回访" {
		t.Fatalf("close = %+v, %v", f, err)
	}
	if _, err := s.CloseFollowup(ctx, "c0", nil, "再次", "sup"); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("closing twice = %v", err)
	}
	if _, ok := ParseFollowupStatus(""); ok {
		t.Error("an empty status parsed")
	}
}
