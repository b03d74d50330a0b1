package feedback

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

type people struct {
	known    map[string]bool
	accounts map[string][]citizen.Account
}

func (p people) Get(_ context.Context, id string) (citizen.Citizen, error) {
	if !p.known[id] {
		return citizen.Citizen{}, workflow.ErrNotFound
	}
	return citizen.Citizen{ID: id}, nil
}

func (p people) Accounts(_ context.Context, id string) ([]citizen.Account, error) {
	return p.accounts[id], nil
}

// applications says the agent p2 filled in case c-agent.
type applications struct{}

func (applications) PersonOf(_ context.Context, caseID string) (string, error) {
	if caseID == "c-agent" {
		return "p2", nil
	}
	return "", workflow.ErrNotFound
}

type sender struct {
	err   error
	sent  []Push
	calls int
}

func (s *sender) Send(_ context.Context, p Push) error {
	s.calls++
	if s.err != nil {
		return s.err
	}
	s.sent = append(s.sent, p)
	return nil
}

type fixture struct {
	inbox  *memInbox
	evals  *memEvaluations
	wechat *sender
	alipay *sender
	msgs   *Messages
}

func newFixture() *fixture {
	f := &fixture{inbox: newInbox(), evals: newEvaluations(), wechat: &sender{}, alipay: &sender{}}
	tpls := map[string]string{workflow.TplAccepted: "T-ACC", workflow.TplClosed: "T-RES", workflow.TplRevoked: "T-RES"}
	f.msgs = NewMessages(MessagesConfig{Inbox: f.inbox, Evaluations: f.evals, Applications: applications{},
		Citizens: people{known: map[string]bool{"p1": true, "b1": true}, accounts: map[string][]citizen.Account{
			"p1": {{ID: "a-wx", Channel: workflow.ChannelWeChat, Subject: "o-1"}, {ID: "a-ali", Channel: workflow.ChannelAlipay, Subject: "open:Z"}},
			"p2": {{ID: "a-agent", Channel: workflow.ChannelWeChat, Subject: "o-2"}},
		}},
		Senders:   map[workflow.Channel]Sender{workflow.ChannelWeChat: f.wechat, workflow.ChannelAlipay: f.alipay},
		Templates: map[workflow.Channel]map[string]string{workflow.ChannelWeChat: tpls, workflow.ChannelAlipay: tpls},
		Now:       func() time.Time { return t0 }})
	return f
}

func accepted(applicant, caseID string) workflow.NotifyApplicant {
	return workflow.NotifyApplicant{CaseID: caseID, ApplicantID: applicant, Template: workflow.TplAccepted,
		Params: map[string]string{"number": "N1", "item": "食品经营许可", "deadline": "2025-09-30"}}
}

func TestNotifyPushesWithConsentOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	_ = f.inbox.GrantConsents(ctx, "a-wx", []string{"T-ACC"})
	_ = f.inbox.GrantConsents(ctx, "a-ali", []string{"T-ACC"})
	e := workflow.OutboxEntry{ID: 7}
	for range 2 {
		if err := f.msgs.Notify(ctx, e, accepted("p1", "c1")); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.inbox.msgs) != 1 || f.inbox.msgs[0].Title != "申请已受理" {
		t.Fatalf("inbox = %+v, want one message", f.inbox.msgs)
	}
	if len(f.wechat.sent) != 1 || len(f.alipay.sent) != 1 {
		t.Fatalf("pushes: wechat %d, alipay %d; want one each", len(f.wechat.sent), len(f.alipay.sent))
	}
	if p := f.wechat.sent[0]; p.OpenID != "o-1" || p.TemplateID != "T-ACC" || p.Page != "pages/case/detail?id=c1" || p.Data["phrase3"] != "已受理" {
		t.Errorf("wechat push = %+v", p)
	}
	if p := f.alipay.sent[0]; p.OpenID != "Z" || p.UserID != "" {
		t.Errorf("alipay push = %+v, want the open id", p)
	}
}

func TestNotifyWithoutConsentOrAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	if err := f.msgs.Notify(ctx, workflow.OutboxEntry{ID: 1}, accepted("counter-9", "c1")); !errors.Is(err, workflow.ErrNoIntegration) {
		t.Fatalf("an applicant without an account = %v, want ErrNoIntegration", err)
	}
	if err := f.msgs.Notify(ctx, workflow.OutboxEntry{ID: 2}, accepted("p1", "c1")); err != nil {
		t.Fatal(err)
	}
	if f.wechat.calls != 0 || f.inbox.deliveries[key(1, "a-wx")] != DeliveryNoConsent {
		t.Errorf("pushed without consent: %d calls, deliveries %v", f.wechat.calls, f.inbox.deliveries)
	}
}

func TestNotifyGoesToTheAgentOfABusiness(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	_ = f.inbox.GrantConsents(ctx, "a-agent", []string{"T-ACC"})
	if err := f.msgs.Notify(ctx, workflow.OutboxEntry{ID: 3}, accepted("b1", "c-agent")); err != nil {
		t.Fatal(err)
	}
	if len(f.wechat.sent) != 1 || f.wechat.sent[0].OpenID != "o-2" || f.inbox.msgs[0].PrincipalID != "b1" {
		t.Errorf("pushes = %+v, inbox %+v: want the agent's account, the business's inbox", f.wechat.sent, f.inbox.msgs)
	}
}

func TestPushFailures(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		err      error
		retry    bool
		consents int
		status   string
	}{
		"NoConsent":   {fmt.Errorf("wechat: %w", ErrNoConsent), false, 0, DeliveryNoConsent},
		"Unreachable": {fmt.Errorf("wechat: %w", workflow.ErrUnavailable), true, 2, ""},
		"Refused":     {errors.New("wechat: errcode 40003"), false, 1, DeliveryRefused},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture()
			f.wechat.err = tc.err
			_ = f.inbox.GrantConsents(ctx, "a-wx", []string{"T-ACC", "T-ACC"})
			err := f.msgs.Notify(ctx, workflow.OutboxEntry{ID: 4}, accepted("p1", "c1"))
			if (err != nil) != tc.retry {
				t.Fatalf("Notify = %v, want retry %v", err, tc.retry)
			}
			if got := f.inbox.consents["a-wx|T-ACC"]; got != tc.consents {
				t.Errorf("consents left = %d, want %d", got, tc.consents)
			}
			if got := f.inbox.deliveries[key(1, "a-wx")]; got != tc.status {
				t.Errorf("delivery = %q, want %q", got, tc.status)
			}
		})
	}
}

func TestClosedCaseSchedulesAnInvitation(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	eff := workflow.NotifyApplicant{CaseID: "c1", ApplicantID: "p1", Template: workflow.TplClosed, Params: map[string]string{}}
	if err := f.msgs.Notify(ctx, workflow.OutboxEntry{ID: 5}, eff); err != nil {
		t.Fatal(err)
	}
	if due := f.evals.invites["c1"]; !due.Equal(t0.Add(72 * time.Hour)) {
		t.Errorf("invitation due %v, want three days on", due)
	}
	if err := f.msgs.Invite(ctx, Invitation{CaseID: "c1", PrincipalID: "p1"}, workflow.Case{Number: "N1"}); err != nil {
		t.Fatal(err)
	}
	if m := f.inbox.msgs[len(f.inbox.msgs)-1]; m.Template != TplEvaluationInvitation || m.Title != "邀请您评价" {
		t.Errorf("invitation = %+v", m)
	}
}

func TestSubscriptions(t *testing.T) {
	ctx := context.Background()
	f := newFixture()
	acct := citizen.Account{ID: "a-wx", Channel: workflow.ChannelWeChat}
	refusal(t, f.msgs.Subscribe(ctx, acct, nil), workflow.ErrInvalidInput, "invalid_templates")
	refusal(t, f.msgs.Subscribe(ctx, acct, []string{"T-ACC", "T-X"}), workflow.ErrInvalidInput, "unknown_template")
	if err := f.msgs.Subscribe(ctx, acct, []string{"T-RES"}); err != nil {
		t.Fatal(err)
	}
	subs, err := f.msgs.Subscriptions(ctx, acct)
	if err != nil || len(subs) != 2 || subs[1].TemplateID != "T-RES" || subs[1].Remaining != 1 || len(subs[1].Events) != 2 ||
		subs[1].Events[0] != workflow.TplClosed {
		t.Errorf("subscriptions = %+v, %v", subs, err)
	}
	_, err = f.msgs.MarkRead(ctx, []string{"p1"}, make([]int64, 201))
	refusal(t, err, workflow.ErrInvalidInput, "too_many_ids")
}

// TestInboxPages walks five messages two at a time, newest first: every
// message once, and no next page after the last, also when the last page
// is full.
func TestInboxPages(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{5, 4} {
		f := newFixture()
		for i := range n {
			if _, _, err := f.inbox.Put(ctx, InboxMessage{PrincipalID: "p1", Title: fmt.Sprint("m", i)}, 0); err != nil {
				t.Fatal(err)
			}
		}
		var got []int64
		var before int64
		for pages := 1; ; pages++ {
			p, err := f.msgs.Inbox(ctx, []string{"p1"}, before, 2, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range p.Messages {
				got = append(got, m.ID)
			}
			if p.NextBefore == 0 {
				if want := (n + 1) / 2; pages != want {
					t.Errorf("%d messages: %d pages, want %d", n, pages, want)
				}
				break
			}
			if pages > n {
				t.Fatalf("%d messages: still paging after %d pages", n, pages)
			}
			before = p.NextBefore
		}
		if fmt.Sprint(got) != fmt.Sprint([]int64{5, 4, 3, 2, 1}[5-n:]) {
			t.Errorf("%d messages: ids %v, want newest first, each once", n, got)
		}
	}
}
